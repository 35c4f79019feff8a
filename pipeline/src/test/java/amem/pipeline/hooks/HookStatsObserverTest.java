package amem.pipeline.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import amem.models.HookPoints;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookStatsObserverTest {

    @Test
    void statisticsEqualAHostComputationOverAllMicroBatches(@TempDir Path dir) throws Exception {
        List<String> hooks = List.of("blocks.0.hook_resid_mid", "blocks.1.mlp.hook_post", "blocks.0.attn.hook_q");
        try (ModelSession model = ModelSession.create(ModelConfig.gpt2(31, 12, 2, 2, 8), Device.cpu(), 2);
                HookStatsObserver observer = new HookStatsObserver(model, hooks, 3, dir, 0)) {
            int[][] batches = {{1, 5, 9, 30, 2, 2, 7, 0}, {4, 4, 4, 1, 0, 29, 3, 3, 8, 12, 11, 10}};
            Shape[] shapes = {new Shape(2, 4), new Shape(3, 4)};
            Map<String, List<float[]>> seen = new LinkedHashMap<>();
            try (HookPoints.Attachment own = HookPoints.attach(model.network().hooks().select(hooks),
                    (p, v) -> seen.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p.vectors(v).toFloatArray()))) {
                for (long step = 1; step <= 3; step++) {
                    observer.beforeStep(step, model);
                    try (NDManager scope = model.manager().newSubManager()) {
                        for (int micro = 0; micro < 2; micro++) {
                            model.logits(scope.create(batches[micro], shapes[micro]), false);
                        }
                        // Gradients with known norms: parameter i gets the constant (i + 1) / 10.
                        NDList gradients = new NDList();
                        int i = 0;
                        for (Parameter p : model.parameters().values()) {
                            gradients.add(scope.full(p.getArray().getShape(), (i++ + 1) / 10f));
                        }
                        observer.afterBackward(step, gradients, 1.0, step == 2 ? 1.0 : 0.5, scope);
                    }
                }
            }
            Map<String, Double> rows = TrainingHooksTest.stats(dir.resolve(HookStatsObserver.FILE));
            for (String hook : hooks) {
                List<float[]> values = seen.get(hook);
                List<float[]> lastStep = values.subList(values.size() - 2, values.size()); // step 3's micro-batches
                int width = model.network().hooks().get(hook).width();
                double squares = 0;
                double norms = 0;
                double max = 0;
                long count = 0;
                for (float[] batch : lastStep) {
                    for (int row = 0; row < batch.length / width; row++) {
                        double square = 0;
                        for (int c = 0; c < width; c++) {
                            double x = batch[row * width + c];
                            square += x * x;
                            max = Math.max(max, Math.abs(x));
                        }
                        squares += square;
                        norms += Math.sqrt(square);
                        count++;
                    }
                }
                assertEquals(Math.sqrt(squares / (count * width)), rows.get("3," + hook + ",rms"), 1e-5, hook);
                assertEquals(norms / count, rows.get("3," + hook + ",mean_norm"), 1e-5 * norms / count, hook);
                assertEquals(max, rows.get("3," + hook + ",max_abs"), 1e-6, hook);
            }
            Map<String, Double> expected = new LinkedHashMap<>();
            int i = 0;
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                double g = (i++ + 1) / 10f;
                expected.merge(ParameterGroups.groupName(e.getKey()), e.getValue().getArray().size() * g * g, Double::sum);
            }
            assertEquals(List.of("embeddings", "h.0", "h.1", "head"), List.copyOf(expected.keySet()));
            for (Map.Entry<String, Double> e : expected.entrySet()) {
                double norm = Math.sqrt(e.getValue());
                assertEquals(norm, rows.get("3," + e.getKey() + ",grad_norm"), 1e-5 * norm, e.getKey());
            }
            assertEquals(2.0 / 3.0, rows.get("3,global,clipped_fraction"), 1e-6, "steps 1 and 3 of 3 were clipped");
            assertEquals(hooks.size() * 3 + 4 + 1, rows.size(), "one row set, at step 3");
            assertTrue(observer.faultReport().startsWith("hook stats of step 3: largest max|x|"), observer.faultReport());
            assertTrue(model.network().hooks().all().stream().noneMatch(amem.models.HookPoint::active),
                    "nothing stays attached after the stats step");
        }
    }
}
