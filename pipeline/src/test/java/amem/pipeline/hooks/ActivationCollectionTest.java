package amem.pipeline.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import amem.datasets.npy.NpyDtype;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.models.HookPoint;
import amem.models.HookPoints;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import amem.pipeline.train.TinyQf;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActivationCollectionTest {

    @TempDir
    static Path shared;

    private static Path store;

    @BeforeAll
    static void buildStore() throws IOException {
        store = TinyQf.store(shared);
    }

    private static ModelSession vanilla() {
        return ModelSession.create(ModelConfig.vanilla(68, 40, 2, 2, 16, 24, 0.1f), Device.cpu(), 3);
    }

    private static ModelSession gpt2() {
        return ModelSession.create(ModelConfig.gpt2(68, 40, 2, 2, 16), Device.cpu(), 4);
    }

    private static JsonObject info() {
        JsonObject model = new JsonObject();
        model.addProperty("source", "test");
        JsonObject about = new JsonObject();
        about.add("model", model);
        return about;
    }

    private static JsonObject manifest(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("manifest.json"))).getAsJsonObject();
    }

    /** The hook's per-position vectors (T, width) of one sequence run alone through the model. */
    private static float[][] direct(ModelSession model, int[] tokens, String hook) {
        HookPoint point = model.network().hooks().get(hook);
        float[][] rows = new float[tokens.length][];
        try (NDManager scope = model.manager().newSubManager();
                HookPoints.Attachment a = HookPoints.attach(List.of(point), (p, v) -> {
                    float[] flat = p.vectors(v).toFloatArray();
                    for (int t = 0; t < tokens.length; t++) {
                        rows[t] = java.util.Arrays.copyOfRange(flat, t * p.width(), (t + 1) * p.width());
                    }
                })) {
            model.logits(scope.create(tokens, new Shape(1, tokens.length)), false);
        }
        return rows;
    }

    /** Every record's vector at {@code hook}, read from its shards in order. */
    private static NpyTestReader.Array[] shards(Path dir, JsonObject manifest, String hook) throws IOException {
        var list = manifest.getAsJsonObject("hooks").getAsJsonObject(hook).getAsJsonArray("shards");
        NpyTestReader.Array[] arrays = new NpyTestReader.Array[list.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = NpyTestReader.read(dir.resolve(list.get(i).getAsJsonObject().get("file").getAsString()));
        }
        return arrays;
    }

    private static double vectorValue(NpyTestReader.Array[] shards, int record, int column) {
        int r = record;
        for (NpyTestReader.Array shard : shards) {
            if (r < shard.rows()) {
                return shard.at(r, column);
            }
            r -= shard.rows();
        }
        throw new AssertionError("record " + record + " beyond the shards");
    }

    @Test
    void datasetOpensWithAnIndependentReaderAndMatchesADirectForward(@TempDir Path dir) throws IOException {
        List<String> hooks = List.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post", "ln_final.hook_normalized",
                "blocks.0.mlp.hook_post");
        for (boolean gpt : new boolean[] {false, true}) {
            Path out = dir.resolve(gpt ? "gpt2" : "vanilla");
            CollectRequest request = CollectRequest.of(List.of("blocks.*.hook_resid_post,ln_final.hook_normalized",
                    "blocks.0.mlp.hook_post"), 150, "val", 11).withSampling("auto", "sequential").withBatching(0, 200, 64);
            try (ModelSession model = gpt ? gpt2() : vanilla(); TokenStore tokens = TokenStore.open(store)) {
                ActivationCollection.Result result = ActivationCollection.run(model, info(), tokens, request, out, m -> {});
                assertEquals(150, result.records());
                JsonObject manifest = manifest(out);
                assertEquals("amem-activations/1", manifest.get("format").getAsString());
                assertEquals(150, manifest.get("records").getAsLong());
                assertEquals("float32", manifest.get("dtype").getAsString());
                assertEquals(hooks.stream().sorted().toList(),
                        manifest.getAsJsonObject("hooks").keySet().stream().sorted().toList());
                assertEquals("lines", manifest.getAsJsonObject("sampling").get("mode").getAsString());
                assertEquals("val", manifest.getAsJsonObject("data").get("split").getAsString());
                assertEquals("test", manifest.getAsJsonObject("model").get("source").getAsString());

                NpyTestReader.Array ids = NpyTestReader.read(out.resolve("tokens.npy"));
                NpyTestReader.Array positions = NpyTestReader.read(out.resolve("positions.npy"));
                NpyTestReader.Array documents = NpyTestReader.read(out.resolve("documents.npy"));
                NpyTestReader.Array offsets = NpyTestReader.read(out.resolve("offsets.npy"));
                assertEquals("<i4", ids.descr());
                assertEquals("<i8", documents.descr());
                assertEquals(150, ids.rows());
                TokenSplit val = tokens.split("val");
                int expectedDocument = 0;
                int expectedPosition = 0;
                for (int i = 0; i < 150; i++) { // sequential lines, every position
                    assertEquals(expectedDocument, (int) documents.values()[i], "record " + i);
                    assertEquals(expectedPosition, (int) positions.values()[i], "record " + i);
                    long offset = (long) offsets.values()[i];
                    assertEquals(val.lineStart(expectedDocument) + expectedPosition, offset);
                    assertEquals(val.token(offset), (int) ids.values()[i]);
                    if (++expectedPosition == Math.min(val.lineLength(expectedDocument), 40)) {
                        expectedDocument++;
                        expectedPosition = 0;
                    }
                }
                for (String hook : hooks) {
                    NpyTestReader.Array[] shards = shards(out, manifest, hook);
                    assertEquals(List.of(64, 64, 22), Stream.of(shards).map(NpyTestReader.Array::rows).toList());
                    assertEquals("<f4", shards[0].descr());
                    int width = model.network().hooks().get(hook).width();
                    assertEquals(width, shards[0].width());
                    float[][] line = null;
                    for (int i = 0; i < 150; i++) {
                        int document = (int) documents.values()[i];
                        int position = (int) positions.values()[i];
                        if (position == 0) {
                            line = direct(model, val.line(document), hook);
                        }
                        for (int c = 0; c < width; c++) {
                            assertEquals(line[position][c], vectorValue(shards, i, c),
                                    1e-5 * Math.max(1, Math.abs(line[position][c])),
                                    hook + " record " + i + " column " + c);
                        }
                    }
                }
            }
        }
    }

    @Test
    void float16LastPositionsOfWindows(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("f16");
        CollectRequest request = CollectRequest.of(List.of("ln_final.hook_normalized"), 20, "train", 5)
                .withDtype(NpyDtype.FLOAT16).withPositions("last", 1).withSampling("windows", "shuffled")
                .withBatching(16, 64, 1000);
        try (ModelSession model = gpt2(); TokenStore tokens = TokenStore.open(store)) {
            ActivationCollection.run(model, info(), tokens, request, out, m -> {});
            JsonObject manifest = manifest(out);
            assertEquals("float16", manifest.get("dtype").getAsString());
            assertEquals("windows", manifest.getAsJsonObject("sampling").get("mode").getAsString());
            NpyTestReader.Array vectors = shards(out, manifest, "ln_final.hook_normalized")[0];
            assertEquals("<f2", vectors.descr());
            NpyTestReader.Array documents = NpyTestReader.read(out.resolve("documents.npy"));
            NpyTestReader.Array positions = NpyTestReader.read(out.resolve("positions.npy"));
            NpyTestReader.Array offsets = NpyTestReader.read(out.resolve("offsets.npy"));
            Set<Long> seen = new HashSet<>();
            TokenSplit train = tokens.split("train");
            boolean shuffled = false;
            for (int i = 0; i < 20; i++) {
                long window = (long) documents.values()[i];
                assertTrue(seen.add(window), "window " + window + " visited twice");
                shuffled |= window != i;
                assertEquals(15, (int) positions.values()[i]);
                assertEquals(window * 16 + 15, (long) offsets.values()[i]);
                int[] ids = new int[16];
                train.read(window * 16, ids, 0, 16);
                float[] expected = direct(model, ids, "ln_final.hook_normalized")[15];
                for (int c = 0; c < 16; c++) {
                    assertEquals(expected[c], vectors.at(i, c), 2e-3 * Math.max(1, Math.abs(expected[c])), "record " + i);
                }
            }
            assertTrue(shuffled, "windows are visited in a shuffled order");
        }
    }

    @Test
    void randomPositionsAreReproducibleFromTheSeed(@TempDir Path dir) throws IOException {
        try (ModelSession model = vanilla(); TokenStore tokens = TokenStore.open(store)) {
            long[][] a = positions(model, tokens, dir.resolve("a"), 7);
            long[][] b = positions(model, tokens, dir.resolve("b"), 7);
            long[][] c = positions(model, tokens, dir.resolve("c"), 8);
            assertTrue(java.util.Arrays.deepEquals(a, b), "same seed, same records");
            assertFalse(java.util.Arrays.deepEquals(a, c), "another seed, other records");
            for (int i = 0; i < a[0].length; i += 3) { // three distinct ascending positions per line
                assertEquals(a[0][i], a[0][i + 2]);
                assertTrue(a[1][i] < a[1][i + 1] && a[1][i + 1] < a[1][i + 2]);
            }
        }
    }

    private static long[][] positions(ModelSession model, TokenStore tokens, Path out, long seed) throws IOException {
        CollectRequest request = CollectRequest.of(List.of("blocks.1.hook_resid_mid"), 30, "train", seed)
                .withPositions("random", 3);
        ActivationCollection.run(model, info(), tokens, request, out, m -> {});
        double[] documents = NpyTestReader.read(out.resolve("documents.npy")).values();
        double[] positions = NpyTestReader.read(out.resolve("positions.npy")).values();
        long[][] result = new long[2][documents.length];
        for (int i = 0; i < documents.length; i++) {
            result[0][i] = (long) documents[i];
            result[1][i] = (long) positions[i];
        }
        return result;
    }

    @Test
    void attentionPatternsArePaddedToTheContext(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("pattern");
        CollectRequest request = CollectRequest.of(List.of("blocks.0.attn.hook_pattern"), 40, "val", 1)
                .withSampling("lines", "sequential");
        try (ModelSession model = gpt2(); TokenStore tokens = TokenStore.open(store)) {
            ActivationCollection.run(model, info(), tokens, request, out, m -> {});
            NpyTestReader.Array rows = shards(out, manifest(out), "blocks.0.attn.hook_pattern")[0];
            assertEquals(2 * 40, rows.width());
            double[] positions = NpyTestReader.read(out.resolve("positions.npy")).values();
            for (int i = 0; i < rows.rows(); i++) {
                for (int h = 0; h < 2; h++) {
                    double sum = 0;
                    for (int key = 0; key < 40; key++) {
                        double w = rows.at(i, h * 40 + key);
                        if (key > positions[i]) {
                            assertEquals(0.0, w, "record " + i + " head " + h + " attends to a later key " + key);
                        }
                        sum += w;
                    }
                    assertEquals(1.0, sum, 1e-5);
                }
            }
        }
    }

    @Test
    void badRequestsFailBeforeWritingAndLeaveNothing(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("nothing");
        try (ModelSession model = vanilla(); TokenStore tokens = TokenStore.open(store)) {
            String message = assertThrows(IllegalArgumentException.class, () -> ActivationCollection.run(model, info(),
                    tokens, CollectRequest.of(List.of("blocks.*.hook_resid"), 10, "val", 1), out, m -> {})).getMessage();
            assertTrue(message.contains("blocks.*.hook_resid") && message.contains("available"), message);
            message = assertThrows(IllegalArgumentException.class, () -> ActivationCollection.run(model, info(),
                    tokens, CollectRequest.of(List.of("hook_embed"), 10, "dev", 1), out, m -> {})).getMessage();
            assertTrue(message.contains("no split 'dev'") && message.contains("val"), message);
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(), left.toList(), "no output and no partial directory");
            }
            Files.createDirectories(out);
            message = assertThrows(IllegalArgumentException.class, () -> ActivationCollection.run(model, info(),
                    tokens, CollectRequest.of(List.of("hook_embed"), 10, "val", 1), out, m -> {})).getMessage();
            assertTrue(message.contains("already exists"), message);
        }
    }

    @Test
    void interruptedCollectionLeavesNoDataset(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("broken");
        try (ModelSession model = vanilla(); TokenStore tokens = TokenStore.open(store)) {
            ActivationDatasetWriter writer = new ActivationDatasetWriter(out, 10, false);
            ActivationRecorder.Spec spec = new ActivationRecorder.Spec(List.of("hook_embed"), PositionRule.all(), 50,
                    NpyDtype.FLOAT32);
            try (writer; ActivationRecorder recorder = new ActivationRecorder(model, spec, writer)) {
                TokenSplit val = tokens.split("val");
                int[] line = val.line(0);
                recorder.record(SequenceBatch.of(List.of(new SequenceInfo(0, 0, line.length)), List.of(line)));
                assertNotEquals(0, writer.records());
                // no commit: the collection "fails" here
            }
            try (Stream<Path> left = Files.list(dir)) {
                assertEquals(List.of(), left.toList(), "the partial directory is removed, no dataset appears");
            }
        }
    }
}
