package amem.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HookPointsTest {

    private static ModelConfig tiny(Architecture a) {
        return a == Architecture.GPT2 ? Fixtures.tinyGpt2() : Fixtures.tinyVanilla();
    }

    private static List<String> expectedNames(int layers) {
        List<String> names = new ArrayList<>(List.of("hook_embed", "hook_pos_embed"));
        for (int l = 0; l < layers; l++) {
            for (String part : List.of("hook_resid_pre", "attn.hook_q", "attn.hook_k", "attn.hook_v",
                    "attn.hook_pattern", "attn.hook_z", "hook_attn_out", "hook_resid_mid", "mlp.hook_pre",
                    "mlp.hook_post", "hook_mlp_out", "hook_resid_post")) {
                names.add("blocks." + l + "." + part);
            }
        }
        names.add("ln_final.hook_normalized");
        return names;
    }

    /** Runs one evaluation forward with every hook recorded; values stay in {@code step}. */
    private static Map<String, NDArray> captureAll(LanguageModel model, ParameterStore ps, NDManager step, int[][] ids) {
        Map<String, NDArray> values = new HashMap<>();
        try (HookPoints.Attachment a = HookPoints.attach(model.hooks().all(), (p, v) -> values.put(p.name(), v))) {
            values.put("logits", model.logits(ps, step.create(ids), false));
        }
        return values;
    }

    private static void assertClose(NDArray expected, NDArray actual, double tolerance, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] x = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], x[i], tolerance * Math.max(1, Math.abs(e[i])), what + " element " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void namesFollowTransformerLensInForwardOrder(Architecture a) {
        LanguageModel model = LanguageModels.create(tiny(a));
        assertEquals(expectedNames(2), model.hooks().names());
        assertEquals(2 + 12 * 24 + 1, LanguageModels.create(ModelConfig.gpt2(50257, 1024, 24, 16, 1024)).hooks().names().size());
    }

    @Test
    void globsSelectWholeNameSegments() {
        HookPoints hooks = LanguageModels.create(Fixtures.tinyGpt2()).hooks();
        assertEquals(List.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post"),
                names(hooks.select(List.of("blocks.*.hook_resid_post"))));
        assertEquals(List.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "ln_final.hook_normalized"),
                names(hooks.select(List.of("ln_final.hook_normalized, blocks.*.hook_resid_post"))));
        assertEquals(10, hooks.select(List.of("blocks.*.attn.*")).size());
        assertEquals(2, hooks.select(List.of("hook_*")).size(), "* does not cross dots");
        assertEquals(hooks.names().size(), hooks.select(List.of("**")).size());
        assertEquals(List.of("blocks.1.mlp.hook_post"), names(hooks.select(List.of("blocks.1.mlp.hook_p?st"))));
        String message = assertThrows(IllegalArgumentException.class,
                () -> hooks.select(List.of("blocks.*.hook_resid"))).getMessage();
        assertTrue(message.contains("'blocks.*.hook_resid' matches no hook point"), message);
        assertTrue(message.contains("blocks.0.hook_resid_post") && message.contains("blocks.1"), message);
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void valuesObeyTheForwardIdentities(Architecture a) {
        ModelConfig c = tiny(a);
        int n = c.nEmbd();
        int heads = c.nHead();
        int d = c.headDim();
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 7, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            Map<String, Parameter> params = model.namedParameters();
            try (NDManager step = m.newSubManager()) {
                int batch = 3;
                int time = 6;
                Map<String, NDArray> v = captureAll(model, ps, step, Fixtures.randomTokens(2, batch, time, c.vocabSize()));
                assertEquals(expectedNames(2).size() + 1, v.size(), "every point fired once");
                assertClose(v.get("hook_embed").add(v.get("hook_pos_embed")), v.get("blocks.0.hook_resid_pre"), 1e-6,
                        "embed + pos_embed = resid_pre");
                for (int l = 0; l < 2; l++) {
                    String b = "blocks." + l + ".";
                    NDArray pattern = v.get(b + "attn.hook_pattern");
                    assertEquals(new Shape(batch, heads, time, time), pattern.getShape());
                    assertEquals(new Shape(batch, time, heads, d), v.get(b + "attn.hook_q").getShape());
                    assertClose(step.ones(new Shape(batch, heads, time)), pattern.sum(new int[] {3}), 1e-5, "rows sum to 1");
                    float[] p = pattern.toFloatArray();
                    for (int i = 0; i < p.length; i++) {
                        if (i % time > (i / time) % time) {
                            assertEquals(0f, p[i], "attention to a later position");
                        }
                    }
                    // pattern = softmax(q k^T / sqrt(d) + causal mask), heads first
                    NDArray q = v.get(b + "attn.hook_q").transpose(0, 2, 1, 3);
                    NDArray k = v.get(b + "attn.hook_k").transpose(0, 2, 1, 3);
                    NDArray vv = v.get(b + "attn.hook_v").transpose(0, 2, 1, 3);
                    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).div(step.create((float) Math.sqrt(d)));
                    float[] blocked = new float[time * time];
                    for (int i = 0; i < blocked.length; i++) {
                        blocked[i] = i % time > i / time ? -1e9f : 0f;
                    }
                    NDArray causal = step.create(blocked, new Shape(time, time));
                    assertClose(scores.add(causal).softmax(-1), pattern, 1e-5, b + "pattern from q and k");
                    // attn_out = c_proj(pattern v, heads merged)
                    NDArray merged = pattern.matMul(vv).transpose(0, 2, 1, 3).reshape(batch, time, n);
                    NDArray attnOut = Linear.linear(merged, params.get("h." + l + ".attn.c_proj.weight").getArray(),
                            params.get("h." + l + ".attn.c_proj.bias").getArray()).singletonOrThrow();
                    assertClose(attnOut, v.get(b + "hook_attn_out"), 1e-5, b + "attn_out from pattern and v");
                    // mlp_out = c_proj(mlp.hook_post)
                    assertEquals(new Shape(batch, time, c.ffnWidth()), v.get(b + "mlp.hook_post").getShape());
                    NDArray mlpOut = Linear.linear(v.get(b + "mlp.hook_post"),
                            params.get("h." + l + ".mlp.c_proj.weight").getArray(),
                            params.get("h." + l + ".mlp.c_proj.bias").getArray()).singletonOrThrow();
                    assertClose(mlpOut, v.get(b + "hook_mlp_out"), 1e-5, b + "mlp_out from mlp.hook_post");
                    if (a == Architecture.GPT2) { // pre-LN: the residual stream is a plain sum
                        assertClose(v.get(b + "hook_resid_pre").add(v.get(b + "hook_attn_out")), v.get(b + "hook_resid_mid"),
                                1e-6, b + "resid_mid = resid_pre + attn_out");
                        assertClose(v.get(b + "hook_resid_mid").add(v.get(b + "hook_mlp_out")), v.get(b + "hook_resid_post"),
                                1e-6, b + "resid_post = resid_mid + mlp_out");
                    } else { // post-LN: resid_mid and resid_post are LayerNorm outputs (mean 0 over n at init)
                        assertClose(step.zeros(new Shape(batch, time)), v.get(b + "hook_resid_mid").mean(new int[] {2}), 1e-5,
                                b + "resid_mid normalised");
                    }
                    if (l == 1) {
                        continue;
                    }
                    assertClose(v.get(b + "hook_resid_post"), v.get("blocks." + (l + 1) + ".hook_resid_pre"), 0,
                            "resid_post feeds the next block");
                }
                // ln_final is what the output layer reads.
                NDArray head = a == Architecture.GPT2
                        ? Linear.linear(v.get("ln_final.hook_normalized"), params.get("wte.weight").getArray()).singletonOrThrow()
                        : Linear.linear(v.get("ln_final.hook_normalized"), params.get("lm_head.weight").getArray(),
                                params.get("lm_head.bias").getArray()).singletonOrThrow();
                assertClose(head, v.get("logits"), 1e-5, "logits from ln_final");
                if (a == Architecture.VANILLA) {
                    assertClose(v.get("blocks.1.hook_resid_post"), v.get("ln_final.hook_normalized"), 0,
                            "vanilla ln_final = last block output");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void listenersChangeNothingAndDetachCompletely(Architecture a) {
        ModelConfig c = tiny(a);
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 3, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            int[][] ids = Fixtures.randomTokens(4, 2, 8, c.vocabSize());
            float[] plain;
            try (NDManager step = m.newSubManager()) {
                plain = model.logits(ps, step.create(ids), false).toFloatArray();
            }
            int[] calls = {0};
            HookListener counter = (p, value) -> calls[0]++;
            HookPoints.Attachment first = HookPoints.attach(model.hooks().all(), counter);
            HookPoints.Attachment second = HookPoints.attach(model.hooks().select(List.of("hook_embed")), counter);
            try (NDManager step = m.newSubManager()) {
                assertArrayEquals(plain, model.logits(ps, step.create(ids), false).toFloatArray());
            }
            assertEquals(model.hooks().names().size() + 1, calls[0], "two listeners on hook_embed");
            first.close();
            first.close();
            second.close();
            assertTrue(model.hooks().all().stream().noneMatch(HookPoint::active));
            try (NDManager step = m.newSubManager()) {
                model.logits(ps, step.create(ids), false);
            }
            assertEquals(model.hooks().names().size() + 1, calls[0], "no calls after detaching");
        }
    }

    @Test
    void vectorsGiveOneRowPerPosition() {
        ModelConfig c = Fixtures.tinyGpt2(); // 2 heads, d 4, context 8
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 3, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager()) {
                Map<String, NDArray> v = captureAll(model, ps, step, Fixtures.randomTokens(1, 2, 5, c.vocabSize()));
                HookPoint q = model.hooks().get("blocks.0.attn.hook_q");
                NDArray qRows = q.vectors(v.get(q.name()));
                assertEquals(new Shape(2, 5, 8), qRows.getShape());
                assertArrayEquals(v.get(q.name()).toFloatArray(), qRows.toFloatArray());
                HookPoint pattern = model.hooks().get("blocks.0.attn.hook_pattern");
                assertEquals(2 * 8, pattern.width());
                NDArray rows = pattern.vectors(v.get(pattern.name()));
                assertEquals(new Shape(2, 5, 16), rows.getShape());
                float[] r = rows.toFloatArray();
                float[] original = v.get(pattern.name()).toFloatArray(); // (B, H, T, T)
                for (int b = 0; b < 2; b++) {
                    for (int t = 0; t < 5; t++) {
                        for (int h = 0; h < 2; h++) {
                            for (int key = 0; key < 8; key++) {
                                float expected = key < 5 ? original[((b * 2 + h) * 5 + t) * 5 + key] : 0f;
                                assertEquals(expected, r[(b * 5 + t) * 16 + h * 8 + key], "b" + b + " t" + t + " h" + h + " key" + key);
                            }
                        }
                    }
                }
                assertEquals(c.ffnWidth(), model.hooks().get("blocks.1.mlp.hook_post").width());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void recordingDuringTrainingLeavesGradientsUnchanged(Architecture a) {
        ModelConfig c = tiny(a);
        int[][] ids = Fixtures.randomTokens(9, 2, 8, c.vocabSize());
        float[] without = gradients(c, ids, false);
        float[] with = gradients(c, ids, true);
        assertArrayEquals(without, with);
        assertFalse(java.util.Arrays.equals(without, new float[without.length]));
    }

    private static float[] gradients(ModelConfig c, int[][] ids, boolean listen) {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 5, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            List<Float> norms = new ArrayList<>();
            try (NDManager step = m.newSubManager();
                    HookPoints.Attachment a = HookPoints.attach(listen ? model.hooks().all() : List.of(),
                            (p, v) -> norms.add(v.stopGradient().square().sum().getFloat()));
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.logits(ps, step.create(ids), true);
                collector.backward(LmLoss.crossEntropy(logits, step.create(ids), null));
                assertEquals(listen ? model.hooks().names().size() : 0, norms.size());
                List<Float> all = new ArrayList<>();
                for (Parameter p : model.namedParameters().values()) {
                    for (float g : p.getArray().getGradient().toFloatArray()) {
                        all.add(g);
                    }
                }
                float[] out = new float[all.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = all.get(i);
                }
                return out;
            }
        }
    }

    private static List<String> names(List<HookPoint> points) {
        return points.stream().map(HookPoint::name).toList();
    }
}
