package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.RunConfig;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL at random moments (inside a step, inside an evaluation, inside a
 * checkpoint write) and resumed each time ends with the same parameters and the same loss trajectory as an
 * uninterrupted run, and never leaves a checkpoint that does not verify.
 */
class KillResumeTest {

    private static final long STEPS = 30;

    @Test
    void killedAndResumedRunEqualsUninterruptedRun(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        // Wide enough that a checkpoint (parameters + moments, about 3 MB) takes a few milliseconds to write and
        // checksum, so a kill right after "checkpoint begin" lands inside the write.
        RunConfig config = TinyQf.config(store, STEPS)
                .with("model.n_embd", "128")
                .with("model.n_head", "4")
                .with("model.ffn_width", "512")
                .with("train.checkpoint_interval", "3");
        Path configFile = dir.resolve("config.json");
        Files.writeString(configFile, config.toPrettyJson());

        Path reference = dir.resolve("reference");
        TrainingRun.start(config, reference, new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9),
                Long.MAX_VALUE);

        Path run = dir.resolve("killed");
        String[] phases = {"checkpoint begin", "step begin", "eval begin", "checkpoint begin", "step begin", "checkpoint begin"};
        Random random = new Random(42);
        List<String> report = new ArrayList<>();
        for (int round = 0; round < phases.length; round++) {
            String[] args = round == 0
                    ? new String[] {"train", "--config", configFile.toString(), "--run", run.toString()}
                    : new String[] {"train", "--resume", run.toString()};
            int occurrence = 1 + random.nextInt(3);
            try (AmemProcess amem = AmemProcess.start(args)) {
                String phase = phases[round];
                int[] seen = {0};
                String line = amem.awaitLine(l -> l.contains(phase) && ++seen[0] == occurrence, 120);
                amem.kill();
                boolean midWrite = hasTemporaryCheckpoint(run);
                report.add("killed at \"" + line.replaceAll(".*TrainingLoop - ", "") + "\"" + (midWrite ? " (mid-write)" : ""));
            }
            assertFalse(Files.exists(run.resolve("DONE")));
            for (Path checkpoint : checkpointDirs(run)) {
                Checkpoints.verify(checkpoint); // throws if any file is missing or differs from its checksum
            }
        }
        try (AmemProcess amem = AmemProcess.start("train", "--resume", run.toString())) {
            assertEquals(0, amem.waitFor(180), amem.stderr());
            // A resume restores the optimizer state without DJL's host round trip, whose JNI guard made libtorch print
            // "AutoNonVariableTypeMode is deprecated" on every resume (issue 13).
            assertFalse(amem.stderr().contains("AutoNonVariableTypeMode"), amem.stderr());
        }
        System.out.println("KillResumeTest: " + String.join("; ", report));
        assertTrue(Files.exists(run.resolve("DONE")));

        List<String> expected = Files.readAllLines(reference.resolve("metrics.csv"));
        List<String> actual = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(expected.size(), actual.size());
        for (int i = 1; i < expected.size(); i++) {
            String[] a = expected.get(i).split(",");
            String[] b = actual.get(i).split(",");
            for (int column = 0; column <= 4; column++) { // step, tokens, lr, train_loss, grad_norm
                assertEquals(Double.parseDouble(a[column]), Double.parseDouble(b[column]), 1e-6,
                        "metrics.csv line " + i + " column " + column);
            }
        }
        assertEquals(
                Files.readAllLines(reference.resolve("eval.csv")).stream().map(l -> l.split(",")[2]).toList(),
                Files.readAllLines(run.resolve("eval.csv")).stream().map(l -> l.split(",")[2]).toList());
        assertEquals(parameterChecksum(reference), parameterChecksum(run), "final parameters");
    }

    private static boolean hasTemporaryCheckpoint(Path run) throws Exception {
        Path checkpoints = run.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(checkpoints)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-"));
        }
    }

    private static List<Path> checkpointDirs(Path run) throws Exception {
        Path checkpoints = run.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(checkpoints)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("step-")).toList();
        }
    }

    private static String parameterChecksum(Path run) throws Exception {
        Path state = run.resolve(String.format("checkpoints/step-%09d/state.json", STEPS));
        return JsonParser.parseString(Files.readString(state)).getAsJsonObject()
                .getAsJsonObject("files").get("model-0000.params").getAsString();
    }
}
