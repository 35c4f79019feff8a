package amem.datasets.sampling;

import amem.datasets.store.TokenSplit;

/**
 * Consecutive windows that tile a split, for scoring all of it once: window w covers tokens
 * {@code [w·context, w·context + context]} (inputs its first {@code context}, targets its last), so every token but
 * the split's first is predicted exactly once, each with the context its window gives it. The last
 * {@code (tokens − 1) mod context} tokens are left out (a shorter window would need its own shape); {@link #windows()}
 * and {@link #scoredTokens()} say how many are scored. Batch k holds windows {@code [k·B, min((k+1)·B, windows))}.
 */
public final class TiledWindowSampler implements BatchSampler {
    private final TokenSplit split;
    private final int batchSize;
    private final int context;
    private final long windows;

    public TiledWindowSampler(TokenSplit split, int batchSize, int context) {
        if (batchSize <= 0 || context <= 0) {
            throw new IllegalArgumentException("batch size and context must be positive, got " + batchSize + " and " + context);
        }
        if (split.tokens() < context + 1L) {
            throw new IllegalArgumentException("split '" + split.name() + "' has " + split.tokens()
                    + " tokens, fewer than context + 1 = " + (context + 1L) + " needed for one window");
        }
        this.split = split;
        this.batchSize = batchSize;
        this.context = context;
        this.windows = (split.tokens() - 1) / context;
    }

    @Override
    public TokenBatch batch(long index) {
        long first = index * batchSize;
        if (index < 0 || first >= windows) {
            throw new IllegalArgumentException("batch " + index + " is past the " + batches() + " batches of the split");
        }
        int rows = (int) Math.min(batchSize, windows - first);
        int[] inputs = new int[rows * context];
        int[] targets = new int[rows * context];
        int[] window = new int[context + 1];
        for (int r = 0; r < rows; r++) {
            split.read((first + r) * context, window, 0, context + 1);
            System.arraycopy(window, 0, inputs, r * context, context);
            System.arraycopy(window, 1, targets, r * context, context);
        }
        return new TokenBatch(rows, context, inputs, targets, null, (long) rows * context);
    }

    /** Windows in the split. */
    public long windows() {
        return windows;
    }

    /** Batches that cover every window. */
    public long batches() {
        return (windows + batchSize - 1) / batchSize;
    }

    /** Tokens predicted over all windows. */
    public long scoredTokens() {
        return windows * context;
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
