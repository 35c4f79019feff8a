package amem.pipeline.hooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import amem.datasets.npy.NpyDtype;
import amem.models.ActivationCache;
import amem.models.HookPoint;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code runWithCache} against the recorder behind {@code amem collect}, on the same batch, every position. */
class RunWithCacheRecorderTest {

    @Test
    void runWithCacheGivesTheRecordersVectorsAndThePlainLogits() throws Exception {
        List<String> hooks = List.of("hook_embed", "blocks.*.attn.hook_q", "blocks.1.attn.hook_pattern",
                "blocks.0.attn.hook_z", "blocks.*.mlp.hook_pre", "blocks.*.hook_resid_post", "ln_final.hook_normalized");
        int[][] tokens = {{5, 9, 2, 7, 7, 1}, {3, 3, 8, 0, 4, 6}};
        try (ModelSession model = ModelSession.create(ModelConfig.vanilla(12, 8, 2, 2, 8, 12, 0.1f), Device.cpu(), 3)) {
            InMemoryActivations memory = new InMemoryActivations();
            var spec = new ActivationRecorder.Spec(hooks, PositionRule.all(), 1000, NpyDtype.FLOAT32);
            try (ActivationRecorder recorder = new ActivationRecorder(model, spec, memory)) {
                recorder.record(SequenceBatch.of(List.of(new SequenceInfo(0, 0, 6), new SequenceInfo(1, 0, 6)),
                        List.of(tokens)));
            }
            try (NDManager step = model.manager().newSubManager()) {
                ParameterStore ps = new ParameterStore(model.manager(), false);
                ActivationCache cache = model.network().runWithCache(ps, step.create(tokens), hooks);
                assertArrayEquals(model.logits(step.create(tokens), false).toFloatArray(), cache.logits().toFloatArray());
                assertEquals(memory.hooks(), cache.names(), "the same points in the same order");
                for (String name : cache.names()) {
                    HookPoint point = model.network().hooks().get(name);
                    NDArray rows = point.vectors(cache.get(name)); // (B, T, width), the recorder's layout
                    assertEquals(new Shape(2, 6, point.width()), rows.getShape(), name);
                    float[] flat = rows.toFloatArray();
                    List<float[]> recorded = memory.vectors(name);
                    assertEquals(12, recorded.size(), name);
                    for (int r = 0; r < 12; r++) {
                        float[] expected = java.util.Arrays.copyOfRange(flat, r * point.width(), (r + 1) * point.width());
                        assertArrayEquals(expected, recorded.get(r), name + " record " + r);
                    }
                }
            }
        }
    }
}
