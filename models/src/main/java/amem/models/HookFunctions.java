package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The interventions TransformerLens users write as small hook functions: zero ablation, mean ablation, activation
 * patching, of a whole value or of one attention head. Each returns a new array in the value's manager (it closes
 * with the forward's step) and never writes into the value or the source.
 *
 * <pre>{@code
 * ActivationCache clean = model.runWithCache(ps, cleanTokens, List.of("blocks.0.attn.hook_z"));
 * NDArray patched = model.runWithHooks(ps, corruptTokens, Map.of(
 *         "blocks.0.attn.hook_z", HookFunctions.replaceHead(1, clean.get("blocks.0.attn.hook_z")),
 *         "blocks.1.hook_mlp_out", HookFunctions.zero()));
 * }</pre>
 */
public final class HookFunctions {

    private HookFunctions() {}

    /** Zero ablation: the value becomes zeros of its shape. */
    public static HookFunction zero() {
        return (value, point) -> value.zerosLike();
    }

    /**
     * The value becomes {@code replacement}, broadcast to the value's shape: activation patching with another
     * run's value at the same point (same shape), or mean ablation with a mean activation ({@code (width)} for
     * one vector everywhere, {@code (T, width)} for a mean per position). The replacement must be on the value's
     * device; it is copied into the value's manager on every forward, so the caller keeps ownership of it.
     */
    public static HookFunction replaceWith(NDArray replacement) {
        return (value, point) -> value.zerosLike().add(replacement); // 0 + r is r exactly
    }

    /** Zero-ablates one attention head at a per-head point ({@code attn.hook_q|k|v|z|pattern}). */
    public static HookFunction zeroHead(int head) {
        return (value, point) -> withHead(value, point, head, value.zerosLike());
    }

    /**
     * Patches one attention head at a per-head point ({@code attn.hook_q|k|v|z|pattern}): the head's slice becomes
     * {@code source}'s slice of the same head, every other head keeps its own value. The source is another run's
     * value at this point (same shape) or a mean that broadcasts to it, e.g. (H, d) per head for mean ablation.
     */
    public static HookFunction replaceHead(int head, NDArray source) {
        return (value, point) -> withHead(value, point, head, source);
    }

    /** {@code value} with head {@code head}'s slice taken from {@code source}, in the value's manager. */
    private static NDArray withHead(NDArray value, HookPoint point, int head, NDArray source) {
        int axis = headAxis(point);
        Shape shape = value.getShape();
        long heads = shape.get(axis);
        if (head < 0 || head >= heads) {
            throw new IllegalArgumentException("head " + head + " does not exist at " + point.name() + ", which has "
                    + heads + " heads (0 to " + (heads - 1) + ")");
        }
        boolean[] keep = new boolean[(int) heads];
        Arrays.fill(keep, true);
        keep[head] = false;
        long[] maskShape = new long[shape.dimension()];
        Arrays.fill(maskShape, 1);
        maskShape[axis] = heads;
        // DJL's where does not broadcast: the (1, .., H, .., 1) mask is expanded to the value's shape.
        NDArray keepOwn = value.getManager().create(keep, new Shape(maskShape)).broadcast(shape);
        NDArray full = source.getShape().equals(shape) ? source : value.zerosLike().add(source);
        return NDArrays.where(keepOwn, value, full); // the result goes to value's manager
    }

    /** The head axis: 2 of (B, T, H, d) for q, k, v, z; 1 of (B, H, T, T) for the pattern. */
    private static int headAxis(HookPoint point) {
        switch (point.kind()) {
            case HEADS:
                return 2;
            case PATTERN:
                return 1;
            default:
                throw new IllegalArgumentException(point.name() + " has no head axis; per-head interventions act on "
                        + "blocks.{l}.attn.hook_q, hook_k, hook_v, hook_z or hook_pattern");
        }
    }
}
