package amem.pipeline.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import amem.models.Scalars;
import java.util.Arrays;

/**
 * Distances between all pairs of a random subsample of the vectors (docs/THEORY.md §2), the background against which
 * nearest-neighbour distances are read: if patterns were well separated, nearest neighbours would sit far below
 * typical pairwise distances. Pairs with the same {@link RowKeys key} are left out. The subsample's rows are
 * computed against each other in blocks of {@code blockRows}, so memory stays at blockRows × sample.
 */
public final class PairwiseDistances {

    /**
     * @param sampleSize vectors in the subsample
     * @param distances distances of all admissible pairs i &lt; j of the subsample
     */
    public record Result(int sampleSize, double[] distances) {}

    private PairwiseDistances() {}

    /** Pairwise distances of {@code sample} vectors drawn with {@code seed} (all when there are fewer). */
    public static Result sample(EngineVectors vectors, long[] keys, int sample, long seed, int blockRows) {
        int[] rows = choose(vectors.count(), sample, seed);
        int s = rows.length;
        long[] sampleKeys = new long[s];
        for (int k = 0; k < s; k++) {
            sampleKeys[k] = keys[rows[k]];
        }
        double[] out = new double[(int) Math.min(Integer.MAX_VALUE - 8, (long) s * (s - 1) / 2)];
        int filled = 0;
        NDManager parent = vectors.chunk(0).getManager();
        try (NDManager scope = parent.newSubManager()) {
            NDArray x = vectors.gather(rows, scope);
            NDArray squaredNorms = x.square().sum(new int[] {1});
            for (int start = 0; start < s; start += blockRows) {
                int end = Math.min(s, start + blockRows);
                try (NDManager block = scope.newSubManager()) {
                    NDArray a = Scoped.view(x, block).get(start + ":" + end);
                    NDArray squared = Scalars.mul(a, -2).matMul(Scoped.view(x, block).transpose());
                    squared.addi(Scoped.view(squaredNorms, block).get(start + ":" + end).reshape(end - start, 1));
                    squared.addi(Scoped.view(squaredNorms, block).reshape(1, s));
                    double[] values = squared.getDataType() == DataType.FLOAT64
                            ? squared.toDoubleArray() : toDoubles(squared.toFloatArray());
                    for (int r = start; r < end; r++) {
                        for (int c = r + 1; c < s; c++) {
                            if (sampleKeys[r] != sampleKeys[c]) {
                                out[filled++] = Math.sqrt(Math.max(0, values[(r - start) * s + c]));
                            }
                        }
                    }
                }
            }
        }
        return new Result(s, Arrays.copyOf(out, filled));
    }

    /** {@code sample} distinct indices of {@code [0, count)}, ascending, drawn with {@code seed}. */
    static int[] choose(int count, int sample, long seed) {
        long[] rows = RowSelection.choose(count, Math.max(2, sample), seed ^ 0x9E3779B97F4A7C15L);
        int[] ints = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            ints[k] = (int) rows[k];
        }
        return ints;
    }

    private static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int k = 0; k < values.length; k++) {
            doubles[k] = values[k];
        }
        return doubles;
    }
}
