package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Fixed sinusoidal position encodings of the vanilla transformer (docs/THEORY.md §5C; Vaswani et al.):
 * {@code PE[p, 2i] = sin(p / 10000^(2i/n))}, {@code PE[p, 2i+1] = cos(p / 10000^(2i/n))}.
 *
 * <p>They have no parameters; the (contextLength, n) table is computed once per device and data
 * type in double precision and sliced to {@code [:T]} per forward.
 */
public final class SinusoidalPositions {

    private final int contextLength;
    private final int width;
    private final DeviceConstant table;

    public SinusoidalPositions(int contextLength, int width) {
        this.contextLength = contextLength;
        this.width = width;
        this.table = new DeviceConstant(this::build);
    }

    /**
     * The (T, n) encodings of positions 0..T-1 on the device, in the data type and in the per-step
     * manager of {@code like} (the token embeddings).
     *
     * @param owner long-lived manager that caches the full table
     */
    public NDArray get(NDManager owner, NDArray like, long t) {
        return table.slice(owner, like, new NDIndex("0:{}", t));
    }

    /** The encoding table on the host, row-major (contextLength, n). */
    private double[] values() {
        double[] pe = new double[contextLength * width];
        for (int p = 0; p < contextLength; p++) {
            for (int i = 0; i < width; i += 2) {
                double angle = p / Math.pow(10000.0, (double) i / width);
                pe[p * width + i] = Math.sin(angle);
                if (i + 1 < width) {
                    pe[p * width + i + 1] = Math.cos(angle);
                }
            }
        }
        return pe;
    }

    private NDArray build(NDManager manager, DataType dataType) {
        return manager.create(values(), new Shape(contextLength, width)).toType(dataType, false);
    }
}
