package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.TokenBatch;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import org.junit.jupiter.api.Test;

/** The held-out loss against a hand computation from the model's logits: log-softmax in double, masked mean over all batches. */
class HeldOutLossTest {

    @Test
    void meanLossEqualsTheHandComputedCrossEntropyOverAllCountedTokens() {
        int vocab = 7;
        int seq = 4;
        // two batches of different sizes and masks: the mean must weight tokens, not batches
        TokenBatch first = new TokenBatch(2, seq, new int[] {1, 2, 3, 4, 5, 6, 0, 1}, new int[] {2, 3, 4, 5, 6, 0, 1, 2},
                new float[] {1, 1, 1, 0, 1, 1, 0, 0}, 5);
        TokenBatch second = new TokenBatch(1, seq, new int[] {3, 3, 2, 1}, new int[] {3, 2, 1, 0}, null, 4);
        BatchSampler sampler = new BatchSampler() {
            @Override
            public TokenBatch batch(long index) {
                return index == 0 ? first : second;
            }

            @Override
            public int batchSize() {
                return 2;
            }

            @Override
            public int maxSeqLen() {
                return seq;
            }
        };
        try (ModelSession model = ModelSession.create(ModelConfig.gpt2(vocab, 8, 1, 1, 8), Device.cpu(), 3)) {
            HeldOutLoss.Result result = HeldOutLoss.measure(model, sampler, 2);
            double nats = 0;
            long counted = 0;
            for (TokenBatch b : new TokenBatch[] {first, second}) {
                try (NDManager scope = model.manager().newSubManager()) {
                    NDArray logits = model.logits(BatchArrays.of(b, scope).inputs(), false);
                    float[] z = logits.toFloatArray();
                    for (int i = 0; i < b.batchSize() * seq; i++) {
                        if (b.lossMask() != null && b.lossMask()[i] == 0) {
                            continue;
                        }
                        double max = Double.NEGATIVE_INFINITY;
                        for (int v = 0; v < vocab; v++) {
                            max = Math.max(max, z[i * vocab + v]);
                        }
                        double sum = 0;
                        for (int v = 0; v < vocab; v++) {
                            sum += Math.exp(z[i * vocab + v] - max);
                        }
                        nats += Math.log(sum) + max - z[i * vocab + b.targets()[i]];
                        counted++;
                    }
                }
            }
            assertEquals(9, counted);
            assertEquals(9, result.tokens());
            assertEquals(3, result.rows());
            assertEquals(nats / counted, result.natsPerToken(), 1e-5);
            assertEquals(Math.exp(nats / counted), result.perplexity(), 1e-4);
        }
    }
}
