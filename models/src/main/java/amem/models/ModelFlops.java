package amem.models;

/**
 * Model FLOPs per trained token, forward and backward: {@code 6·N + 12·L·n·T} (nanoGPT / PaLM accounting), with N
 * the parameters that take part in matrix products: all but the learned positions and, when the output layer is
 * untied, the token embedding (a lookup, not a product). T is the number of tokens per sequence the attention spans.
 * The numerator of model-FLOPs utilisation ({@code amem bench}) and of the compute estimates of {@code amem sweep}.
 */
public final class ModelFlops {

    private ModelFlops() {}

    /** FLOPs to train on one token of a sequence of {@code tokensPerSequence} tokens. */
    public static double perToken(ModelConfig model, int tokensPerSequence) {
        long total = ParameterCount.of(model).total();
        long positions = model.architecture() == Architecture.GPT2 ? (long) model.contextLength() * model.nEmbd() : 0;
        long untiedEmbedding = model.architecture() == Architecture.VANILLA ? (long) model.vocabSize() * model.nEmbd() : 0;
        long matmulParameters = total - positions - untiedEmbedding;
        return 6.0 * matmulParameters + 12.0 * model.nLayer() * model.nEmbd() * tokensPerSequence;
    }
}
