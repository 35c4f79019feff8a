package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.text.BadBytes;
import amem.datasets.text.DecodeOptions;
import amem.datasets.text.TextStoreBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user met in the first hour (issue 13): hints that fit the preset, refusals of empty input and of
 * existing or unwritable outputs with the remedy and exit 2, no Java exception names, and mistyped options.
 */
class NewUserTest {

    private record Result(int code, String err) {}

    /** {@link BadInputTest#amem}, and no Java class or exception names either. */
    private static Result amem(String... args) {
        BadInputTest.Result r = BadInputTest.amem(args);
        assertFalse(r.err().matches("(?s).*\\b(java|com)\\.[a-z.]+\\.[A-Z]\\w*(Exception|Error)\\b.*"),
                "no class names:\n" + r.err());
        assertFalse(r.err().contains("Exception"), "no exception names:\n" + r.err());
        return new Result(r.code(), r.err());
    }

    @Test
    void missingDataHintFitsThePresetsTokenizer(@TempDir Path dir) {
        Result gpt2 = amem("train", "--preset", "gpt2-cpu-tiny", "--run", dir.resolve("g").toString(),
                "--data", dir.resolve("nothing").toString());
        assertEquals(2, gpt2.code);
        assertTrue(gpt2.err.contains("amem prepare text --out " + dir.resolve("nothing")), gpt2.err);
        assertFalse(gpt2.err.contains("prepare qf"), gpt2.err);

        Result vanilla = amem("train", "--preset", "qf-vanilla-tiny", "--run", dir.resolve("v").toString(),
                "--data", dir.resolve("nothing").toString());
        assertEquals(2, vanilla.code);
        assertTrue(vanilla.err.contains("amem prepare qf --out " + dir.resolve("nothing")), vanilla.err);
        assertFalse(Files.exists(dir.resolve("g")) || Files.exists(dir.resolve("v")));
    }

    @Test
    void mistypedOptionSaysWhatItMeantNotTheWholeUsage() {
        Result typo = amem("train", "--step", "200", "--preset", "qf-vanilla-tiny");
        assertEquals(2, typo.code);
        assertTrue(typo.err.contains("did you mean --steps?"), typo.err);
        assertFalse(typo.err.contains("Usage:"), typo.err);
    }

    @Test
    void emptyTextIsRefusedAndNoStoreAppears(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("empty.txt"), "");
        Result empty = amem("prepare", "text", "--out", dir.resolve("store").toString(), in.toString());
        assertEquals(2, empty.code);
        assertTrue(empty.err.contains("0 text tokens") && empty.err.contains("too small to train on"), empty.err);
        assertFalse(Files.exists(dir.resolve("store")));
        Files.writeString(in.resolve("blank.txt"), ""); // two empty documents: still nothing to learn from
        assertEquals(2, amem("prepare", "text", "--out", dir.resolve("store").toString(), in.toString()).code);
        assertFalse(Files.exists(dir.resolve("store")));
    }

    @Test
    void summaryListsFallbackEncodedAndSkippedFiles(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.txt"), "Hello world, this is plain text. ".repeat(40));
        Files.write(in.resolve("b.txt"), "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e ".repeat(40).getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(in.resolve("notes.md"), "not read");
        var options = new TextStoreBuilder.Options(List.of(in),
                new DecodeOptions(StandardCharsets.UTF_8, BadBytes.FALLBACK, StandardCharsets.ISO_8859_1, "text"),
                0.5, 1, 1, false);
        TextStoreBuilder.Result result = TextStoreBuilder.write(options, dir.resolve("store"), amem.datasets.ProgressListener.NONE);
        List<String> notes = PrepareTextCommand.summaryNotes(result, "ISO-8859-1");
        assertTrue(notes.stream().anyMatch(n -> n.contains("fallback encoding ISO-8859-1") && n.contains("b.txt")
                && !n.contains("a.txt")), notes.toString());
        assertTrue(notes.stream().anyMatch(n -> n.startsWith("skipped 1 file") && n.contains("notes.md")), notes.toString());
        assertTrue(notes.stream().noneMatch(n -> n.contains("warning: the train split")), notes.toString());
        String meta = Files.readString(dir.resolve("store/meta.json"));
        assertTrue(meta.contains("notes.md") && meta.contains("skipped_files"), meta);
    }

    @Test
    void existingOrUnwritableOutputIsAWrongRequestNamingTheRemedy(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("a.txt"), "Hello world, this is plain text. ".repeat(40));
        Files.createDirectories(dir.resolve("store"));
        Result exists = amem("prepare", "text", "--out", dir.resolve("store").toString(), in.toString());
        assertEquals(2, exists.code);
        assertTrue(exists.err.startsWith("amem prepare text: error: --out " + dir.resolve("store"))
                && exists.err.contains("--overwrite"), exists.err);

        Result qf = amem("prepare", "qf", "--out", dir.resolve("store").toString());
        assertEquals(2, qf.code);
        assertTrue(qf.err.contains("--overwrite"), qf.err);

        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Result underFile = amem("prepare", "text", "--out", file.resolve("store").toString(), in.toString());
        assertEquals(2, underFile.code);
        assertTrue(underFile.err.contains(file + " is a file, not a directory"), underFile.err);
    }

    @Test
    void malformedConfigIsDescribedWithoutGsonsClassOrUrl(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"model\": {\"n_layer\": 2,}");
        Result result = amem("train", "--config", bad.toString(), "--run", dir.resolve("r").toString());
        assertEquals(2, result.code);
        assertTrue(result.err.contains(bad + " is not valid JSON: ") && result.err.contains("line 1 column"), result.err);
        assertFalse(result.err.contains("http") || result.err.contains("gson"), result.err);
    }

    @Test
    void weightsCheckOnARunDirectorySaysWhatItIsAndWhatToDo(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(run.resolve("checkpoints"));
        Files.writeString(run.resolve("config.json"), "{\"config\": {\"model\": {}}}");
        Result result = amem("weights", "check", "--weights", run.toString());
        assertEquals(2, result.code);
        assertTrue(result.err.contains("is an amem run directory") && result.err.contains("amem weights export --run " + run),
                result.err);
        assertFalse(result.err.contains("missing field"), result.err);
    }

    @Test
    void sweepEstimateUnitsFollowTheSize() {
        assertEquals("2.1 TFLOP", SweepCommand.flops(2.1e12));
        assertEquals("450.0 GFLOP", SweepCommand.flops(4.5e11));
        assertEquals("10.0 PFLOP", SweepCommand.flops(1e16));
        assertEquals("4.0 min", SweepCommand.duration(24_000 * 0.010 / 3600)); // scaling-grid-tiny at the 10 ms floor
        assertEquals("45 s", SweepCommand.duration(45 / 3600.0));
        assertEquals("3.5 h", SweepCommand.duration(3.5));
        assertEquals("116.7 days", SweepCommand.duration(2800));
    }
}
