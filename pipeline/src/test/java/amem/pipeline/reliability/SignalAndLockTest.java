package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.RunConfig;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.run.RunDirectoryException;
import amem.pipeline.run.RunLock;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C / SIGTERM stop cleanly with a checkpoint; two processes cannot share a run directory. */
class SignalAndLockTest {

    private static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9);
    }

    @Test
    void sigintWritesACheckpointAndSaysHowToResume(@TempDir Path dir) throws Exception {
        Path config = longRunConfig(dir);
        Path run = dir.resolve("run");
        try (AmemProcess amem = AmemProcess.start("train", "--config", config.toString(), "--run", run.toString())) {
            amem.awaitLine(line -> line.contains("step begin 25"), 120);
            amem.signal("INT");
            assertEquals(130, amem.waitFor(60), amem.stderr());
            assertTrue(amem.stdout().contains("continue with: ./amem train --resume " + run), amem.stdout());
            assertTrue(amem.stderr().contains("SIGINT received: finishing this step and writing a checkpoint"), amem.stderr());
        }
        Checkpoints.Checkpoint last = new Checkpoints(run.resolve("checkpoints"), 2).latest(w -> {}).orElseThrow();
        assertTrue(last.step() >= 25, "checkpoint at step " + last.step());
        assertFalse(Files.exists(run.resolve("DONE")));

        // It resumes from exactly there.
        List<String> notes = new ArrayList<>();
        var outcome = TrainingRun.resume(run, List.of(), new Progress(new PrintStream(new ByteArrayOutputStream()) {
            @Override
            public void println(String line) {
                notes.add(line);
            }
        }, false, 1e9), last.step() + 2).outcome();
        assertEquals(last.step() + 2, outcome.step());
        assertTrue(notes.stream().anyMatch(n -> n.contains("resuming " + run + " from step " + last.step())), notes.toString());
    }

    @Test
    void sigtermStopsTheSameWayWithItsOwnExitCode(@TempDir Path dir) throws Exception {
        Path config = longRunConfig(dir);
        Path run = dir.resolve("run");
        String stderr;
        try (AmemProcess amem = AmemProcess.start("train", "--config", config.toString(), "--run", run.toString())) {
            amem.awaitLine(line -> line.contains("step begin 5"), 120);
            amem.signal("TERM");
            assertEquals(143, amem.waitFor(60), amem.stderr());
            stderr = amem.stderr();
        }
        List<String> warnings = new ArrayList<>();
        var last = new Checkpoints(run.resolve("checkpoints"), 2).latest(warnings::add);
        assertTrue(last.isPresent() && last.get().step() >= 5, "checkpoint " + last + ", warnings " + warnings
                + ", stderr:\n" + stderr);
    }

    @Test
    void aSecondProcessCannotUseARunInUse(@TempDir Path dir) throws Exception {
        Path config = longRunConfig(dir);
        Path run = dir.resolve("run");
        try (AmemProcess amem = AmemProcess.start("train", "--config", config.toString(), "--run", run.toString())) {
            amem.awaitLine(line -> line.contains("step begin 3"), 120);
            RunDirectoryException busy = assertThrows(RunDirectoryException.class,
                    () -> TrainingRun.resume(run, List.of(), quiet(), Long.MAX_VALUE));
            assertTrue(busy.getMessage().contains("is in use by another amem process (pid "), busy.getMessage());
            amem.kill();
        }
        // The killed owner's lock is stale: the next process takes it over and says so.
        String content = Files.readString(run.resolve(RunLock.FILE));
        assertTrue(content.startsWith("pid "), content);
        List<String> notes = new ArrayList<>();
        try (RunLock lock = RunLock.acquire(run, notes::add)) {
            assertEquals(1, notes.size());
            assertTrue(notes.get(0).contains("taking over the stale lock"), notes.get(0));
        }
    }

    /** A run long enough to be interrupted (it never finishes within the test). */
    private static Path longRunConfig(Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig config = TinyQf.config(store, 1_000_000)
                .with("train.eval_interval", "100000")
                .with("train.checkpoint_interval", "100000");
        Path file = dir.resolve("long.json");
        Files.writeString(file, config.toPrettyJson());
        return file;
    }
}
