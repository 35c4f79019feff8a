package amem.models;

/**
 * How {@link LanguageModel#loss} computes the cross-entropy from the output layer: through the full logits and
 * {@link LmLoss} (unfused), or with {@link FusedLmLoss} in chunks of {@code rowsPerChunk} positions. Both give the
 * same loss and gradients to float rounding; the fused path never holds the (B·T, V) logits.
 *
 * @param fused whether to use {@link FusedLmLoss}
 * @param rowsPerChunk positions per chunk on the fused path; 0 chooses {@link FusedLmLoss#defaultRowsPerChunk}
 *     for the device
 */
public record LossPath(boolean fused, int rowsPerChunk) {

    /** Logits, then {@link LmLoss}. */
    public static final LossPath UNFUSED = new LossPath(false, 0);

    /**
     * Vocabularies from this size up take the fused path under {@link #automatic}: there the logits dominate the
     * step's memory (GPT-2's 50,257: 2.4 GB of float32 logits at 12 x 1,024 positions) and, on a CPU, its time.
     * Below it (the Question-Formation vocabulary of about a hundred) the logits are small and the fused path's few
     * extra kernels are not worth it.
     */
    public static final int FUSED_FROM_VOCABULARY = 8192;

    public LossPath {
        if (rowsPerChunk < 0) {
            throw new IllegalArgumentException("rows per chunk must be >= 0 (0: automatic), got " + rowsPerChunk);
        }
    }

    /** The fused path with {@code rowsPerChunk} positions per chunk (0: automatic). */
    public static LossPath fused(int rowsPerChunk) {
        return new LossPath(true, rowsPerChunk);
    }

    /**
     * Fused (rows per chunk chosen for the device) for vocabularies of at least {@link #FUSED_FROM_VOCABULARY},
     * unfused otherwise. On a CPU the fused path is now at least as fast and uses less memory: its softmax gives
     * the loss and the gradient in one pass over the logits (docs/PERFORMANCE.md, "The fused output layer and
     * loss": gpt2-peer 243.8 against 262.4 ms per step side by side on 2 cores, level at 259.1 against 257.6 in a
     * later quiet run, peak RSS 1,745 against 2,042 MiB; 2026-12-06). The device chooses the chunk size
     * ({@link #rowsPerChunk(int, boolean)}).
     */
    public static LossPath automatic(int vocabSize) {
        return vocabSize >= FUSED_FROM_VOCABULARY ? fused(0) : UNFUSED;
    }

    /** Rows per chunk for this vocabulary on this kind of device: the chosen number, or the default. */
    public int rowsPerChunk(int vocabSize, boolean gpu) {
        return rowsPerChunk > 0 ? rowsPerChunk : FusedLmLoss.defaultRowsPerChunk(vocabSize, gpu);
    }
}
