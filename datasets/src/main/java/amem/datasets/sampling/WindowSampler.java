package amem.datasets.sampling;

import amem.datasets.store.TokenSplit;
import java.util.SplittableRandom;

/**
 * nanoGPT's sampler: each row is a random window of {@code context + 1} consecutive tokens, inputs its first
 * {@code context}, targets its last {@code context}. Starts are uniform in {@code [0, tokens − context − 1]},
 * drawn from a {@link SplittableRandom} seeded by {@link Seeds#mix(long, long) mix(seed, k)} for batch k.
 * Windows ignore document boundaries, as nanoGPT's do (GPT-2 stores separate documents by end-of-text).
 */
public final class WindowSampler implements BatchSampler {
    private final TokenSplit split;
    private final int batchSize;
    private final int context;
    private final long seed;

    public WindowSampler(TokenSplit split, int batchSize, int context, long seed) {
        checkWindows(split, batchSize, context);
        this.split = split;
        this.batchSize = batchSize;
        this.context = context;
        this.seed = seed;
    }

    @Override
    public TokenBatch batch(long index) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, index));
        long range = split.tokens() - context; // starts in [0, tokens - context - 1]
        long[] starts = new long[batchSize];
        for (int r = 0; r < batchSize; r++) {
            starts[r] = rng.nextLong(range);
        }
        return windows(split, context, starts);
    }

    /** Checks that {@code split} holds one window of {@code context + 1} tokens and the sizes are positive. */
    static void checkWindows(TokenSplit split, int batchSize, int context) {
        if (batchSize <= 0 || context <= 0) {
            throw new IllegalArgumentException("batch size and context must be positive, got " + batchSize + " and " + context);
        }
        if (split.tokens() < context + 1L) {
            throw new IllegalArgumentException("split '" + split.name() + "' has " + split.tokens()
                    + " tokens, fewer than context + 1 = " + (context + 1L) + " needed for one window");
        }
    }

    /** One row per start: inputs tokens {@code [start, start + context)}, targets one token later, no mask. */
    static TokenBatch windows(TokenSplit split, int context, long[] starts) {
        int rows = starts.length;
        int[] inputs = new int[rows * context];
        int[] targets = new int[rows * context];
        int[] window = new int[context + 1];
        for (int r = 0; r < rows; r++) {
            split.read(starts[r], window, 0, context + 1);
            System.arraycopy(window, 0, inputs, r * context, context);
            System.arraycopy(window, 1, targets, r * context, context);
        }
        return new TokenBatch(rows, context, inputs, targets, null, (long) rows * context);
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int maxSeqLen() {
        return context;
    }
}
