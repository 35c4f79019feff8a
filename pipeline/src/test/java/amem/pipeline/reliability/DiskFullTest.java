package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenStore;
import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up while {@code amem collect} or {@code amem prepare text} writes: simulated with
 * {@code ulimit -f} in the child's shell (a write past the limit fails with EFBIG, "File too large", as a full disk
 * fails with ENOSPC; the JVM ignores SIGXFSZ). The command exits 1 with one line naming what it was writing, leaves
 * nothing half-written behind, and the same command finishes once there is room.
 */
class DiskFullTest {

    @Test
    void collectOnAFullDiskLeavesNothingAndARerunFinishes(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path run = dir.resolve("run");
        TrainingRun.start(TinyQf.config(store, 4).with("model.n_embd", "64").with("model.n_head", "4"), run,
                new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9), Long.MAX_VALUE);
        Path out = dir.resolve("acts");
        String[] args = {"collect", "--run", run.toString(), "--split", "train", "--hooks", "blocks.*.hook_resid_post",
            "--tokens", "4000", "--out", out.toString()}; // 4000 × 64 float32 = 1 MB per hook
        try (AmemProcess amem = AmemProcess.startInShell("ulimit -f 256", args)) {
            assertEquals(1, amem.waitFor(120), amem.stderr());
            checkOneLine(amem.stderr(), "amem collect: error: ", out.getFileName().toString());
        }
        assertFalse(Files.exists(out), "no output that looks complete");
        assertEquals(List.of(), leftovers(dir, ".acts.partial-"), "no partial directory left");
        try (AmemProcess amem = AmemProcess.start(args)) {
            assertEquals(0, amem.waitFor(120), amem.stderr());
        }
        assertEquals(4000, ActivationSet.open(out).hooks().get(0).rows());
    }

    @Test
    void prepareTextOnAFullDiskLeavesNothingAndARerunFinishes(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("corpus.txt");
        Random random = new Random(3);
        String[] words = {"the", "associative", "memory", "of", "a", "transformer", "stores", "patterns", "energy", "layer"};
        StringBuilder text = new StringBuilder();
        while (text.length() < 1_500_000) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? ".\n" : " ");
        }
        Files.writeString(input, text);
        Path out = dir.resolve("store");
        String[] args = {"prepare", "text", input.toString(), "--out", out.toString(), "--threads", "1"};
        try (AmemProcess amem = AmemProcess.startInShell("ulimit -f 128", args)) {
            assertEquals(1, amem.waitFor(120), amem.stderr());
            checkOneLine(amem.stderr(), "amem prepare text: error: ", out.getFileName().toString());
        }
        assertFalse(Files.exists(out), "no store that looks complete");
        assertEquals(List.of(), leftovers(dir, "store.tmp-"), "no temporary store left");
        try (AmemProcess amem = AmemProcess.start(args)) {
            assertEquals(0, amem.waitFor(120), amem.stderr());
        }
        try (TokenStore written = TokenStore.open(out)) {
            assertTrue(written.split("train").tokens() > 200_000, written.toString());
        }
    }

    /** The error is one line, says the disk or file size was the problem and names the output. */
    private static void checkOneLine(String stderr, String prefix, String named) {
        List<String> errors = stderr.lines().filter(l -> l.startsWith("amem ") && l.contains(": error: ")).toList();
        assertEquals(1, errors.size(), stderr);
        String line = errors.get(0);
        assertTrue(line.startsWith(prefix), line);
        assertTrue(line.contains("File too large"), line);
        assertTrue(line.contains(named), line);
        assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
        assertFalse(line.matches(".*\\b(java\\.|IOException|Exception:).*"), "no Java exception name: " + line);
    }

    private static List<String> leftovers(Path dir, String prefix) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        }
    }
}
