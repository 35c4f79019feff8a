package amem.pipeline.analysis;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import amem.models.Scalars;
import java.nio.ByteOrder;
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
 * <p>How: the vectors are cut into equal chunks of at most c rows ({@link EngineVectors}); for each pair of chunks
 * (i ≤ j, so each pair of vectors is looked at once) the block of expanded squared distances
 * {@code ||a||² + ||b||² - 2 a·b} ranks the candidates: per row of chunk i its closest row of chunk j and per row of
 * chunk j its closest row of chunk i. Each candidate's distance is then recomputed directly as {@code ||a - b||²},
 * which has no cancellation error, and the best per vector is kept. Memory per step is one c × c block, whatever the
 * number of vectors; the work is about count² · n multiply-adds, nearly all of it in the blocks' matrix products.
 *
 * <p>On the CPU (float32 vectors) the engine computes only the plain product {@code a·bᵀ} (inner dimension n) and
 * {@link BlockCandidates} reads it in place, adding the norms and taking the minima along rows and columns in one
 * pass on all cores; a candidate is recomputed exactly (in double, on the host) only when its expanded distance,
 * less a bound on that expansion's float32 rounding error, is below the row's best exact distance so far, since
 * otherwise it cannot win. On other devices (a GPU) the block stays there: one product of the rows augmented with
 * their squared norms and a 1 ({@code [-2a, ||a||², 1] · [b, 1, ||b||²]}), the engine's arg-mins along both axes,
 * and the candidates' exact distances on the engine (float32). Either way the expanded form only ranks candidates:
 * two neighbours closer in squared distance than its rounding error (about 1e-7 · (||a||² + ||b||²) in float32) may
 * be taken for each other, but the reported distance is always the exact distance of a real pair. Among candidates at
 * one exact distance the lowest index is kept.
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
        return search(vectors, keys, progress, scansOnHost(vectors));
    }

    /** Whether the blocks' candidates are taken on the host: float32 vectors on the CPU, where they are read in place. */
    static boolean scansOnHost(EngineVectors vectors) {
        if (vectors.chunkCount() == 0) {
            return false;
        }
        NDArray first = vectors.chunk(0);
        return Device.Type.CPU.equals(first.getDevice().getDeviceType()) && first.getDataType() == DataType.FLOAT32;
    }

    /** {@link #search} with the host scan ({@code onHost}) or the engine's arg-mins chosen by the caller (tests). */
    static Result search(EngineVectors vectors, long[] keys, Progress progress, boolean onHost) {
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
        float[][] norms = new float[chunks][];
        for (int c = 0; c < chunks && onHost; c++) {
            norms[c] = vectors.squaredNorms(c).toFloatArray();
        }
        try (BlockCandidates scanner = onHost ? new BlockCandidates(Runtime.getRuntime().availableProcessors()) : null) {
            for (int i = 0; i < chunks; i++) {
                for (int j = i; j < chunks; j++) {
                    try (NDManager scope = vectors.chunk(i).getManager().newSubManager()) {
                        Block block = Block.of(vectors, i, j, masked.contains(pair(i, j, chunks)), scope);
                        if (onHost) {
                            hostBlock(block, vectors, norms, keys, scanner, best, neighbour);
                        } else {
                            engineBlock(block, vectors, keys, best, neighbour);
                        }
                    }
                    done++;
                    if (progress != null) {
                        progress.blocks(done, total);
                    }
                }
            }
        }
        double[] distance = new double[count];
        for (int r = 0; r < count; r++) {
            distance[r] = neighbour[r] < 0 ? Double.NaN : Math.sqrt(best[r]);
        }
        return new Result(distance, neighbour);
    }

    /**
     * Chunk i against chunk j: views of both chunks in a scope that frees the block's arrays when it closes, with
     * their sizes, their first rows' indices, and whether two of their rows share a key.
     */
    private record Block(NDManager scope, int i, int j, NDArray a, NDArray b, int startA, int startB, boolean mask) {

        static Block of(EngineVectors vectors, int i, int j, boolean mask, NDManager scope) {
            NDArray a = Scoped.view(vectors.chunk(i), scope);
            NDArray b = i == j ? a : Scoped.view(vectors.chunk(j), scope);
            return new Block(scope, i, j, a, b, vectors.chunkStart(i), vectors.chunkStart(j), mask);
        }

        int rowsA() {
            return (int) a.getShape().get(0);
        }

        int rowsB() {
            return (int) b.getShape().get(0);
        }
    }

    /**
     * One block on the CPU: the engine's plain product of chunk i's rows with chunk j's, candidates from the host
     * scan, exact distances for those that can improve a row's best.
     */
    private static void hostBlock(Block block, EngineVectors vectors, float[][] norms, long[] keys,
            BlockCandidates scanner, double[] best, int[] neighbour) {
        int i = block.i();
        int j = block.j();
        NDArray dots = block.a().matMul(block.b().transpose());
        BlockCandidates.Picks picks = scanner.scan(dots.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer(),
                block.rowsA(), block.rowsB(), norms[i], norms[j], i == j,
                block.mask() ? Arrays.copyOfRange(keys, block.startA(), block.startA() + block.rowsA()) : null,
                block.mask() ? Arrays.copyOfRange(keys, block.startB(), block.startB() + block.rowsB()) : null);
        ExactDistances exact = new ExactDistances(vectors.hostRows(i), vectors.hostRows(j), vectors.width());
        offer(picks.rowPick(), picks.rowValue(), norms[i], norms[j], block.startA(), block.startB(), false, exact,
                keys, best, neighbour);
        offer(picks.columnPick(), picks.columnValue(), norms[j], norms[i], block.startB(), block.startA(), true, exact,
                keys, best, neighbour);
    }

    /**
     * Rows {@code from + r} got candidate {@code to + pick[r]} at expanded squared distance {@code expanded[r]}; the
     * exact distance is computed only where the expansion's rounding error could hide an improvement.
     */
    private static void offer(int[] pick, float[] expanded, float[] normsFrom, float[] normsTo, int from, int to,
            boolean columns, ExactDistances exact, long[] keys, double[] best, int[] neighbour) {
        for (int r = 0; r < pick.length; r++) {
            if (pick[r] < 0) {
                continue;
            }
            int row = from + r;
            int candidate = to + pick[r];
            double slack = ROUNDING_BOUND * (exact.width() + 4) * ((double) normsFrom[r] + normsTo[pick[r]]);
            if (keys[candidate] == keys[row] || expanded[r] - slack > best[row]) {
                continue;
            }
            double squared = columns ? exact.squared(pick[r], r) : exact.squared(r, pick[r]);
            keepCloser(row, candidate, squared, best, neighbour);
        }
    }

    /**
     * Bound on the float32 rounding error of {@code ||a||² + ||b||² - 2 a·b}, per inner-dimension term and per unit of
     * {@code ||a||² + ||b||²}: the norms and the dot product are sums of n products, each off by at most
     * γ_n = n·u/(1 - n·u) of its sum of absolute terms (u = 2⁻²⁴, any summation order), |a·b| ≤ (||a||² + ||b||²)/2,
     * and the two additions add 2u each; 2.2 (n + 4) u covers it with a margin.
     */
    private static final double ROUNDING_BOUND = 2.2 * 0x1p-24;

    /** One block on another device: the block stays there (augmented product, the engine's arg-mins). */
    private static void engineBlock(Block block, EngineVectors vectors, long[] keys, double[] best, int[] neighbour) {
        NDManager scope = block.scope();
        int i = block.i();
        int j = block.j();
        NDArray a = block.a();
        NDArray b = block.b();
        int rowsA = block.rowsA();
        int rowsB = block.rowsB();
        int startA = block.startA();
        int startB = block.startB();
        boolean mask = block.mask();
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

    private static double[] exact(NDArray values) {
        if (values.getDataType() == DataType.FLOAT64) {
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
            if (keys[candidate] != keys[row]) {
                keepCloser(row, candidate, squared[r], best, neighbour);
            }
        }
    }

    /**
     * Takes {@code candidate} as {@code row}'s neighbour if it is closer than the best so far, or as close and of a
     * lower index: among neighbours at one exact distance the lowest index wins, whatever the order of the blocks
     * and of the two directions in which a block offers candidates.
     */
    private static void keepCloser(int row, int candidate, double squared, double[] best, int[] neighbour) {
        if (squared < best[row] || (squared == best[row] && candidate < neighbour[row])) {
            best[row] = squared;
            neighbour[row] = candidate;
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
