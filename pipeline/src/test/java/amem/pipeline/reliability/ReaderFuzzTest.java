package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.npy.NpyHeader;
import amem.datasets.npy.NpyReader;
import amem.datasets.qf.QfReferenceFiles;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.datasets.text.DecodeOptions;
import amem.datasets.text.TextStoreBuilder;
import amem.pipeline.config.Presets;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import amem.pipeline.weights.SafetensorsFile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files for every reader of outside data (see {@link FileFuzzer} for the rule each case must keep). The CI
 * sizes keep each reader to seconds; {@code -Damem.fuzz.cases=100000} runs a long campaign.
 */
class ReaderFuzzTest {

    private static FileFuzzer fuzzer;

    @BeforeAll
    static void start() {
        fuzzer = new FileFuzzer(20);
    }

    @AfterAll
    static void stop() {
        fuzzer.close();
    }

    // ---- safetensors ------------------------------------------------------------------------------------------

    /** A safetensors file from header entries and a data section. */
    static byte[] safetensors(String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(data);
        return out.array();
    }

    static byte[] safetensorsHeaderLength(long length, int size) {
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(length);
        while (out.hasRemaining()) {
            out.put((byte) '{');
        }
        return out.array();
    }

    @Test
    void safetensors(@TempDir Path dir) throws Exception {
        byte[] data = new byte[24 + 8 + 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37);
        }
        List<byte[]> seeds = List.of(
                safetensors("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],"
                        + "\"data_offsets\":[0,24]},\"b\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[24,32]},"
                        + "\"c\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[32,40]}}", data),
                safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"z\":{\"dtype\":\"F32\",\"shape\":[0,5],\"data_offsets\":[4,4]}}", new byte[4]));
        String huge = "9223372036854775807";
        List<byte[]> adversarial = List.of(
                safetensorsHeaderLength(-1, 64), safetensorsHeaderLength(0, 64), safetensorsHeaderLength(1L << 40, 64),
                safetensorsHeaderLength(Long.MAX_VALUE, 64), safetensorsHeaderLength(56, 64), new byte[7], new byte[0],
                safetensors("[]", new byte[0]), safetensors("null", new byte[0]), safetensors("\"x\"", new byte[0]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,0]}}", new byte[0]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + huge + "," + huge + "],\"data_offsets\":[0,4]}}", new byte[4]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1073741824],\"data_offsets\":[0,4294967296]}}", new byte[8]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[" + huge + ",4]}}", new byte[4]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", new byte[4]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,400]}}", new byte[4]),
                safetensors("{\"a\":{\"dtype\":\"X99\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                safetensors("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]),
                safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", new byte[4]),
                safetensors("{\"a\":{\"dtype\":[\"F32\"],\"shape\":{},\"data_offsets\":\"0,4\"}}", new byte[4]),
                safetensors("{\"__metadata__\":{\"k\":{\"nested\":1},\"l\":[1,2]}}", new byte[0]),
                safetensors("[".repeat(100_000), new byte[0]),
                safetensors("{\"a\":" + "{\"b\":".repeat(5000) + "1" + "}".repeat(5001), new byte[0]));
        Path file = dir.resolve("model.safetensors");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            fuzzer.run("safetensors", file, file.getFileName().toString(), seeds, adversarial, FileFuzzer.cases(2000), 1,
                    f -> {
                        try (SafetensorsFile weights = SafetensorsFile.open(f); NDManager scope = manager.newSubManager()) {
                            for (SafetensorsFile.Entry entry : weights.entries().values()) {
                                NDArray array = weights.load(entry, scope);
                                array.sum().getFloat(); // touch every element
                            }
                        }
                    });
        }
    }

    // ---- .npy (activation shards and their id files) -------------------------------------------------------------

    /** A version-1.0 .npy file: magic, header dict padded to a multiple of 64 bytes, data. */
    static byte[] npy(String dict, byte[] data) {
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer out = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return out.array();
    }

    @Test
    void npy(@TempDir Path dir) throws Exception {
        byte[] floats = new byte[3 * 4 * 4];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (byte) (i * 13 + 1);
        }
        List<byte[]> seeds = List.of(
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", floats),
                npy("{'descr': '<f2', 'fortran_order': False, 'shape': (6, 4), }", floats),
                npy("{'descr': '>f4', 'fortran_order': False, 'shape': (4, 3), }", floats),
                npy("{'descr': '<i8', 'fortran_order': False, 'shape': (6,), }", floats),
                npy("{'descr': '<i4', 'fortran_order': False, 'shape': (12,), }", floats),
                npy("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4), }", floats));
        List<byte[]> adversarial = List.of(
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", floats),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 9223372036854775807), }", new byte[0]),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3037000500, 3037000500), }", floats),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2147483647), }", floats),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2305843009213693952,), }", floats),
                npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2147483648,), }", floats),
                npy("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", floats),
                npy("{'descr': '<U8', 'fortran_order': False, 'shape': (3,), }", floats),
                npy("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3, 4), }", floats),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-3, 4), }", floats),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4, }", floats),
                npy("{}", floats), npy("", new byte[0]),
                Arrays.copyOf(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", floats), 40),
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, -1, -1, -1, 127},
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0});
        Path file = dir.resolve("shard-00000.npy");
        fuzzer.run(".npy", file, file.getFileName().toString(), seeds, adversarial, FileFuzzer.cases(2000), 10, f -> {
            try (NpyReader reader = NpyReader.open(f)) {
                NpyHeader header = reader.header();
                if (header.shape().length == 1 && !header.dtype().isFloat()) {
                    reader.readLongs();
                } else {
                    header.requireMatrix();
                    int width = Math.toIntExact(header.rowLength());
                    int batch = (int) Math.min(header.rows(), 64);
                    float[] rows = new float[Math.max(1, batch * width)];
                    for (long first = 0; first < header.rows(); first += batch) {
                        int count = (int) Math.min(batch, header.rows() - first);
                        reader.readRows(first, count, rows, 0);
                    }
                }
            }
        });
    }

    // ---- token stores: meta.json and the line index --------------------------------------------------------------

    @Test
    void tokenStoreMetaAndLineIndex(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path meta = store.resolve("meta.json");
        byte[] original = Files.readAllBytes(meta);
        FileFuzzer.Reader readAll = f -> {
            try (TokenStore opened = TokenStore.open(store)) {
                long sum = 0;
                for (String name : opened.splitNames()) {
                    TokenSplit split = opened.split(name);
                    int[] buffer = new int[(int) Math.min(split.tokens(), 1 << 16)];
                    for (long at = 0; at < split.tokens(); at += buffer.length) {
                        int n = (int) Math.min(buffer.length, split.tokens() - at);
                        split.read(at, buffer, 0, n);
                        sum += buffer[0];
                    }
                    if (split.hasLines()) {
                        for (int line = 0; line < split.lineCount(); line++) {
                            sum += split.line(line).length;
                        }
                    }
                }
                assertTrue(sum >= 0);
            }
        };
        List<byte[]> adversarial = List.of(
                "{}".getBytes(StandardCharsets.UTF_8), "[]".getBytes(StandardCharsets.UTF_8), new byte[0],
                new String(original, StandardCharsets.UTF_8).replaceFirst("\"tokens\": *[0-9]+", "\"tokens\": 4611686018427387904")
                        .getBytes(StandardCharsets.UTF_8),
                new String(original, StandardCharsets.UTF_8).replaceFirst("\"tokens\": *[0-9]+", "\"tokens\": -5")
                        .getBytes(StandardCharsets.UTF_8),
                new String(original, StandardCharsets.UTF_8).replaceFirst("\"train.bin\"", "\"val.bin\"")
                        .getBytes(StandardCharsets.UTF_8));
        fuzzer.run("meta.json", meta, store.getFileName().toString(), List.of(original), adversarial,
                FileFuzzer.cases(2000), 2, readAll);
        Files.write(meta, original);

        Path index = store.resolve("train.idx");
        if (Files.isRegularFile(index)) {
            byte[] valid = Files.readAllBytes(index);
            fuzzer.run("line index (.idx)", index, "train.idx", List.of(valid), List.of(new byte[0], new byte[8],
                    new byte[7]), FileFuzzer.cases(1500), 3, readAll);
            Files.write(index, valid);
        }
    }

    // ---- run configurations: --config files, presets, a run's config.json, sweep.json -------------------------

    @Test
    void configFilesAndPresets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-config.json");
        byte[] config = RunConfig.defaults().with("model.n_layer", "2").with("train.lr", "0.001")
                .with("data.dir", "data/qf").toPrettyJson().getBytes(StandardCharsets.UTF_8);
        byte[] preset = ("{\"description\": \"x\", \"config\": {\"model\": {\"n_layer\": 2, \"n_embd\": 64}, "
                + "\"train\": {\"lr\": 0.001, \"steps\": 100}}, \"grid\": {\"models\": [{\"name\": \"a\", "
                + "\"set\": {\"model.n_embd\": 32}}], \"data\": [{\"name\": \"all\", \"fraction\": 1.0}]}}")
                .getBytes(StandardCharsets.UTF_8);
        fuzzer.run("--config FILE", file, file.getFileName().toString(), List.of(config, preset), List.of(),
                FileFuzzer.cases(2000), 4, f -> {
                    RunConfig.fromFile(f);
                });
        fuzzer.run("preset file", file, file.getFileName().toString(), List.of(preset), List.of(),
                FileFuzzer.cases(2000), 5, f -> {
                    Presets.fromFile(f).resolve();
                });
    }

    @Test
    void runConfigJson(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path run = dir.resolve("run");
        TrainingRun.start(TinyQf.config(store, 2), run, new amem.pipeline.train.Progress(new java.io.PrintStream(new ByteArrayOutputStream()), false, 1e9), Long.MAX_VALUE);
        Path file = run.resolve("config.json");
        byte[] valid = Files.readAllBytes(file);
        fuzzer.run("run config.json", file, "config.json", List.of(valid), List.of("{}".getBytes(StandardCharsets.UTF_8)),
                FileFuzzer.cases(2000), 6, f -> TrainingRun.savedConfig(run));
    }

    @Test
    void sweepJson(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path sweep = dir.resolve("sweep");
        SweepPlan.create(sweep, null, TinyQf.config(store, 8), com.google.gson.JsonParser.parseString("""
                {"models": [{"name": "a", "set": {"model.n_embd": 16}}, {"name": "b", "set": {"model.n_embd": 32}}],
                 "data": [{"name": "half", "fraction": 0.5}, {"name": "D1k", "tokens": 1000}]}""")
                .getAsJsonObject(), List.of("train.lr=0.002"));
        Path file = sweep.resolve(SweepPlan.FILE);
        fuzzer.run("sweep.json", file, SweepPlan.FILE, List.of(Files.readAllBytes(file)), List.of(),
                FileFuzzer.cases(2000), 7, f -> {
                    SweepPlan plan = SweepPlan.open(sweep);
                    for (SweepPlan.Cell cell : plan.cells()) {
                        plan.config(cell);
                        plan.runDir(cell);
                    }
                });
    }

    // ---- checkpoints ------------------------------------------------------------------------------------------

    /**
     * The newest checkpoint damaged in any of its files (state.json, parameters, optimizer state): the search for
     * a checkpoint to resume from must fall back to the previous one and say which was damaged, never fail or pick
     * the damaged one. (Checkpoint contents are trusted once they match the SHA-256 recorded in state.json.)
     */
    @Test
    void checkpoints(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path run = dir.resolve("run");
        TrainingRun.start(TinyQf.config(store, 8), run, new amem.pipeline.train.Progress(new java.io.PrintStream(
                new ByteArrayOutputStream()), false, 1e9), Long.MAX_VALUE);
        Path newest = run.resolve("checkpoints/step-000000008");
        for (String name : List.of("state.json", "model-0000.params", "optimizer.bin")) {
            Path file = newest.resolve(name);
            byte[] valid = Files.readAllBytes(file);
            fuzzer.run("checkpoint " + name, file, "step-000000008", List.of(valid), List.of(new byte[0]),
                    FileFuzzer.cases(name.equals("state.json") ? 1500 : 500), 11, f -> {
                        List<String> warnings = new ArrayList<>();
                        long step = new Checkpoints(run.resolve("checkpoints"), 2).latest(warnings::add).orElseThrow()
                                .step();
                        boolean same = Arrays.equals(valid, Files.readAllBytes(f));
                        if (step == 8 && !same && !name.equals("state.json")) {
                            throw new AssertionError("a damaged " + name + " was accepted");
                        }
                        if (step == 4 && !(warnings.size() == 1 && warnings.get(0).contains(newest.toString())
                                && warnings.get(0).contains("is damaged"))) {
                            throw new AssertionError("fell back without naming the damaged checkpoint: " + warnings);
                        }
                        if (step != 4 && step != 8) {
                            throw new AssertionError("resumed from step " + step);
                        }
                    });
            Files.write(file, valid);
        }
    }

    // ---- text inputs -------------------------------------------------------------------------------------------

    @Test
    void questionFormationReferenceFiles(@TempDir Path dir) throws Exception {
        Path reference = dir.resolve("reference");
        Files.createDirectories(reference);
        Files.writeString(reference.resolve("question.dev"), "the newt does read . quest\tdoes the newt read ?\n");
        Path file = reference.resolve("question.train");
        byte[] valid = ("the newt does read . quest\tdoes the newt read ?\n"
                + "my yak that doesn't giggle does swim . decl\tmy yak that doesn't giggle does swim .\n"
                + "\n"
                + "her zebras do laugh . quest\tdo her zebras laugh ?\n").getBytes(StandardCharsets.UTF_8);
        fuzzer.run("Question-Formation reference files", file, "reference", List.of(valid),
                List.of(new byte[] {(byte) 0xff, (byte) 0xfe, 0}, "\t\t\t".getBytes(StandardCharsets.UTF_8)),
                FileFuzzer.cases(2000), 8, f -> QfReferenceFiles.read(reference));
    }

    @Test
    void jsonlAndTextInputs(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("in");
        Files.createDirectories(input);
        Path file = input.resolve("docs.jsonl");
        byte[] jsonl = ("{\"text\": \"The first document.\\nIt has two lines.\", \"id\": 1}\n"
                + "{\"text\": \"Second \\u00e9t\\u00e9 \\ud83d\\ude00 document\", \"meta\": {\"a\": [1, 2]}}\n"
                + "{\"id\": 3, \"text\": \"\"}\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream deep = new ByteArrayOutputStream();
        deep.writeBytes("{\"text\": ".getBytes(StandardCharsets.UTF_8));
        deep.writeBytes("[".repeat(50_000).getBytes(StandardCharsets.UTF_8));
        List<byte[]> adversarial = new ArrayList<>(List.of(deep.toByteArray(), "\"just a string\"\n".getBytes(StandardCharsets.UTF_8),
                "{\"text\": 5}\n".getBytes(StandardCharsets.UTF_8), "null\n[]\n".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xc3, (byte) 0x28, '\n'}));
        Path out = dir.resolve("store");
        int[] counter = {0};
        fuzzer.run("JSONL input", file, file.getFileName().toString(), List.of(jsonl), adversarial,
                FileFuzzer.cases(200), 9, f -> {
                    Path target = out.resolve(Integer.toString(counter[0]++));
                    TextStoreBuilder.write(new TextStoreBuilder.Options(List.of(input), DecodeOptions.defaults(), 0.0, 1,
                            1, false), target, amem.datasets.ProgressListener.NONE).store().close();
                });
    }
}
