package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;

/**
 * What a language model's output layer reads: the final hidden states and the unembedding, so that the loss can
 * either build the logits ({@link #logits()}) or skip them ({@link FusedLmLoss}).
 *
 * @param hidden (B, T, n) final hidden states, in the step's manager
 * @param weight (V, n) unembedding, {@code torch.nn.Linear} layout (for GPT-2 the tied token embedding {@code wte})
 * @param bias (V) output bias, or null when the output layer has none
 */
public record OutputLayerInput(NDArray hidden, NDArray weight, NDArray bias) {

    /** Logits (B, T, V) {@code = hidden weight^T + bias}, in {@code hidden}'s manager. */
    public NDArray logits() {
        return Linear.linear(hidden, weight, bias).singletonOrThrow();
    }
}
