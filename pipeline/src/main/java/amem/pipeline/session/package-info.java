/**
 * A model on a device, and the contract of a training step that everything above may watch: the layer between
 * {@code amem.models} (blocks, hook points) and the packages that train, record or load models.
 *
 * <ul>
 *   <li>{@link amem.pipeline.session.ModelSession}: the DJL {@code Model}, its parameter store and device; create,
 *       save and load in DJL's {@code .params} format; the engine seed of a (seed, step).</li>
 *   <li>{@link amem.pipeline.session.DeviceSpec}: {@code --device auto|cpu|gpu|gpu:N} to a DJL {@code Device}.</li>
 *   <li>{@link amem.pipeline.session.ModelConfigs}: the {@code model.*} keys of a run configuration to a
 *       {@code ModelConfig}.</li>
 *   <li>{@link amem.pipeline.session.TrainingObserver} and {@link amem.pipeline.session.StepTimings}: what the
 *       training loop hands to whoever watches it.</li>
 * </ul>
 *
 * <p>Why this package exists: {@code train} and {@code hooks} used to import each other (the run wires the
 * {@code hooks.*} observers in; the observers took a {@code ModelSession} and implemented {@code TrainingObserver}
 * from {@code train}), and {@code hooks -> weights -> train} closed a second loop through {@code ModelSession}.
 * With the session and the observer contract one level down, the dependencies run one way:
 * {@code session <- weights <- hooks <- train}. The observer interface is owned here, below both its implementers
 * (hooks, benchmarks, tests) and its caller (the training loop), so neither has to know the other's package.
 * {@code amem.pipeline.PackageDependenciesTest} fails if a cycle comes back.
 */
package amem.pipeline.session;
