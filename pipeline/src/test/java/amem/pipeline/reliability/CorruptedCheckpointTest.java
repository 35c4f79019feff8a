package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.RunConfig;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint damaged on disk (one byte of its parameters changed, as a bad sector or a botched copy would): the
 * resume names the damaged checkpoint, continues from the previous good one, and ends exactly where an
 * uninterrupted run ends.
 */
class CorruptedCheckpointTest {

    @Test
    void aDamagedNewestCheckpointFallsBackToThePreviousOneAndSaysWhich(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig config = TinyQf.config(store, 16).with("train.checkpoint_interval", "4");
        Progress quiet = new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9);
        Path reference = dir.resolve("reference");
        TrainingRun.start(config, reference, quiet, Long.MAX_VALUE);
        Path run = dir.resolve("run");
        TrainingRun.start(config, run, quiet, 12); // stops after step 12 with checkpoints 8 and 12

        Path damaged = run.resolve("checkpoints/step-000000012");
        try (RandomAccessFile params = new RandomAccessFile(damaged.resolve("model-0000.params").toFile(), "rw")) {
            params.seek(params.length() / 2);
            int b = params.read();
            params.seek(params.length() / 2);
            params.write(b ^ 0x10);
        }
        try (AmemProcess amem = AmemProcess.start("train", "--resume", run.toString())) {
            assertEquals(0, amem.waitFor(180), amem.stderr());
            String said = amem.stdout() + "\n" + amem.stderr();
            assertTrue(said.contains("checkpoint " + damaged + " is damaged (" + damaged.resolve("model-0000.params")
                    + " has sha256 "), said);
            assertTrue(said.contains("trying an older one"), said);
            assertTrue(said.contains("resuming " + run + " from step 8 (step-000000008)"), said);
        }
        assertEquals(Files.readAllLines(reference.resolve("metrics.csv")).stream().map(l -> l.replaceAll(
                        "^(([^,]*,){5}).*", "$1")).toList(),
                Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> l.replaceAll("^(([^,]*,){5}).*", "$1"))
                        .toList(), "the losses of an uninterrupted run (timing columns aside)");
        assertEquals(Files.readString(reference.resolve("checkpoints/step-000000016/state.json")).replaceAll(
                        "(?s).*\"model-0000.params\": \"([0-9a-f]+)\".*", "$1"),
                Files.readString(run.resolve("checkpoints/step-000000016/state.json")).replaceAll(
                        "(?s).*\"model-0000.params\": \"([0-9a-f]+)\".*", "$1"), "the same final parameters");
    }

    @Test
    void aCheckpointWithANonFiniteLossVerifies(@TempDir Path dir) throws Exception {
        // before the first evaluation the validation loss is NaN: state.json's own checksum must survive that
        com.google.gson.JsonObject state = new com.google.gson.JsonObject();
        state.addProperty("last_val_loss", Double.NaN);
        state.addProperty("last_train_loss", 2.5f);
        state.addProperty("tokens", 1L << 40);
        Path written = new amem.pipeline.run.Checkpoints(dir, 2).save(3, state,
                d -> Files.writeString(d.resolve("payload.bin"), "x"));
        assertEquals(3, amem.pipeline.run.Checkpoints.verify(written).step());
    }
}
