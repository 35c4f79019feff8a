package amem.models;

/**
 * Number of trainable parameters of a {@link ModelConfig}, computed analytically (nothing is
 * allocated), so sweeps can size models before building them.
 *
 * <p>docs/THEORY.md §4 asks for N counted two ways:
 *
 * <ul>
 *   <li>{@code total}: every trainable scalar once; GPT-2's output layer reuses {@code wte} and is
 *       not counted again.
 *   <li>{@code nonEmbedding}: {@code total} minus the token embedding {@code wte}, the learned
 *       position embedding {@code wpe} (GPT-2) and the untied output projection {@code lm_head}
 *       weight and bias (vanilla). What is left are the blocks plus GPT-2's final LayerNorm, which
 *       is {@code 12 L n^2 + 13 L n + 2n} for GPT-2 blocks with biases, i.e. the {@code ≈ 12 L n^2}
 *       of docs/THEORY.md §4 (Kaplan et al.'s convention). Sinusoidal positions have no parameters.
 * </ul>
 *
 * @param total all trainable parameters, tied weights once
 * @param nonEmbedding parameters outside the embeddings and the output projection
 */
public record ParameterCount(long total, long nonEmbedding) {

    /** Counts the parameters {@link LanguageModels#create(ModelConfig)} would allocate. */
    public static ParameterCount of(ModelConfig c) {
        long n = c.nEmbd();
        long f = c.ffnWidth();
        long v = c.vocabSize();
        long b = c.bias() ? 1 : 0;
        long layerNorm = n + b * n;
        long attention = (3 * n * n + b * 3 * n) + (n * n + b * n);
        long feedForward = (n * f + b * f) + (f * n + b * n);
        long blocks = c.nLayer() * (2 * layerNorm + attention + feedForward);
        long tokenEmbedding = v * n;
        switch (c.architecture()) {
            case GPT2:
                long positionEmbedding = (long) c.contextLength() * n;
                long body = blocks + layerNorm; // + ln_f
                return new ParameterCount(tokenEmbedding + positionEmbedding + body, body);
            case VANILLA:
                long outputProjection = v * n + b * v;
                return new ParameterCount(tokenEmbedding + blocks + outputProjection, blocks);
            default:
                throw new IllegalStateException("unhandled architecture " + c.architecture());
        }
    }
}
