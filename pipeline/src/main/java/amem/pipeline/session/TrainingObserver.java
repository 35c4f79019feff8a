package amem.pipeline.session;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * Watches the training loop from the training thread (recorders, health statistics, tests). Every method has an
 * empty default, so an observer implements only what it needs. Arrays handed in belong to the step's scope and
 * are closed with the step: keep results, not the arrays.
 */
public interface TrainingObserver {

    /**
     * Before the forward pass of step {@code step} (1-based: the step about to be done), e.g. to attach
     * recorders to the model.
     */
    default void beforeStep(long step, ModelSession model) {}

    /**
     * After the backward pass and before the update: the accumulated gradients in the order of
     * {@link ModelSession#parameters()}, their global norm and the clipping factor about to be applied.
     *
     * @param scope the step's manager, for any arrays the observer computes
     */
    default void afterBackward(long step, NDList gradients, double gradNorm, double clipScale, NDManager scope) {}

    /** After step {@code step} is complete (the update applied and the metrics row written). */
    default void afterStep(long step, ModelSession model) {}

    /** Where the time of step {@code timings.step()} went (benchmarks, profiling). */
    default void stepTimed(StepTimings timings) {}

    /** A short text for the message of a training fault (e.g. the largest recent hook statistics), or "". */
    default String faultReport() {
        return "";
    }
}
