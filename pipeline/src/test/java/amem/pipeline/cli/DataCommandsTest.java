package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.store.TokenStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The data commands end to end through the CLI: exit codes, messages naming the culprit, and what they write. */
class DataCommandsTest {

    private record Result(int code, String out, String err) {}

    /** Runs the CLI, capturing System.out (where results are printed) and the error channel. */
    private static Result amem(String... args) {
        CommandLine cli = AmemCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            assertFalse(err.toString().contains("\tat "), "no stack trace:\n" + err);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    private static Path corpus(Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("corpus"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(in.resolve(String.format("doc%02d.txt", i)), ("Document " + i + " says hello world.\r\n").repeat(1 + i));
        }
        Files.writeString(in.resolve("more.jsonl"), "{\"body\": \"a record\"}\n{\"body\": \"another record\"}\n");
        return in;
    }

    @Test
    void everyDataCommandHasHelp() {
        PrintStream savedErr = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            for (String[] command : new String[][] {{"prepare", "text"}, {"prepare", "nanogpt"}, {"subset"}, {"data", "info"},
                {"data", "export-qf"}}) {
                CommandLine cli = AmemCli.commandLine();
                StringWriter out = new StringWriter();
                cli.setOut(new PrintWriter(out));
                String[] args = java.util.Arrays.copyOf(command, command.length + 1);
                args[command.length] = "--help";
                assertEquals(0, cli.execute(args), String.join(" ", command));
                assertTrue(out.toString().startsWith("Usage: amem " + String.join(" ", command)), out.toString());
            }
        } finally {
            System.setErr(savedErr);
        }
        assertEquals("", warnings.toString(StandardCharsets.UTF_8), "picocli could not format a description");
    }

    @Test
    void prepareTextSubsetAndInfo(@TempDir Path dir) throws Exception {
        Path in = corpus(dir);
        Path store = dir.resolve("text");
        Result prepared = amem("prepare", "text", "--out", store.toString(), "--jsonl-field", "body", "--val-fraction", "0.1",
                "--threads", "2", in.toString());
        assertEquals(0, prepared.code, prepared.err);
        assertTrue(prepared.out.startsWith("wrote " + store + ": "), prepared.out);
        try (TokenStore opened = TokenStore.open(store)) {
            assertEquals(38L, opened.meta().splits().get("train").documents());
            assertEquals(4L, opened.meta().splits().get("val").documents());
        }

        Result small = amem("subset", "--from", store.toString(), "--out", dir.resolve("s1").toString(), "--tokens", "0.2k");
        assertEquals(0, small.code, small.err);
        Result large = amem("subset", "--from", store.toString(), "--out", dir.resolve("s2").toString(), "--fraction", "0.5");
        assertEquals(0, large.code, large.err);

        Result info = amem("data", "info", dir.resolve("s1").toString());
        assertEquals(0, info.code, info.err);
        assertTrue(info.out.contains("subset\n  parent: " + store.toAbsolutePath()), info.out);
        assertTrue(info.out.contains("target_tokens: 200"), info.out);
        assertTrue(info.out.contains("checksums\n  train  ok\n  val    ok"), info.out);

        try (RandomAccessFile f = new RandomAccessFile(store.resolve("val.bin").toFile(), "rw")) {
            f.seek(2);
            f.write(new byte[] {1, 1});
        }
        Result corrupt = amem("data", "info", store.toString());
        assertEquals(1, corrupt.code);
        assertTrue(corrupt.err.contains("sha256 mismatch between " + store.resolve("meta.json") + " and " + store.resolve("val.bin")), corrupt.err);
        assertTrue(corrupt.out.contains("val    MISMATCH"), corrupt.out);
    }

