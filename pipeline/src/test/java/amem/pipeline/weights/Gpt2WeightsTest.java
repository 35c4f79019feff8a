package amem.pipeline.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2WeightsTest {

    private static final String TINY_CONFIG = "{\"model_type\": \"gpt2\", \"vocab_size\": 5, \"n_positions\": 3, "
            + "\"n_embd\": 2, \"n_layer\": 1, \"n_head\": 1, \"n_inner\": null, \"activation_function\": \"gelu_new\", "
            + "\"layer_norm_epsilon\": 1e-05}";

    private static float[] logits(ModelSession session, int[] ids) {
        try (NDManager scope = session.manager().newSubManager()) {
            return session.logits(scope.create(ids, new Shape(1, ids.length)), false).toFloatArray();
        }
    }

    @Test
    void exportThenImportGivesIdenticalLogits(@TempDir Path dir) throws IOException {
        ModelConfig config = ModelConfig.gpt2(97, 16, 2, 2, 8);
        int[] ids = {3, 96, 0, 41, 41, 7, 12, 80, 5, 5, 1, 2, 3, 4, 90, 11};
        try (ModelSession original = ModelSession.create(config, Device.cpu(), 5)) {
            Gpt2Weights.export(original, dir, false);
            try (ModelSession imported = Gpt2Weights.load(dir, Device.cpu())) {
                assertEquals(config, imported.config());
                assertArrayEquals(logits(original, ids), logits(imported, ids));
                for (Map.Entry<String, Parameter> e : original.parameters().entrySet()) {
                    assertArrayEquals(e.getValue().getArray().toFloatArray(),
                            imported.parameters().get(e.getKey()).getArray().toFloatArray(), e.getKey());
                }
            }
            // The file itself is in Hugging Face's layout: Conv1D weights (in, out), no lm_head, 8-byte aligned data.
            byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
            long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLength % 8);
            JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            assertEquals("[8,24]", header.getAsJsonObject("h.1.attn.c_attn.weight").get("shape").toString());
            assertEquals("[32,8]", header.getAsJsonObject("h.0.mlp.c_proj.weight").get("shape").toString());
            assertEquals("[97,8]", header.getAsJsonObject("wte.weight").get("shape").toString());
            assertTrue(!header.has("lm_head.weight"));
            var entry = header.getAsJsonObject("h.1.attn.c_attn.weight");
            int begin = 8 + (int) headerLength + entry.getAsJsonArray("data_offsets").get(0).getAsInt();
            float[] ours = original.parameters().get("h.1.attn.c_attn.weight").getArray().toFloatArray(); // (24, 8)
            ByteBuffer data = ByteBuffer.wrap(bytes, begin, 8 * 24 * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int in = 0; in < 8; in++) {
                for (int out = 0; out < 24; out++) {
                    assertEquals(ours[out * 8 + in], data.getFloat(), "c_attn[" + in + "][" + out + "]");
                }
            }
            JsonObject hfConfig = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
            assertEquals(2, hfConfig.get("n_layer").getAsInt());
            assertEquals("gelu_new", hfConfig.get("activation_function").getAsString());
            assertEquals(16, hfConfig.get("n_positions").getAsInt());
            // A second export into the same directory is refused unless asked for.
            String message = assertThrows(WeightsException.class, () -> Gpt2Weights.export(original, dir, false))
                    .getMessage();
            assertTrue(message.contains("already exists"), message);
        }
    }

    /** Values i * step + base for a tensor with {@code n} elements: distinct and exact in float16 and bfloat16. */
    private static float[] values(int n, float base) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = base + 0.25f * i;
        }
        return v;
    }

    /** Every tensor of the tiny GPT-2 (V 5, ctx 3, L 1, n 2, ffn 8) in Hugging Face layout. */
    private static HandBuiltSafetensors tinyCheckpoint(String skip, String malformed) {
        HandBuiltSafetensors file = new HandBuiltSafetensors();
        Object[][] tensors = {
            {"transformer.wte.weight", "F16", new long[] {5, 2}, 1f},
            {"transformer.wpe.weight", "F32", new long[] {3, 2}, 2f},
            {"transformer.h.0.ln_1.weight", "BF16", new long[] {2}, 3f},
            {"transformer.h.0.ln_1.bias", "F32", new long[] {2}, 4f},
            {"transformer.h.0.attn.c_attn.weight", "F32", new long[] {2, 6}, 5f},
            {"transformer.h.0.attn.c_attn.bias", "F32", new long[] {6}, 6f},
            {"transformer.h.0.attn.c_proj.weight", "F32", new long[] {2, 2}, 7f},
            {"transformer.h.0.attn.c_proj.bias", "F32", new long[] {2}, 8f},
            {"transformer.h.0.ln_2.weight", "F32", new long[] {2}, 9f},
            {"transformer.h.0.ln_2.bias", "F32", new long[] {2}, 10f},
            {"transformer.h.0.mlp.c_fc.weight", "F32", new long[] {2, 8}, 11f},
            {"transformer.h.0.mlp.c_fc.bias", "F32", new long[] {8}, 12f},
            {"transformer.h.0.mlp.c_proj.weight", "BF16", new long[] {8, 2}, 13f},
            {"transformer.h.0.mlp.c_proj.bias", "F32", new long[] {2}, 14f},
            {"transformer.ln_f.weight", "F32", new long[] {2}, 15f},
            {"transformer.ln_f.bias", "F32", new long[] {2}, 16f},
            {"transformer.h.0.attn.bias", "F32", new long[] {1, 1, 3, 3}, 0f}, // the old mask buffer: ignored
            {"lm_head.weight", "F32", new long[] {5, 2}, 1f}, // tied: ignored
        };
        for (Object[] t : tensors) {
            String name = (String) t[0];
            if (name.equals(skip)) {
                continue;
            }
            long[] shape = (long[]) t[2];
            int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (name.equals(malformed)) {
                shape = new long[] {shape[1], shape[0]};
            }
            file.add(name, (String) t[1], shape, values(n, (Float) t[3]));
        }
        return file;
    }

    @Test
    void handBuiltCheckpointImportsExactlyItsValues(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_CONFIG);
        tinyCheckpoint(null, null).write(dir.resolve("model.safetensors"));
        try (ModelSession session = Gpt2Weights.load(dir, Device.cpu())) {
            assertEquals(ModelConfig.gpt2(5, 3, 1, 1, 2), session.config());
            Map<String, Parameter> p = session.parameters();
            assertArrayEquals(values(10, 1f), p.get("wte.weight").getArray().toFloatArray(), "F16 wte");
            assertArrayEquals(values(6, 2f), p.get("wpe.weight").getArray().toFloatArray());
            assertArrayEquals(values(2, 3f), p.get("h.0.ln_1.weight").getArray().toFloatArray(), "BF16 ln_1");
            assertArrayEquals(values(2, 16f), p.get("ln_f.bias").getArray().toFloatArray());
            assertArrayEquals(values(8, 12f), p.get("h.0.mlp.c_fc.bias").getArray().toFloatArray());
            // Conv1D (in, out) -> ours (out, in): ours[o][i] = theirs[i][o]
            assertTransposed(values(12, 5f), 2, 6, p.get("h.0.attn.c_attn.weight"));
            assertTransposed(values(4, 7f), 2, 2, p.get("h.0.attn.c_proj.weight"));
            assertTransposed(values(16, 11f), 2, 8, p.get("h.0.mlp.c_fc.weight"));
            assertTransposed(values(16, 13f), 8, 2, p.get("h.0.mlp.c_proj.weight"));
            assertTrue(p.get("wte.weight").getArray().hasGradient(), "imported parameters stay trainable");
        }
    }

    private static void assertTransposed(float[] theirs, int in, int out, Parameter parameter) {
        assertEquals(new Shape(out, in), parameter.getArray().getShape());
        float[] ours = parameter.getArray().toFloatArray();
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                assertEquals(theirs[i * out + o], ours[o * in + i], parameter.getName() + "[" + o + "][" + i + "]");
            }
        }
    }

    private static String failure(Path dir, HandBuiltSafetensors file, int truncate) throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_CONFIG);
        file.write(dir.resolve("model.safetensors"), truncate);
        return assertThrows(WeightsException.class, () -> Gpt2Weights.load(dir, Device.cpu()).close()).getMessage();
    }

    @Test
    void badCheckpointsAreRefusedNamingTheTensor(@TempDir Path dir) throws IOException {
        String missing = failure(dir, tinyCheckpoint("transformer.h.0.mlp.c_fc.weight", null), 0);
        assertTrue(missing.contains("missing tensor h.0.mlp.c_fc.weight (expected shape (2, 8) (in, out)"), missing);

        String shape = failure(dir, tinyCheckpoint(null, "transformer.h.0.attn.c_attn.weight"), 0);
        assertTrue(shape.contains("tensor transformer.h.0.attn.c_attn.weight has shape [6, 2], expected (2, 6)"), shape);

        String dtype = failure(dir, tinyCheckpoint("transformer.ln_f.bias", null)
                .add("transformer.ln_f.bias", "I32", new long[] {2}, new float[] {1, 2}), 0);
        assertTrue(dtype.contains("tensor transformer.ln_f.bias has dtype I32"), dtype);

        String extra = failure(dir, tinyCheckpoint(null, null).add("h.0.attn.rotary", "F32", new long[] {2},
                new float[] {1, 2}), 0);
        assertTrue(extra.contains("unexpected tensors [h.0.attn.rotary]"), extra);

        String truncated = failure(dir, tinyCheckpoint(null, null), 4);
        assertTrue(truncated.contains("truncated"), truncated);

        Files.writeString(dir.resolve("config.json"), TINY_CONFIG.replace("\"n_embd\": 2, ", ""));
        String config = assertThrows(WeightsException.class, () -> Gpt2Weights.load(dir, Device.cpu())).getMessage();
        assertTrue(config.contains("missing field n_embd"), config);

        Files.writeString(dir.resolve("config.json"), TINY_CONFIG.replace("gelu_new", "relu"));
        String activation = assertThrows(WeightsException.class, () -> Gpt2Weights.load(dir, Device.cpu())).getMessage();
        assertTrue(activation.contains("activation_function \"relu\""), activation);
    }

    @Test
    void vanillaAndBiasFreeModelsDoNotExport(@TempDir Path dir) {
        try (ModelSession vanilla = ModelSession.create(ModelConfig.vanilla(11, 8, 1, 2, 8, 16, 0f), Device.cpu(), 1)) {
            String message = assertThrows(WeightsException.class, () -> Gpt2Weights.export(vanilla, dir, false))
                    .getMessage();
            assertTrue(message.contains("only GPT-2"), message);
        }
    }
}
