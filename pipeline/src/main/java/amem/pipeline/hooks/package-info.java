/**
 * Recording activations at the model's hook points: {@link amem.pipeline.hooks.ActivationRecorder} (one forward,
 * chosen positions, one host transfer), sinks that keep vectors in memory or write an activation dataset of
 * {@code .npy} shards ({@link amem.pipeline.hooks.ActivationDatasetWriter}), {@code amem collect}
 * ({@link amem.pipeline.hooks.ActivationCollection}), and the observers a run's {@code hooks.*} keys ask for
 * during training ({@link amem.pipeline.hooks.HookStatsObserver}, {@link amem.pipeline.hooks.ActivationSnapshots}).
 *
 * <p>Dependencies: below {@code train} (which opens {@link amem.pipeline.hooks.TrainingHooks} for a run) and above
 * {@code session} (the observers implement {@code amem.pipeline.session.TrainingObserver}) and {@code weights}
 * (manifests describe the model with {@code ModelSources}); the {@code .npy} format is {@code amem.datasets.npy}.
 */
package amem.pipeline.hooks;
