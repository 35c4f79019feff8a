package amem.models;

import ai.djl.ndarray.NDArray;

/**
 * Receives the value at a {@link HookPoint} during a forward pass, on the thread running the forward, and leaves it
 * unchanged (a {@link HookFunction} may replace it). The activation recorders are listeners.
 *
 * <p>The value is the live array of the forward: it belongs to the step's manager and, during training, to the
 * autograd graph. A listener must not modify it in place; to keep anything beyond the step, {@code
 * stopGradient()} it and reduce or copy it before the step's manager closes.
 */
@FunctionalInterface
public interface HookListener {

    /** Called when the forward pass reaches {@code point}; see {@link HookPoint} for the value's shape. */
    void onActivation(HookPoint point, NDArray value);
}
