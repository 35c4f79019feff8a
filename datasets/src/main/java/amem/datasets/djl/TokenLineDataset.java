package amem.datasets.djl;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Batchifier;
import ai.djl.translate.PaddingStackBatchifier;
import ai.djl.util.Progress;
import amem.datasets.store.TokenSplit;
import java.util.Arrays;

/**
 * Whole lines of a line-indexed split (Question-Formation: one example per line) as a DJL dataset. Record i is
 * line i: for a line of {@code len} tokens (truncated to {@code maxLength + 1}), data {@code line[0 .. len−2]}
 * (int32) and labels {@code (line[1 .. len−1], mask)}, the mask a float32 array of ones. Lines differ in length,
 * so the dataset batches with DJL's {@link PaddingStackBatchifier}: every array is padded with 0 to the longest
 * line of the batch, which pads the mask with 0, giving (B, T) data and (B, T) targets and mask.
 *
 * <p>A loss must weigh positions by the mask (DJL's {@code MaskedSoftmaxCrossEntropyLoss} needs {@code
 * sequenceMask}, which the PyTorch engine does not implement); amem's {@code amem.models.NextTokenLoss} reads
 * exactly these labels. A line of one token has nothing to predict: it gives one position with mask 0, as amem's
 * {@code LineSampler} does. The dataset does not own the split: keep the {@code TokenStore} open while it is used.
 *
 * <pre>{@code
 * TokenLineDataset train = TokenLineDataset.builder()
 *         .setSplit(store.split("train")).setMaxLength(40)
 *         .setSampling(32, true).build();
 * }</pre>
 */
public final class TokenLineDataset extends RandomAccessDataset {

    /** Pads array 0 (the inputs) along its only axis with zeros. */
    static final Batchifier DATA_BATCHIFIER = PaddingStackBatchifier.builder()
            .addPad(0, 0, m -> m.zeros(new Shape(1), DataType.INT32)).build();

    /** Pads array 0 (the targets) and array 1 (the mask) with zeros. */
    static final Batchifier LABEL_BATCHIFIER = PaddingStackBatchifier.builder()
            .addPad(0, 0, m -> m.zeros(new Shape(1), DataType.INT32))
            .addPad(1, 0, m -> m.zeros(new Shape(1), DataType.FLOAT32)).build();

    private final TokenSplit split;
    private final int maxLength;

    private TokenLineDataset(Builder builder) {
        super(builder);
        this.split = builder.split;
        this.maxLength = builder.maxLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Record get(NDManager manager, long index) {
        if (index < 0 || index >= split.lineCount()) {
            throw new IndexOutOfBoundsException("line " + index + " of split '" + split.name() + "', which has "
                    + split.lineCount() + " lines");
        }
        int line = (int) index;
        int tokens = Math.min(split.lineLength(line), maxLength + 1);
        int[] buffer = new int[Math.max(tokens, 2)];
        split.read(split.lineStart(line), buffer, 0, tokens);
        int positions = Math.max(tokens - 1, 1);
        float[] mask = new float[positions];
        if (tokens > 1) {
            Arrays.fill(mask, 1f);
        }
        return new Record(new NDList(manager.create(Arrays.copyOf(buffer, positions))),
                new NDList(manager.create(Arrays.copyOfRange(buffer, 1, positions + 1)), manager.create(mask)));
    }

    @Override
    protected long availableSize() {
        return split.lineCount();
    }

    /** Nothing to prepare: the split and its line index are memory-mapped and read per record. */
    @Override
    public void prepare(Progress progress) {}

    /** DJL's dataset builder plus the split and the longest input; batchifiers default to zero padding. */
    public static final class Builder extends BaseBuilder<Builder> {
        private TokenSplit split;
        private int maxLength;

        private Builder() {
            dataBatchifier = DATA_BATCHIFIER;
            labelBatchifier = LABEL_BATCHIFIER;
        }

        /** The line-indexed split to read (required); the store must stay open while the dataset is used. */
        public Builder setSplit(TokenSplit split) {
            this.split = split;
            return this;
        }

        /**
         * The longest input (required), at most the model's context length: a longer line is cut to its first
         * {@code maxLength + 1} tokens. Choose at least the longest line minus one to train on every token.
         */
        public Builder setMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /** @throws IllegalArgumentException when the split is missing, has no line index or no lines */
        public TokenLineDataset build() {
            if (split == null) {
                throw new IllegalArgumentException("a token line dataset needs a split: call setSplit(store.split(name))");
            }
            if (!split.hasLines()) {
                throw new IllegalArgumentException("split '" + split.name() + "' (" + split.file() + ") has no line "
                        + "index; use TokenWindowDataset for a store without lines");
            }
            if (split.lineCount() == 0) {
                throw new IllegalArgumentException("split '" + split.name() + "' has no lines");
            }
            if (maxLength < 1) {
                throw new IllegalArgumentException("max length must be positive (call setMaxLength), got " + maxLength);
            }
            return new TokenLineDataset(this);
        }
    }
}
