/**
 * Token stores as DJL datasets, so a DJL user can train on an amem store with DJL's own {@code Trainer} and {@code
 * EasyTrain.fit}: {@link amem.datasets.djl.TokenWindowDataset} (fixed-length windows of any split) and {@link
 * amem.datasets.djl.TokenLineDataset} (whole lines of a line-indexed split, e.g. Question-Formation, padded per
 * batch with a loss mask). Both are {@code RandomAccessDataset}s with DJL's usual builder ({@code setSampling},
 * {@code optLimit}, {@code optDevice}, ...). Only the DJL API is needed here; the engine is the caller's.
 *
 * <p>amem's own training loop does not use these: it keeps the seeded samplers of {@code amem.datasets.sampling},
 * whose batch k is a pure function of (seed, k), for exact resume. DJL's {@code RandomSampler} draws from DJL's
 * global RNG ({@code Engine.getInstance().setRandomSeed}) and has no such guarantee.
 */
package amem.datasets.djl;
