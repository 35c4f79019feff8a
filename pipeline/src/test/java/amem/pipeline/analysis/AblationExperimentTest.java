package amem.pipeline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import amem.datasets.sampling.LineSampler;
import amem.datasets.sampling.TokenBatch;
import amem.datasets.store.TokenStore;
import amem.models.HookFunctions;
import amem.models.LmLoss;
import amem.models.ModelConfig;
import amem.pipeline.train.BatchArrays;
import amem.pipeline.session.ModelSession;
import amem.pipeline.train.TinyQf;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Losses with and without ablations against the same losses computed another way, on a tiny QF store. */
class AblationExperimentTest {

    @TempDir
    static Path dir;
    private static TokenStore store;

    @BeforeAll
    static void build() throws Exception {
        store = TokenStore.open(TinyQf.store(dir));
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static ModelSession gpt2() {
        return ModelSession.create(ModelConfig.gpt2(store.vocabSize(), 40, 2, 2, 16), Device.cpu(), 7);
    }

    private static LineSampler lines() {
        return new LineSampler(store.split("val"), 8, 40, 1, LineSampler.Order.SEQUENTIAL);
    }

    @Test
    void ablatingEveryBlockOutputLeavesTheEmbeddingBigramModel() {
        try (ModelSession model = gpt2()) {
            AblationExperiment.Result r = AblationExperiment.run(model, lines(), 3,
                    List.of(Ablation.parse("blocks.*.hook_attn_out=zero"), Ablation.parse("blocks.*.hook_mlp_out=zero")),
                    line -> { });
            // By hand: with no block writing into the stream, logits = ln_f(wte[x] + wpe[t]) wte^T.
            double nll = 0;
            long tokens = 0;
            var p = model.parameters();
            for (int i = 0; i < 3; i++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    TokenBatch batch = lines().batch(i);
                    BatchArrays arrays = BatchArrays.of(batch, scope);
                    NDArray wte = p.get("wte.weight").getArray();
                    NDArray x = wte.get(arrays.inputs()).add(p.get("wpe.weight").getArray()
                            .get(new NDIndex("0:{}", batch.seqLen())));
                    NDArray centred = x.sub(x.mean(new int[] {-1}, true));
                    NDArray normalized = centred.div(centred.square().mean(new int[] {-1}, true).add(1e-5).sqrt())
                            .mul(p.get("ln_f.weight").getArray()).add(p.get("ln_f.bias").getArray());
                    NDArray logits = Linear.linear(normalized, wte).singletonOrThrow();
                    nll += LmLoss.crossEntropy(logits, arrays.targets(), arrays.mask()).getFloat() * batch.lossTokens();
                    tokens += batch.lossTokens();
                }
            }
            assertEquals(tokens, r.tokens());
            assertEquals(nll / tokens, r.ablated(), 1e-5);
            // Not vacuous: the ablation moves the loss by ten times the tolerance of the comparison above (a random
            // initialisation writes little into the stream, so the move is small but far beyond float error).
            assertTrue(Math.abs(r.difference()) > 1e-4, "the ablation changes the loss: " + r);
        }
    }

    @Test
    void meanAblationUsesTheMeanOverCountedPositions() {
        try (ModelSession model = gpt2()) {
            String point = "blocks.0.attn.hook_z";
            AblationExperiment.Result r = AblationExperiment.run(model, lines(), 2,
                    List.of(Ablation.parse(point + "[1]=mean")), line -> { });
            // By hand: each batch's cached value, summed on the host over the positions whose mask is 1.
            ParameterStore ps = new ParameterStore(model.manager(), false);
            double[] sum = new double[16]; // (heads 2, d 8)
            long counted = 0;
            for (int i = 0; i < 2; i++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    TokenBatch batch = lines().batch(i);
                    float[] z = model.network().runWithCache(ps, BatchArrays.of(batch, scope).inputs(), List.of(point))
                            .get(point).toFloatArray(); // (B, T, 2, 8)
                    for (int pos = 0; pos < batch.batchSize() * batch.seqLen(); pos++) {
                        if (batch.lossMask()[pos] == 1f) {
                            counted++;
                            for (int k = 0; k < 16; k++) {
                                sum[k] += z[pos * 16 + k];
                            }
                        }
                    }
                }
            }
            float[] mean = new float[16];
            for (int k = 0; k < 16; k++) {
                mean[k] = (float) (sum[k] / counted);
            }
            double nll = 0;
            long tokens = 0;
            try (NDManager owner = model.manager().newSubManager()) {
                NDArray meanZ = owner.create(mean, new Shape(2, 8));
                for (int i = 0; i < 2; i++) {
                    try (NDManager scope = model.manager().newSubManager()) {
                        TokenBatch batch = lines().batch(i);
                        BatchArrays arrays = BatchArrays.of(batch, scope);
                        NDArray logits = model.network().runWithHooks(ps, arrays.inputs(),
                                Map.of(point, HookFunctions.replaceHead(1, meanZ)));
                        nll += LmLoss.crossEntropy(logits, arrays.targets(), arrays.mask()).getFloat() * batch.lossTokens();
                        tokens += batch.lossTokens();
                    }
                }
            }
            assertEquals(tokens, counted);
            assertEquals(nll / tokens, r.ablated(), 1e-5);
            assertTrue(Math.abs(r.difference()) > 1e-4, "the ablation changes the loss: " + r);
        }
    }

    @Test
    void badAblationsAreNamedInOneLine() {
        var hooks = amem.models.LanguageModels.create(ModelConfig.gpt2(11, 8, 2, 2, 8)).hooks();
        assertEquals("--ablate 'blocks.1.hook_mlp': expected POINTS=zero|mean or POINTS[HEAD]=zero|mean, e.g. "
                + "'blocks.1.hook_mlp_out=zero' or 'blocks.0.attn.hook_z[1]=mean'",
                assertThrows(IllegalArgumentException.class, () -> Ablation.parse("blocks.1.hook_mlp")).getMessage());
        assertEquals("--ablate 'x=half': unknown ablation 'half'; use zero or mean",
                assertThrows(IllegalArgumentException.class, () -> Ablation.parse("x=half")).getMessage());
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> Ablation.parse("blocks.9.hook_mlp_out=zero").select(hooks, 2)).getMessage();
        assertTrue(unknown.startsWith("--ablate 'blocks.9.hook_mlp_out=zero': hook pattern 'blocks.9.hook_mlp_out' "
                + "matches no hook point; available"), unknown);
        assertEquals("--ablate 'blocks.0.hook_mlp_out[1]=zero': blocks.0.hook_mlp_out has no heads; a head index applies "
                + "to blocks.{l}.attn.hook_q, hook_k, hook_v, hook_z or hook_pattern", assertThrows(
                        IllegalArgumentException.class, () -> Ablation.parse("blocks.0.hook_mlp_out[1]=zero").select(hooks, 2))
                        .getMessage());
        assertEquals("--ablate 'blocks.0.attn.hook_z[2]=zero': head 2 does not exist; the model has 2 heads (0 to 1)",
                assertThrows(IllegalArgumentException.class,
                        () -> Ablation.parse("blocks.0.attn.hook_z[2]=zero").select(hooks, 2)).getMessage());
        assertEquals(new Ablation("blocks.*.attn.hook_z", 0, Ablation.Mode.MEAN), Ablation.parse(" blocks.*.attn.hook_z[0]=MEAN"));
    }
}
