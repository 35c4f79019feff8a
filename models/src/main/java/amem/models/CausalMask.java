package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Additive causal mask: 0 where key position ≤ query position, -inf above the diagonal, so that
 * after the softmax a position attends only to itself and the past (an autoregressive LM,
 * docs/THEORY.md §5B/§5C). No row is fully masked (every position sees itself), so the softmax never
 * meets a row of -inf only.
 *
 * <p>Built once per device and data type for the full context length and sliced to {@code [:T,
 * :T]} per forward (see {@link DeviceConstant} for which manager owns what).
 */
public final class CausalMask {

    /** Score added above the diagonal. */
    public static final float BLOCKED = Float.NEGATIVE_INFINITY;

    private final int contextLength;
    private final DeviceConstant table;

    public CausalMask(int contextLength) {
        this.contextLength = contextLength;
        this.table = new DeviceConstant(this::build);
    }

    /**
     * The (T, T) mask on the device, in the data type and in the per-step manager of {@code like}
     * (the attention input).
     *
     * @param owner long-lived manager that caches the full mask
     */
    public NDArray get(NDManager owner, NDArray like, long t) {
        return table.slice(owner, like, new NDIndex("0:{}, 0:{}", t, t));
    }

    private NDArray build(NDManager manager, DataType dataType) {
        int c = contextLength;
        float[] mask = new float[c * c];
        for (int q = 0; q < c; q++) {
            for (int k = q + 1; k < c; k++) {
                mask[q * c + k] = BLOCKED;
            }
        }
        return manager.create(mask, new Shape(c, c)).toType(dataType, false);
    }
}
