package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.TokenBatch;
import amem.models.LmLoss;
import amem.pipeline.session.ModelSession;
import java.util.function.Consumer;

/**
 * The mean next-token loss of a model over the first batches of a sampler, in evaluation mode (no dropout, no
 * gradients): the sum of each batch's loss times its counted tokens, over all counted tokens. Every array of a
 * batch lives in a scope closed with the batch; one host transfer per batch.
 */
public final class SplitLoss {

    /** Mean loss in nats per counted token, over {@code tokens} counted tokens. */
    public record Mean(double loss, long tokens) {}

    private SplitLoss() {}

    /**
     * @param beforeForward called with each batch's arrays before its forward (e.g. to hand the loss mask to a hook
     *     listener); the arrays are valid until the forward's batch ends
     */
    public static Mean over(ModelSession model, BatchSampler sampler, long batches, Consumer<BatchArrays> beforeForward) {
        double nll = 0;
        long counted = 0;
        for (long i = 0; i < batches; i++) {
            try (NDManager scope = model.manager().newSubManager()) {
                TokenBatch batch = sampler.batch(i);
                BatchArrays arrays = BatchArrays.of(batch, scope);
                beforeForward.accept(arrays);
                NDArray loss = LmLoss.crossEntropy(model.logits(arrays.inputs(), false), arrays.targets(), arrays.mask());
                nll += loss.getFloat() * (double) batch.lossTokens();
                counted += batch.lossTokens();
            }
        }
        return new Mean(nll / counted, counted);
    }
}