    @Test
    void badRequestsAndBadInputsAreNamed(@TempDir Path dir) throws Exception {
        Path in = corpus(dir);
        Path out = dir.resolve("x");
        Result badMode = amem("prepare", "text", "--out", out.toString(), "--on-bad-bytes", "ignore", in.toString());
        assertEquals(2, badMode.code);
        assertTrue(badMode.err.contains("--on-bad-bytes ignore is not one of error, replace, fallback"), badMode.err);
        assertEquals(2, amem("prepare", "text", "--out", out.toString(), "--encoding", "klingon", in.toString()).code);
        assertEquals(2, amem("prepare", "text", "--out", out.toString(), dir.resolve("absent").toString()).code);
        assertEquals(2, amem("subset", "--from", in.toString(), "--out", out.toString()).code, "neither --fraction nor --tokens");
        assertEquals(2, amem("subset", "--from", in.toString(), "--out", out.toString(), "--tokens", "2X").code);

        Files.write(in.resolve("latin1.txt"), "C\u00e6sar".getBytes(StandardCharsets.ISO_8859_1));
        Result bad = amem("prepare", "text", "--out", out.toString(), "--jsonl-field", "body", in.toString());
        assertEquals(1, bad.code);
        assertTrue(bad.err.contains(in.resolve("latin1.txt") + ": bytes not valid UTF-8 at byte offset 1 (0xE6)"), bad.err);
        Result missingField = amem("prepare", "text", "--out", out.toString(), "--on-bad-bytes", "fallback", in.toString());
        assertEquals(1, missingField.code);
        assertTrue(missingField.err.contains(in.resolve("more.jsonl") + ":1: no field 'text'"), missingField.err);
        assertFalse(Files.exists(out));
        Result fallback = amem("prepare", "text", "--out", out.toString(), "--on-bad-bytes", "fallback", "--jsonl-field", "body",
                in.toString());
        assertEquals(0, fallback.code, fallback.err);
    }

    @Test
    void nanoGptDirectoriesAreAdoptedAndQuestionFormationRoundTrips(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("text");
        assertEquals(0, amem("prepare", "text", "--out", text.toString(), "--jsonl-field", "body", corpus(dir).toString()).code);
        Path nano = Files.createDirectories(dir.resolve("nano"));
        Files.copy(text.resolve("train.bin"), nano.resolve("train.bin"));
        Files.copy(text.resolve("val.bin"), nano.resolve("val.bin"));
        Result adopted = amem("prepare", "nanogpt", nano.toString(), "--out", dir.resolve("owt").toString());
        assertEquals(0, adopted.code, adopted.err);
        try (TokenStore a = TokenStore.open(dir.resolve("owt")); TokenStore t = TokenStore.open(text)) {
            assertEquals(t.meta().splits().get("train").sha256(), a.meta().splits().get("train").sha256());
            assertEquals(t.meta().splits().get("train").documents(), a.meta().splits().get("train").documents());
        }

        Path qf = dir.resolve("qf");
        assertEquals(0, amem("prepare", "qf", "--out", qf.toString(), "--train-lines", "400", "--dev-lines", "40",
                "--test-lines", "40", "--gen-lines", "40", "--weights", "theory-s6").code);
        Result info = amem("data", "info", qf.toString());
        assertEquals(0, info.code, info.err);
        assertTrue(info.out.contains("entropy (nats) of the grammar with weights theory-s6"), info.out);
        assertTrue(info.out.contains("closed form              1.0373                 0.9967"), info.out);
        assertTrue(info.out.contains("task sets  val "), info.out);
        Result exported = amem("data", "export-qf", qf.toString(), "--out", dir.resolve("ref").toString());
        assertEquals(0, exported.code, exported.err);
        assertEquals(0, amem("prepare", "qf", "--from-reference", dir.resolve("ref").toString(), "--out",
                dir.resolve("qf2").toString()).code);
        try (TokenStore a = TokenStore.open(qf); TokenStore b = TokenStore.open(dir.resolve("qf2"))) {
            assertEquals(a.meta().splits(), b.meta().splits());
            Map<?, ?> generatedVal = (Map<?, ?>) ((Map<?, ?>) a.meta().source().get("entropy")).get("val");
            Map<?, ?> importedVal = (Map<?, ?>) ((Map<?, ?>) b.meta().source().get("entropy")).get("val");
            assertEquals(generatedVal.get("tokens"), importedVal.get("tokens"));
            // imported: scored by the grammar fitted to the imported train lines, and named so
            assertEquals(QfStoreBuilder.IMPORTED_SPLIT_WHAT, importedVal.get("what"));
            assertEquals((Double) generatedVal.get("nats_per_predicted_token"), (Double) importedVal.get("nats_per_predicted_token"), 0.05);
        }
        Result mixed = amem("prepare", "qf", "--from-reference", dir.resolve("ref").toString(), "--train-lines", "5", "--out",
                dir.resolve("qf3").toString());
        assertEquals(2, mixed.code);
        Result notQf = amem("data", "export-qf", text.toString(), "--out", dir.resolve("r2").toString());
        assertEquals(2, notQf.code);
        assertTrue(notQf.err.contains("not a Question-Formation store"), notQf.err);
    }
}
