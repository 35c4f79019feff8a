package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.TokenBatch;
import amem.models.LmLoss;
import amem.pipeline.session.ModelSession;

/**
 * The mean loss of a model over the first {@code batches} batches of a sampler, in nats per counted (predicted,
 * unmasked) token, in evaluation mode (no dropout, no gradients). The training loop's {@link Evaluator} and
 * {@code amem eval} both measure with it, so their numbers are the same computation.
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
        double nll = 0;
        long counted = 0;
        long rows = 0;
        for (long i = 0; i < batches; i++) {
            try (NDManager scope = model.manager().newSubManager()) {
                TokenBatch batch = sampler.batch(i);
                BatchArrays arrays = BatchArrays.of(batch, scope);
                NDArray loss = LmLoss.crossEntropy(model.logits(arrays.inputs(), false), arrays.targets(), arrays.mask());
                nll += loss.getFloat() * (double) batch.lossTokens();
                counted += batch.lossTokens();
                rows += batch.batchSize();
            }
        }
        return new Result(nll, counted, batches, rows);
    }
}
