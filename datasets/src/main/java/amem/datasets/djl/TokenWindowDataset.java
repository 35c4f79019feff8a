package amem.datasets.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import amem.datasets.store.TokenSplit;
import java.util.Arrays;

/**
 * Windows of a token split as a DJL dataset: record i is the {@code context + 1} tokens starting at {@code i ·
 * stride}, data its first {@code context} (int32, shape (context)), label its last {@code context} (the next token
 * of each position). DJL's default stack batchifier makes (B, context) batches, which an amem {@code
 * LanguageModel} (or any block taking token ids) reads directly. For the loss, amem's {@code
 * amem.models.NextTokenLoss} takes (B, T, V) logits; DJL's {@code SoftmaxCrossEntropyLoss} needs them as (B·T, V)
 * rows and the labels flattened (its PyTorch pick fails on a (B, T, V) prediction).
 *
 * <p>The default stride is {@code context}: consecutive windows share one token, so every token after the first
 * is a target exactly once per epoch (nanoGPT samples random starts instead; amem's own loop does so with {@code
 * WindowSampler}). The dataset reads the split on demand and does not own it: keep the {@code TokenStore} open
 * while the dataset is used. Reads are thread-safe, so DJL's prefetching executor may be used.
 *
 * <pre>{@code
 * TokenWindowDataset train = TokenWindowDataset.builder()
 *         .setSplit(store.split("train")).setContextLength(64)
 *         .setSampling(32, true).optLimit(10_000).build();
 * }</pre>
 */
public final class TokenWindowDataset extends RandomAccessDataset {

    private final TokenSplit split;
    private final int context;
    private final long stride;

    private TokenWindowDataset(Builder builder) {
        super(builder);
        this.split = builder.split;
        this.context = builder.context;
        this.stride = builder.stride;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Tokens per record's data and label. */
    public int contextLength() {
        return context;
    }

    @Override
    public Record get(NDManager manager, long index) {
        if (index < 0 || index >= availableSize()) {
            throw new IndexOutOfBoundsException("window " + index + " of split '" + split.name() + "', which has "
                    + availableSize() + " windows of " + (context + 1) + " tokens at stride " + stride);
        }
        int[] window = new int[context + 1];
        split.read(index * stride, window, 0, context + 1);
        return new Record(new NDList(manager.create(Arrays.copyOf(window, context))),
                new NDList(manager.create(Arrays.copyOfRange(window, 1, context + 1))));
    }

    /** Windows that fit: starts {@code 0, stride, ...} up to {@code tokens − context − 1}. */
    @Override
    protected long availableSize() {
        return (split.tokens() - context - 1) / stride + 1;
    }

    /** Nothing to prepare: the split is memory-mapped and read per record. */
    @Override
    public void prepare(Progress progress) {}

    /** DJL's dataset builder plus the split, the context length and an optional stride. */
    public static final class Builder extends BaseBuilder<Builder> {
        private TokenSplit split;
        private int context;
        private long stride;

        private Builder() {}

        /** The split to read (required); the store must stay open while the dataset is used. */
        public Builder setSplit(TokenSplit split) {
            this.split = split;
            return this;
        }

        /** Tokens per window's input (required): at most the model's context length. */
        public Builder setContextLength(int context) {
            this.context = context;
            return this;
        }

        /** Distance between window starts, in tokens; defaults to the context length. */
        public Builder optStride(long stride) {
            this.stride = stride;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * @throws IllegalArgumentException when the split, context or stride is missing or impossible, or the split
         *     is shorter than one window
         */
        public TokenWindowDataset build() {
            if (split == null) {
                throw new IllegalArgumentException("a token window dataset needs a split: call setSplit(store.split(name))");
            }
            if (context < 1) {
                throw new IllegalArgumentException("context length must be positive, got " + context);
            }
            if (stride == 0) {
                stride = context;
            }
            if (stride < 1) {
                throw new IllegalArgumentException("stride must be positive, got " + stride);
            }
            if (split.tokens() < context + 1L) {
                throw new IllegalArgumentException("split '" + split.name() + "' has " + split.tokens()
                        + " tokens, fewer than context + 1 = " + (context + 1L) + " needed for one window");
            }
            return new TokenWindowDataset(this);
        }
    }
}
