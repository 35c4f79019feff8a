package amem.models;

/**
 * Shape and regularisation of a transformer language model. Keys in messages use the snake_case
 * names of config files ({@code n_embd}, {@code n_head}, ...), so a bad value can be found in the
 * file it came from.
 *
 * @param architecture which model family to build
 * @param vocabSize number of token ids, {@code V}
 * @param contextLength longest sequence the model accepts, {@code T_max}
 * @param nLayer number of blocks, {@code L}
 * @param nHead attention heads per block; must divide {@code nEmbd}
 * @param nEmbd residual width, {@code n} in docs/THEORY.md
 * @param ffnWidth hidden width of the feed-forward network (4n for GPT-2)
 * @param dropout dropout probability used everywhere dropout applies, in [0, 1)
 * @param bias whether Linear and LayerNorm layers carry biases (nanoGPT's {@code bias} option)
 */
public record ModelConfig(
        Architecture architecture,
        int vocabSize,
        int contextLength,
        int nLayer,
        int nHead,
        int nEmbd,
        int ffnWidth,
        float dropout,
        boolean bias) {

    /** Validates every field; the message names the offending key and what was expected. */
    public ModelConfig {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture must be given (gpt2 or vanilla)");
        }
        positive("vocab_size", vocabSize);
        positive("context_length", contextLength);
        positive("n_layer", nLayer);
        positive("n_head", nHead);
        positive("n_embd", nEmbd);
        positive("ffn_width", ffnWidth);
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException(
                    "n_head = " + nHead + " must divide n_embd = " + nEmbd);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout = " + dropout + " must be in [0, 1)");
        }
    }

    /**
     * GPT-2 as published: feed-forward width 4n, no dropout, biases on.
     *
     * <p>GPT-2 small is {@code gpt2(50257, 1024, 12, 12, 768)}, medium {@code gpt2(50257, 1024, 24,
     * 16, 1024)}.
     */
    public static ModelConfig gpt2(int vocabSize, int contextLength, int nLayer, int nHead, int nEmbd) {
        return new ModelConfig(
                Architecture.GPT2, vocabSize, contextLength, nLayer, nHead, nEmbd, 4 * nEmbd, 0f, true);
    }

    /** The vanilla transformer of docs/THEORY.md §5C (biases on). */
    public static ModelConfig vanilla(
            int vocabSize, int contextLength, int nLayer, int nHead, int nEmbd, int ffnWidth, float dropout) {
        return new ModelConfig(
                Architecture.VANILLA, vocabSize, contextLength, nLayer, nHead, nEmbd, ffnWidth, dropout, true);
    }

    /** Width of one attention head, {@code n / n_head}. */
    public int headDim() {
        return nEmbd / nHead;
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
