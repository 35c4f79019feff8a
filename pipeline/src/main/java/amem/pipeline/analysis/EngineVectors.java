package amem.pipeline.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of vectors held on the engine's device as row chunks of at most {@code chunk} rows, with each chunk's
 * squared norms. Nearest-neighbour search and energies work chunk against chunk, so no array ever grows with the
 * square of the vector count; the vectors themselves (count × n) are the only thing that grows with the count.
 *
 * <p>The chunks are as equal as the count allows ({@link #balancedRows}): 100,000 vectors asked for in chunks of
 * 4,096 become 25 chunks of 4,000, not 24 of 4,096 and a ragged 1,696, so every block of a chunk-against-chunk
 * product has the same shape and none runs at a small matrix size's lower speed.
 */
public final class EngineVectors implements AutoCloseable {

    private final NDManager manager;
    private final List<NDArray> chunks;
    private final List<NDArray> squaredNorms;
    private final int count;
    private final int width;
    private final int chunkRows;

    private EngineVectors(NDManager manager, List<NDArray> chunks, int width, int chunkRows) {
        this.manager = manager;
        this.chunks = chunks;
        this.width = width;
        this.chunkRows = chunkRows;
        this.squaredNorms = new ArrayList<>(chunks.size());
        int total = 0;
        for (NDArray chunk : chunks) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray squared = Scoped.view(chunk, scope).square().sum(new int[] {1});
                squared.attach(manager);
                squaredNorms.add(squared);
            }
            total += (int) chunk.getShape().get(0);
        }
        this.count = total;
    }

    /** Streams the {@code selected} rows of {@code hook} onto {@code parent}'s device as {@code type}. */
    public static EngineVectors load(ActivationSet.Hook hook, long[] selected, int chunkRows, NDManager parent,
            DataType type) throws IOException {
        NDManager manager = parent.newSubManager();
        List<NDArray> chunks = new ArrayList<>();
        int rowsPerChunk = balancedRows(selected.length, chunkRows);
        try {
            HookReader.read(hook, selected, rowsPerChunk, (data, rows) -> {
                float[] copy = rows * hook.width() == data.length ? data : Arrays.copyOf(data, rows * hook.width());
                chunks.add(converted(manager, manager.create(copy, new Shape(rows, hook.width())), type));
            });
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
        return new EngineVectors(manager, chunks, hook.width(), rowsPerChunk);
    }

    /** Vectors given as rows (tests, small pattern sets such as docs/THEORY.md §1's two-dimensional illustration). */
    public static EngineVectors of(double[][] rows, int chunkRows, NDManager parent, DataType type) {
        NDManager manager = parent.newSubManager();
        int n = rows.length == 0 ? 0 : rows[0].length;
        List<NDArray> chunks = new ArrayList<>();
        int rowsPerChunk = balancedRows(rows.length, chunkRows);
        for (int start = 0; start < rows.length; start += rowsPerChunk) {
            int end = Math.min(rows.length, start + rowsPerChunk);
            double[] flat = new double[(end - start) * n];
            for (int r = start; r < end; r++) {
                if (rows[r].length != n) {
                    manager.close();
                    throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " values, expected " + n);
                }
                System.arraycopy(rows[r], 0, flat, (r - start) * n, n);
            }
            chunks.add(converted(manager, manager.create(flat, new Shape(end - start, n)), type));
        }
        return new EngineVectors(manager, chunks, n, rowsPerChunk);
    }

    /**
     * Rows per chunk for {@code count} vectors in chunks of at most {@code chunk}: the fewest chunks that hold them,
     * as equal as possible (all but the last hold this many; the last fewer by less than the number of chunks).
     */
    static int balancedRows(int count, int chunk) {
        if (count == 0) {
            return chunk;
        }
        int chunks = (count + chunk - 1) / chunk;
        return (count + chunks - 1) / chunks;
    }

    /** {@code array} as {@code type}, owned by {@code manager}; a converted source array is freed. */
    private static NDArray converted(NDManager manager, NDArray array, DataType type) {
        if (array.getDataType() == type) {
            return array;
        }
        NDArray result = array.toType(type, true);
        result.attach(manager);
        array.close();
        return result;
    }

    public int count() {
        return count;
    }

    public int width() {
        return width;
    }

    /** Rows per chunk (all chunks but the last hold exactly this many; at most the chunk size asked for). */
    public int chunkRows() {
        return chunkRows;
    }

    public int chunkCount() {
        return chunks.size();
    }

    public NDArray chunk(int i) {
        return chunks.get(i);
    }

    /** Squared norms of chunk {@code i}'s rows. */
    public NDArray squaredNorms(int i) {
        return squaredNorms.get(i);
    }

    /**
     * Chunk {@code i}'s rows, row-major, readable on the host: a view of the engine's memory where the engine allows
     * it (a float32 chunk on the CPU), otherwise a copy.
     */
    public FloatBuffer hostRows(int i) {
        if (chunks.get(i).getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("host rows are float32; these vectors are " + chunks.get(i).getDataType());
        }
        return chunks.get(i).toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Index of chunk {@code i}'s first row. */
    public int chunkStart(int i) {
        return i * chunkRows;
    }

    /** Norms of all vectors, in double precision on the host. */
    public double[] norms() {
        double[] norms = new double[count];
        int at = 0;
        for (NDArray squared : squaredNorms) {
            if (squared.getDataType() == DataType.FLOAT64) {
                for (double value : squared.toDoubleArray()) {
                    norms[at++] = Math.sqrt(value);
                }
            } else {
                for (float value : squared.toFloatArray()) {
                    norms[at++] = Math.sqrt(value);
                }
            }
        }
        return norms;
    }

    /** Largest norm (M in docs/THEORY.md §1's MCHN energy). */
    public double maxNorm() {
        double max = 0;
        for (double norm : norms()) {
            max = Math.max(max, norm);
        }
        return max;
    }

    /** The rows at {@code indices} (ascending) as one (k × n) array in {@code target}. */
    public NDArray gather(int[] indices, NDManager target) {
        NDList parts = new NDList();
        try (NDManager scope = manager.newSubManager()) {
            int from = 0;
            for (int c = 0; c < chunks.size() && from < indices.length; c++) {
                int end = chunkStart(c) + (int) chunks.get(c).getShape().get(0);
                int to = from;
                while (to < indices.length && indices[to] < end) {
                    to++;
                }
                if (to > from) {
                    long[] local = new long[to - from];
                    for (int i = from; i < to; i++) {
                        local[i - from] = indices[i] - chunkStart(c);
                    }
                    parts.add(chunks.get(c).get(scope, new NDIndex("{}", scope.create(local))));
                }
                from = to;
            }
            NDArray joined = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
            joined.attach(target);
            return joined;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
