package amem.pipeline.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import amem.models.Scalars;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Exact nearest-neighbour distances within one set of vectors (docs/THEORY.md §2): for every vector, the distance to
 * the closest other vector, leaving out itself and every row with the same {@link RowKeys key} (the same token
 * position recorded twice).
 *
 * <p>How: the vectors are cut into chunks of c rows; for each pair of chunks (i ≤ j, so each pair of vectors is
 * looked at once) the engine computes the block of squared distances {@code ||a||² + ||b||² - 2 a·b} with one
 * matrix product (of the rows augmented with their squared norms and a 1, so the norms need no pass of their own),
 * takes the arg-min along rows (neighbours of chunk i in chunk j) and along columns (neighbours of
 * chunk j in chunk i), and recomputes those candidates' distances directly as {@code ||a - b||²}, which has no
 * cancellation error; the host keeps the best per vector. Memory per step is one c × c block, whatever the number
 * of vectors; the work is about count² · n multiply-adds. The expanded form only ranks candidates: two
 * neighbours closer in squared distance than its rounding error (about 1e-7 · (||a||² + ||b||²) in float32) may be
 * taken for each other, but the reported distance is always the exact distance of a real pair.
 */
public final class NearestNeighbours {

    /**
     * @param distance the nearest-neighbour distance of each vector (NaN when it has no admissible neighbour)
     * @param neighbour the index of that neighbour (-1 when none)
     */
    public record Result(double[] distance, int[] neighbour) {}

    /** Progress callback: blocks done out of all. */
    @FunctionalInterface
    public interface Progress {
        void blocks(long done, long total);
    }

    private NearestNeighbours() {}

    /** Nearest neighbours of every vector of {@code vectors}, rows with equal {@code keys} excluded from each other. */
    public static Result search(EngineVectors vectors, long[] keys, Progress progress) {
        int count = vectors.count();
        if (keys.length != count) {
            throw new IllegalArgumentException(keys.length + " keys for " + count + " vectors");
        }
        double[] best = new double[count];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int[] neighbour = new int[count];
        Arrays.fill(neighbour, -1);
        int chunks = vectors.chunkCount();
        Set<Long> masked = blocksWithSharedKeys(keys, vectors.chunkRows(), chunks);
        long total = (long) chunks * (chunks + 1) / 2;
        long done = 0;
        for (int i = 0; i < chunks; i++) {
            for (int j = i; j < chunks; j++) {
                block(vectors, keys, i, j, masked.contains(pair(i, j, chunks)), best, neighbour);
                done++;
                if (progress != null) {
                    progress.blocks(done, total);
                }
            }
        }
        double[] distance = new double[count];
        for (int r = 0; r < count; r++) {
            distance[r] = neighbour[r] < 0 ? Double.NaN : Math.sqrt(best[r]);
        }
        return new Result(distance, neighbour);
    }

    /** One block: chunk i's rows against chunk j's rows, updating both sides' best candidates. */
    private static void block(EngineVectors vectors, long[] keys, int i, int j, boolean mask, double[] best,
            int[] neighbour) {
        NDArray chunkI = vectors.chunk(i);
        try (NDManager scope = chunkI.getManager().newSubManager()) {
            NDArray a = Scoped.view(chunkI, scope);
            NDArray b = i == j ? a : Scoped.view(vectors.chunk(j), scope);
            int rowsA = (int) a.getShape().get(0);
            int rowsB = (int) b.getShape().get(0);
            int startA = vectors.chunkStart(i);
            int startB = vectors.chunkStart(j);
            // ||a||² + ||b||² - 2 a·b as one product of augmented rows, [-2a, ||a||², 1] · [b, 1, ||b||²]: the norms
            // ride in the matrix product instead of two more passes over the c × c block (a block is 64 MB at
            // c = 4096; the chunks are 4 MB each, so augmenting them costs little)
            NDArray onesA = scope.ones(new Shape(rowsA, 1), a.getDataType(), a.getDevice());
            NDArray onesB = i == j ? onesA
                    : scope.ones(new Shape(rowsB, 1), b.getDataType(), b.getDevice());
            NDArray left = Scalars.mul(a, -2).concat(
                    Scoped.view(vectors.squaredNorms(i), scope).reshape(rowsA, 1), 1).concat(onesA, 1);
            NDArray right = b.concat(onesB, 1).concat(
                    Scoped.view(vectors.squaredNorms(j), scope).reshape(rowsB, 1), 1);
            NDArray squared = left.matMul(right.transpose());
            if (mask) {
                NDArray keysA = scope.create(Arrays.copyOfRange(keys, startA, startA + rowsA)).reshape(rowsA, 1);
                NDArray keysB = scope.create(Arrays.copyOfRange(keys, startB, startB + rowsB)).reshape(1, rowsB);
                squared.set(keysA.eq(keysB), Float.POSITIVE_INFINITY);
            }
            NDArray rowPick = squared.argMin(1);
            NDArray rowExact = a.sub(b.get(rowPick)).square().sum(new int[] {1});
            update(rowPick.toLongArray(), exact(rowExact), startA, startB, keys, best, neighbour);
            if (i != j) {
                NDArray columnPick = squared.argMin(0);
                NDArray columnExact = b.sub(a.get(columnPick)).square().sum(new int[] {1});
                update(columnPick.toLongArray(), exact(columnExact), startB, startA, keys, best, neighbour);
            }
        }
    }

    private static double[] exact(NDArray values) {
        if (values.getDataType() == ai.djl.ndarray.types.DataType.FLOAT64) {
            return values.toDoubleArray();
        }
        float[] floats = values.toFloatArray();
        double[] doubles = new double[floats.length];
        for (int k = 0; k < floats.length; k++) {
            doubles[k] = floats[k];
        }
        return doubles;
    }

    /** Rows {@code from + r} got candidate {@code to + pick[r]} at squared distance {@code squared[r]}. */
    private static void update(long[] pick, double[] squared, int from, int to, long[] keys, double[] best,
            int[] neighbour) {
        for (int r = 0; r < pick.length; r++) {
            int row = from + r;
            int candidate = to + (int) pick[r];
            // a row whose every candidate in the block was masked gets an excluded one back: skip it
            if (keys[candidate] != keys[row] && squared[r] < best[row]) {
                best[row] = squared[r];
                neighbour[row] = candidate;
            }
        }
    }

    /** Chunk pairs (i ≤ j) that hold two rows with one key; diagonal blocks always (each row meets itself). */
    private static Set<Long> blocksWithSharedKeys(long[] keys, int chunkRows, int chunks) {
        Set<Long> pairs = new HashSet<>();
        for (int c = 0; c < chunks; c++) {
            pairs.add(pair(c, c, chunks));
        }
        Map<Long, Integer> firstChunk = new HashMap<>(keys.length * 2);
        Map<Long, Set<Integer>> repeated = new HashMap<>();
        for (int r = 0; r < keys.length; r++) {
            int chunk = r / chunkRows;
            Integer previous = firstChunk.putIfAbsent(keys[r], chunk);
            if (previous != null) {
                repeated.computeIfAbsent(keys[r], k -> new HashSet<>(Set.of(previous))).add(chunk);
            }
        }
        for (Set<Integer> holders : repeated.values()) {
            for (int a : holders) {
                for (int b : holders) {
                    if (a <= b) {
                        pairs.add(pair(a, b, chunks));
                    }
                }
            }
        }
        return pairs;
    }

    private static long pair(int i, int j, int chunks) {
        return (long) i * chunks + j;
    }
}
