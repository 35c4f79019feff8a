package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.TokenBatch;
import amem.pipeline.session.ModelSession;
import java.util.function.Consumer;

/**
 * The mean loss of a model over the first {@code batches} batches of a sampler, in nats per counted (predicted,
 * unmasked) token, in evaluation mode (no dropout, no gradients). The training loop's {@link Evaluator},
 * {@code amem eval} and {@code amem ablate} all measure with it, so their numbers are the same computation. Every
 * array of a batch lives in a scope closed with the batch; one host transfer per batch.
 */
public final class HeldOutLoss {

    /**
     * @param nats summed negative log-likelihood over the counted tokens
     * @param tokens counted tokens
     * @param batches batches evaluated
     * @param rows rows (lines or windows) evaluated
     */
    public record Result(double nats, long tokens, long batches, long rows) {
        public double natsPerToken() {
            return nats / tokens;
        }

        public double perplexity() {
            return Math.exp(natsPerToken());
        }
    }

    private HeldOutLoss() {}

    /** Evaluates batches {@code 0 .. batches−1} of {@code sampler}. */
    public static Result measure(ModelSession model, BatchSampler sampler, long batches) {
        return measure(model, sampler, batches, arrays -> { });
    }

    /**
     * As {@link #measure(ModelSession, BatchSampler, long)}, with {@code beforeForward} called with each batch's
     * arrays before its forward (e.g. to hand the loss mask to a hook); the arrays are valid until the batch ends.
     */
    public static Result measure(ModelSession model, BatchSampler sampler, long batches,
                                 Consumer<BatchArrays> beforeForward) {
        double nll = 0;
        long counted = 0;
        long rows = 0;
        for (long i = 0; i < batches; i++) {
            try (NDManager scope = model.manager().newSubManager()) {
                TokenBatch batch = sampler.batch(i);
                BatchArrays arrays = BatchArrays.of(batch, scope);
                beforeForward.accept(arrays);
                NDArray loss = model.loss(arrays.inputs(), arrays.targets(), arrays.mask(), false);
                nll += loss.getFloat() * (double) batch.lossTokens();
                counted += batch.lossTokens();
                rows += batch.batchSize();
            }
        }
        return new Result(nll, counted, batches, rows);
    }
}
