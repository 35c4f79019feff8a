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
        WindowSampler.checkWindows(split, batchSize, context);
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
        long[] starts = new long[(int) Math.min(batchSize, windows - first)];
        for (int r = 0; r < starts.length; r++) {
            starts[r] = (first + r) * context;
        }
        return WindowSampler.windows(split, context, starts);
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
