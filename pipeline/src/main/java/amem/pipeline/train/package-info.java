/**
 * Training: {@link amem.pipeline.train.TrainingRun} checks a configuration, creates or resumes a run directory and
 * hands over to {@link amem.pipeline.train.TrainingLoop} (the step: forward, backward, clipping, the
 * {@link amem.pipeline.train.TorchAdamW} update, evaluation, checkpoints); data through
 * {@link amem.pipeline.train.TrainingData}.
 *
 * <p>Dependencies: the loop sees its observers only as {@code amem.pipeline.session.TrainingObserver}s. The run
 * itself builds the observers that a configuration's {@code hooks.*} keys ask for ({@code amem.pipeline.hooks}),
 * so every way of starting a run (CLI, sweep, benchmark, notebook) records the same hooks without wiring them in;
 * {@code hooks} in turn never imports this package.
 */
package amem.pipeline.train;
