package amem.models;

import ai.djl.ndarray.NDArray;

/**
 * A hook that may change the forward pass, TransformerLens' {@code hook(activation, hook)}: it receives the value
 * at a {@link HookPoint} and returns the value the forward continues with, either {@code value} itself (observe
 * only) or a replacement of the same shape (activation patching, zero or mean ablation; see {@link
 * HookFunctions}). Returning {@code null} means "unchanged", as returning {@code None} does in TransformerLens.
 *
 * <p>Several functions on one point run in the order they were added, each receiving the previous one's result.
 * The same rules as for a {@link HookListener} apply: the value is the forward's live array, so never modify it in
 * place; create the replacement in the value's manager ({@code value.getManager()}) so it closes with the step.
 * A replacement takes part in autograd like any other array of the forward.
 */
@FunctionalInterface
public interface HookFunction {

    /**
     * @param value the activation at {@code point}, in the layout documented on {@link HookPoint}
     * @param point where the forward is
     * @return the value to continue with: {@code value}, {@code null} (same), or a new array of {@code value}'s shape
     */
    NDArray apply(NDArray value, HookPoint point);
}
