package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.cli.AmemCli;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.train.TinyQf;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sample of the hostile files of {@link ReaderFuzzTest} through the command line: every case exits 0, or exits
 * 1 or 2 with exactly one error line that names the file and holds no Java exception name and no stack trace.
 */
class CliContractFuzzTest {

    private static final Pattern JAVA_NAME = Pattern.compile("\\b(java|javax|com\\.google|ai\\.djl)\\.[a-z.]*[A-Z]|\\b\\w*Exception\\b");
    private static final int CASES = FileFuzzer.cases(60) / 20 + 57; // 60 by default; a long campaign adds more

    private record Outcome(int code, String out, String err) {}

    private static Outcome amem(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = AmemCli.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    /** Runs {@code cases} mutations of {@code file} through {@code args}; returns how many were refused. */
    private static int sample(Path file, String named, int cases, long seed, String... args) throws Exception {
        byte[] valid = Files.readAllBytes(file);
        Random random = new Random(seed);
        int refused = 0;
        for (int i = 0; i < cases; i++) {
            StringBuilder how = new StringBuilder("case " + i);
            byte[] bytes = FileFuzzer.mutate(valid, random, how);
            Files.write(file, bytes);
            Outcome result = amem(args);
            String context = how + ": exit " + result.code + "\n" + result.err;
            assertFalse(result.err.contains("\tat "), "a stack trace in " + context);
            if (result.code == 0) {
                continue;
            }
            refused++;
            assertTrue(result.code == 1 || result.code == 2, context);
            List<String> errors = result.err.lines().filter(l -> l.contains(": error: ")).toList();
            assertEquals(1, errors.size(), "one error line in " + context);
            String line = errors.get(0);
            assertTrue(line.startsWith("amem "), context);
            assertTrue(line.contains(named), "the file is named in " + context);
            assertFalse(JAVA_NAME.matcher(line).find(), "a Java exception name in " + context);
        }
        Files.write(file, valid);
        System.out.println("CLI sample " + String.join(" ", args).replaceAll("/\\S+/", "") + ": " + cases + " cases, "
                + refused + " refused with one line");
        return refused;
    }

    @Test
    void damagedFilesThroughTheCommandLine(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        assertTrue(sample(store.resolve("meta.json"), "meta.json", CASES, 1, "data", "info", store.toString()) > 0);

        Path sweep = dir.resolve("sweep");
        SweepPlan.create(sweep, null, TinyQf.config(store, 8), JsonParser.parseString(
                "{\"models\": [{\"name\": \"a\"}, {\"name\": \"b\", \"set\": {\"model.n_embd\": 32}}]}").getAsJsonObject(),
                List.of());
        assertTrue(sample(sweep.resolve("sweep.json"), "sweep.json", CASES, 2, "sweep", "--dir", sweep.toString(),
                "--list") > 0);

        Path preset = dir.resolve("my-grid.json");
        Files.writeString(preset, """
                {"description": "x", "config": {"model": {"n_layer": 1, "n_embd": 16, "n_head": 2},
                 "data": {"dir": "%s"}, "train": {"steps": 10}},
                 "grid": {"models": [{"name": "a"}, {"name": "b", "set": {"model.n_embd": 32}}],
                          "data": [{"name": "all", "fraction": 1.0}]}}""".formatted(store));
        assertTrue(sample(preset, "my-grid.json", CASES, 3, "sweep", "--config", preset.toString(), "--dir",
                dir.resolve("other").toString(), "--list") > 0);
    }
}
