package amem.datasets.sampling;

import amem.datasets.store.TokenSplit;
import java.util.Arrays;

/**
 * Batches of whole lines from a line-structured split (Question-Formation: one example per line).
 *
 * <p>A line of {@code len} tokens gives inputs {@code line[0 .. len−2]} and targets {@code line[1 .. len−1]}.
 * Rows are padded with id 0 and mask 0 to the longest {@code len − 1} in the batch, so {@code seqLen}
 * varies from batch to batch up to {@code maxLen}. A line longer than {@code maxLen + 1} tokens is
 * truncated to its first {@code maxLen + 1} (its tail is never trained on: choose {@code maxLen} at least
 * the longest line minus one to avoid that).
 *
 * <p>{@link Order#SHUFFLED}: rows walk through an endless sequence of per-epoch permutations of all lines
 * (see {@link ShuffledOrder}); batch k holds positions {@code [k·B, (k+1)·B)}, so a batch may straddle two
 * epochs and every epoch visits every line exactly once. {@link Order#SEQUENTIAL}: batch k holds lines
 * {@code [k·B, min((k+1)·B, lines))} — for evaluation, one pass; the last batch may have fewer rows.
 * {@link Order#BUCKETED}: the same shuffled positions, taken {@value #POOL_BATCHES} batches at a time (a pool of
 * {@code 64·B} consecutive positions); a pool's lines are sorted by length (then line number) and cut into 64
 * batches of similar lengths, which are visited in a seeded order. Padding nearly vanishes (Question-Formation at 8
 * lines: about a quarter of the computed positions otherwise), every epoch still visits every line once, and batch
 * k is still a pure function of (seed, k), so resumed runs repeat uninterrupted ones.
 */
public final class LineSampler implements BatchSampler {
    /** How lines are assigned to batches. */
    public enum Order { SHUFFLED, SEQUENTIAL, BUCKETED }

    /** Batches per pool of {@link Order#BUCKETED}. */
    public static final int POOL_BATCHES = 64;

    private final TokenSplit split;
    private final int batchSize;
    private final int maxLen;
    private final Order order;
    private final ShuffledOrder shuffled;
    private final long seed;
    /** The last pool {@link Order#BUCKETED} built: its index and its lines in batch order (a batch is B of them). */
    private long cachedPool = -1;
    private int[] cachedPoolLines;

    public LineSampler(TokenSplit split, int batchSize, int maxLen, long seed, Order order) {
        if (!split.hasLines()) {
            throw new IllegalArgumentException("split '" + split.name() + "' (" + split.file()
                    + ") has no line index; whole-line batches need a line-structured store (use WindowSampler otherwise)");
        }
        if (split.lineCount() == 0) {
            throw new IllegalArgumentException("split '" + split.name() + "' has no lines");
        }
        if (batchSize <= 0 || maxLen <= 0) {
            throw new IllegalArgumentException("batch size and max length must be positive, got " + batchSize + " and " + maxLen);
        }
        this.split = split;
        this.batchSize = batchSize;
        this.maxLen = maxLen;
        this.order = order;
        this.shuffled = order != Order.SEQUENTIAL ? new ShuffledOrder(split.lineCount(), seed) : null;
        this.seed = seed;
    }

    @Override
    public TokenBatch batch(long index) {
        int[] lines = lines(index);
        int rows = lines.length;
        int seqLen = 1;
        for (int line : lines) {
            seqLen = Math.max(seqLen, positions(line));
        }
        int[] inputs = new int[rows * seqLen];
        int[] targets = new int[rows * seqLen];
        float[] mask = new float[rows * seqLen];
        int[] buffer = new int[maxLen + 1];
        long lossTokens = 0;
        for (int r = 0; r < rows; r++) {
            int n = positions(lines[r]);
            split.read(split.lineStart(lines[r]), buffer, 0, n + 1);
            System.arraycopy(buffer, 0, inputs, r * seqLen, n);
            System.arraycopy(buffer, 1, targets, r * seqLen, n);
            Arrays.fill(mask, r * seqLen, r * seqLen + n, 1f);
            lossTokens += n;
        }
        return new TokenBatch(rows, seqLen, inputs, targets, mask, lossTokens);
    }

    /** Predicted positions of a line: its length minus one, after truncation to {@code maxLen + 1} tokens. */
    private int positions(int line) {
        return Math.max(0, Math.min(split.lineLength(line), maxLen + 1) - 1);
    }

    /** The line numbers (in the split) of the rows of batch {@code index}, in row order. */
    public int[] lines(long index) {
        if (index < 0) {
            throw new IllegalArgumentException("batch index must be non-negative, got " + index);
        }
        int total = split.lineCount();
        if (order == Order.SEQUENTIAL) {
            if (index >= batchesPerEpoch()) {
                throw new IndexOutOfBoundsException("batch " + index + " is past the last sequential batch "
                        + (batchesPerEpoch() - 1) + " of split '" + split.name() + "' (" + total + " lines)");
            }
            int first = (int) (index * batchSize);
            int[] lines = new int[Math.min(batchSize, total - first)];
            for (int r = 0; r < lines.length; r++) {
                lines[r] = first + r;
            }
            return lines;
        }
        if (order == Order.BUCKETED) {
            int[] pool = pool(index / POOL_BATCHES);
            return Arrays.copyOfRange(pool, (int) (index % POOL_BATCHES) * batchSize,
                    (int) (index % POOL_BATCHES + 1) * batchSize);
        }
        int[] lines = new int[batchSize];
        long first = Math.multiplyExact(index, (long) batchSize);
        for (int r = 0; r < batchSize; r++) {
            lines[r] = shuffled.line(first + r);
        }
        return lines;
    }

    /**
     * The lines of pool {@code q} of {@link Order#BUCKETED}, in batch order: the shuffled positions
     * {@code [q·64·B, (q+1)·64·B)} sorted by predicted positions (then line number), cut into 64 batches, the
     * batches permuted by a seeded shuffle of (seed, q).
     */
    private synchronized int[] pool(long q) {
        if (q != cachedPool) {
            int size = POOL_BATCHES * batchSize;
            long first = Math.multiplyExact(q, (long) size);
            long[] keyed = new long[size];
            for (int t = 0; t < size; t++) {
                int line = shuffled.line(first + t);
                keyed[t] = ((long) positions(line) << 32) | line; // sort by length, then line number
            }
            Arrays.sort(keyed);
            int[] order = new ShuffledOrder(POOL_BATCHES, Seeds.mix(seed, q)).permutation(0);
            int[] lines = new int[size];
            for (int b = 0; b < POOL_BATCHES; b++) {
                for (int r = 0; r < batchSize; r++) {
                    lines[b * batchSize + r] = (int) keyed[order[b] * batchSize + r];
                }
            }
            cachedPoolLines = lines;
            cachedPool = q;
        }
        return cachedPoolLines;
    }

    /** Batches needed to visit every line once: {@code ceil(lines / batchSize)}. */
    public long batchesPerEpoch() {
        return (split.lineCount() + (long) batchSize - 1) / batchSize;
    }

    public Order order() {
        return order;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int maxSeqLen() {
        return maxLen;
    }
}
