package amem.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Hooks that change the forward (activation patching, zero and mean ablation) against GPT-2 computed by hand
 * ({@link Gpt2ByHand}) with the same intervention written in host code, and {@code runWithCache} against the
 * listeners that record without changing anything.
 */
class HookInterventionsTest {

    /** Relative tolerance for hand ops vs the model's fused ones (float32, two layers). */
    private static final double TOLERANCE = 2e-5;
    private static final int[][] CLEAN = Fixtures.randomTokens(21, 2, 6, 11);
    private static final int[][] CORRUPT = Fixtures.randomTokens(22, 2, 6, 11);

    /**
     * The tiny GPT-2 with every parameter moved by N(0, 0.3) noise: at GPT-2's initial scale (0.02) swapping one
     * head barely moves the logits, here it moves them by far more than float rounding, so the checks bite.
     */
    private static LanguageModel strongGpt2(NDManager m) {
        LanguageModel model = Fixtures.init(Fixtures.tinyGpt2(), m, 11, DataType.FLOAT32);
        for (Parameter p : model.namedParameters().values()) {
            NDArray a = p.getArray();
            a.intern(a.add(m.randomNormal(0f, 0.3f, a.getShape(), DataType.FLOAT32, a.getDevice())));
        }
        return model;
    }

    @ParameterizedTest(name = "{0} head {1}")
    @CsvSource({"blocks.0.attn.hook_z, 1", "blocks.1.attn.hook_z, 0", "blocks.1.attn.hook_q, 0",
            "blocks.0.attn.hook_k, 1", "blocks.0.attn.hook_v, 0", "blocks.1.attn.hook_pattern, 1"})
    void patchingOneHeadFromAnotherPromptMatchesTheHandForward(String point, int head) {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = strongGpt2(m);
            ParameterStore ps = new ParameterStore(m, false);
            Gpt2ByHand hand = new Gpt2ByHand(model);
            try (NDManager step = m.newSubManager()) {
                ActivationCache clean = model.runWithCache(ps, step.create(CLEAN), List.of(point));
                NDArray patched = model.runWithHooks(ps, step.create(CORRUPT),
                        Map.of(point, HookFunctions.replaceHead(head, clean.get(point))));

                NDArray cleanByHand = hand.forward(step, CLEAN, Gpt2ByHand::unchanged).values().get(point);
                assertClose(cleanByHand, clean.get(point), "cached clean " + point);
                boolean pattern = point.endsWith("hook_pattern");
                NDArray expected = hand.forward(step, CORRUPT,
                        (name, v) -> name.equals(point) ? headFrom(v, cleanByHand, head, pattern) : v).logits();
                assertClose(expected, patched, "logits with head " + head + " of " + point + " patched");

                NDArray unpatched = hand.forward(step, CORRUPT, Gpt2ByHand::unchanged).logits();
                double moved = maxAbsDifference(unpatched, patched);
                assertTrue(moved > 1e-2, "the patch moved the logits by only " + moved);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "1"})
    void zeroAblatingABlocksMlpEqualsTheForwardWithoutThatMlp(int layer) {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = strongGpt2(m);
            ParameterStore ps = new ParameterStore(m, false);
            String block = "blocks." + layer + ".";
            try (NDManager step = m.newSubManager()) {
                NDArray ablated = model.runWithHooks(ps, step.create(CORRUPT),
                        Map.of(block + "hook_mlp_out", HookFunctions.zero()));
                // By hand: the block's output is its mid-stream; the MLP is never computed into it.
                NDArray[] mid = new NDArray[1];
                NDArray expected = new Gpt2ByHand(model).forward(step, CORRUPT, (name, v) -> {
                    if (name.equals(block + "hook_resid_mid")) {
                        mid[0] = v;
                    }
                    return name.equals(block + "hook_resid_post") ? mid[0] : v;
                }).logits();
                assertClose(expected, ablated, "logits without the MLP of block " + layer);
                double moved = maxAbsDifference(model.logits(ps, step.create(CORRUPT), false), ablated);
                assertTrue(moved > 1e-2, "the ablation moved the logits by only " + moved);
            }
        }
    }

    @Test
    void meanAblationAndPositionAblationMatchTheHandForward() {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = strongGpt2(m);
            ParameterStore ps = new ParameterStore(m, false);
            Gpt2ByHand hand = new Gpt2ByHand(model);
            try (NDManager step = m.newSubManager()) {
                String attnOut = "blocks.1.hook_attn_out";
                NDArray meanVector = model.runWithCache(ps, step.create(CLEAN), List.of(attnOut)).get(attnOut)
                        .mean(new int[] {0}).mean(new int[] {0}); // (n): the clean run's mean attention output
                NDArray ablated = model.runWithHooks(ps, step.create(CORRUPT), new LinkedHashMap<>(Map.of(
                        attnOut, HookFunctions.replaceWith(meanVector), "hook_pos_embed", HookFunctions.zero())));
                float[] mean = meanVector.toFloatArray();
                NDArray expected = hand.forward(step, CORRUPT, (name, v) -> {
                    if (name.equals("hook_pos_embed")) {
                        return step.zeros(v.getShape());
                    }
                    if (name.equals(attnOut)) { // every position's vector is the mean, written out on the host
                        float[] out = new float[(int) v.size()];
                        for (int i = 0; i < out.length; i++) {
                            out[i] = mean[i % mean.length];
                        }
                        return step.create(out, v.getShape());
                    }
                    return v;
                }).logits();
                assertClose(expected, ablated, "logits with mean-ablated attention and no positions");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void runWithCacheGivesTheRecordersValuesAndThePlainLogits(Architecture a) {
        ModelConfig c = a == Architecture.GPT2 ? Fixtures.tinyGpt2() : Fixtures.tinyVanilla();
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 4, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager()) {
                float[] plain = model.logits(ps, step.create(CORRUPT), false).toFloatArray();
                Map<String, NDArray> recorded = new HashMap<>();
                try (HookPoints.Attachment x = HookPoints.attach(model.hooks().all(), (p, v) -> recorded.put(p.name(), v))) {
                    model.logits(ps, step.create(CORRUPT), false);
                }
                ActivationCache cache = model.runWithCache(ps, step.create(CORRUPT), List.of("**"));
                assertArrayEquals(plain, cache.logits().toFloatArray(), "logits of runWithCache");
                assertEquals(model.hooks().names(), cache.names(), "every point, in forward order");
                for (String name : cache.names()) {
                    assertArrayEquals(recorded.get(name).toFloatArray(), cache.get(name).toFloatArray(), name);
                    assertEquals(recorded.get(name).getShape(), cache.get(name).getShape(), name);
                    assertTrue(cache.get(name).getManager() == step, name + " owned by the tokens' manager");
                }
                assertTrue(model.hooks().all().stream().noneMatch(HookPoint::active), "nothing left attached");
                String message = assertThrows(IllegalArgumentException.class, () -> cache.get("blocks.9.hook_z")).getMessage();
                assertTrue(message.startsWith("no cached activation named blocks.9.hook_z; cached: hook_embed"), message);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void replacingEveryPointWithACopyChangesNothing(Architecture a) {
        ModelConfig c = a == Architecture.GPT2 ? Fixtures.tinyGpt2() : Fixtures.tinyVanilla();
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 6, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager()) {
                NDArray plain = model.logits(ps, step.create(CLEAN), false);
                int[] calls = {0};
                NDArray copied = model.runWithHooks(ps, step.create(CLEAN), Map.of("**", (value, point) -> {
                    calls[0]++;
                    return value.duplicate(); // a different array: the forward takes the replacement path everywhere
                }));
                assertEquals(model.hooks().names().size(), calls[0]);
                assertClose(plain, copied, "logits through copies");
            }
        }
    }

    @Test
    void vanillaMlpAblationLeavesTheNormalisedMidStream() {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(Fixtures.tinyVanilla(), m, 8, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            Map<String, Parameter> params = model.namedParameters();
            try (NDManager step = m.newSubManager();
                    HookPoints.Attachment ablation = model.hooks().addHook("blocks.0.hook_mlp_out", HookFunctions.zero())) {
                ActivationCache cache = model.runWithCache(ps, step.create(CLEAN),
                        List.of("blocks.0.hook_mlp_out", "blocks.0.hook_resid_mid", "blocks.0.hook_resid_post"));
                assertArrayEquals(new float[(int) cache.get("blocks.0.hook_mlp_out").size()],
                        cache.get("blocks.0.hook_mlp_out").toFloatArray(), "the cache sees the ablated value");
                // post-LN: resid_post = ln_2(resid_mid + 0), LayerNorm by hand
                NDArray mid = cache.get("blocks.0.hook_resid_mid");
                NDArray centred = mid.sub(mid.mean(new int[] {-1}, true));
                NDArray expected = centred.div(centred.square().mean(new int[] {-1}, true).add(1e-5).sqrt())
                        .mul(params.get("h.0.ln_2.weight").getArray()).add(params.get("h.0.ln_2.bias").getArray());
                assertClose(expected, cache.get("blocks.0.hook_resid_post"), "ln_2(resid_mid)");
            }
        }
    }

    @Test
    void aReplacementOfAnotherShapeIsRefusedByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(Fixtures.tinyGpt2(), m, 2, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            try (NDManager step = m.newSubManager()) {
                String message = assertThrows(IllegalArgumentException.class, () -> model.runWithHooks(ps,
                        step.create(CLEAN), Map.of("blocks.1.hook_resid_mid", (v, p) -> v.sum(new int[] {2})))).getMessage();
                assertEquals("a hook on blocks.1.hook_resid_mid returned shape (2, 6) for a value of shape (2, 6, 8);"
                        + " a replacement must keep the shape", message);
                message = assertThrows(IllegalArgumentException.class, () -> model.runWithHooks(ps, step.create(CLEAN),
                        Map.of("blocks.0.hook_mlp_out", HookFunctions.zero(), "blocks.7.*", HookFunctions.zero())))
                        .getMessage();
                assertTrue(message.startsWith("hook pattern 'blocks.7.*' matches no hook point"), message);
                message = assertThrows(IllegalArgumentException.class, () -> model.runWithHooks(ps, step.create(CLEAN),
                        Map.of("blocks.0.hook_attn_out", HookFunctions.zeroHead(0)))).getMessage();
                assertTrue(message.startsWith("blocks.0.hook_attn_out has no head axis"), message);
                message = assertThrows(IllegalArgumentException.class, () -> model.runWithHooks(ps, step.create(CLEAN),
                        Map.of("blocks.0.attn.hook_z", HookFunctions.zeroHead(2)))).getMessage();
                assertEquals("head 2 does not exist at blocks.0.attn.hook_z, which has 2 heads (0 to 1)", message);
                assertTrue(model.hooks().all().stream().noneMatch(HookPoint::active), "failed runs detach");
            }
        }
    }

    /** {@code value} with head {@code head} taken from {@code source}, element by element on the host. */
    private static NDArray headFrom(NDArray value, NDArray source, int head, boolean pattern) {
        Shape s = value.getShape(); // (B, T, H, d) or, for a pattern, (B, H, T, T)
        long heads = pattern ? s.get(1) : s.get(2);
        long inner = pattern ? s.get(2) * s.get(3) : s.get(3);
        float[] out = value.toFloatArray();
        float[] from = source.toFloatArray();
        for (int i = 0; i < out.length; i++) {
            if ((i / inner) % heads == head) {
                out[i] = from[i];
            }
        }
        return value.getManager().create(out, s);
    }

    private static double maxAbsDifference(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, Math.abs(x[i] - y[i]));
        }
        return max;
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + " shape");
        float[] e = expected.toFloatArray();
        float[] x = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], x[i], TOLERANCE * Math.max(1, Math.abs(e[i])), what + " element " + i);
        }
    }
}
