package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.index.NDIndex;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.session.ModelSession;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingFault;
import amem.pipeline.session.TrainingObserver;
import amem.pipeline.train.TrainingRun;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numerical faults stop the run without damage and can be resumed past; a full disk is reported, not hidden. */
class FaultAndDiskTest {

    private static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9);
    }

    @Test
    void nonFiniteLossStopsBeforeTheUpdateAndResumeCanSkipTheBatch(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig config = TinyQf.config(store, 12).with("train.checkpoint_interval", "2");
        Path run = dir.resolve("run");
        // Simulates a blow-up: a NaN in the output layer before step 7, so step 7's loss is NaN.
        TrainingObserver poison = new TrainingObserver() {
            @Override
            public void beforeStep(long step, ModelSession model) {
                if (step == 7) {
                    model.parameters().get("lm_head.bias").getArray().set(new NDIndex("0"), Float.NaN);
                }
            }
        };
        TrainingFault fault = assertThrows(TrainingFault.class, () -> TrainingRun.start(config, run, quiet(),
                TrainingRun.Options.defaults().observers(List.of(poison))));
        String message = fault.getMessage();
        assertTrue(message.startsWith("step 7: the loss is NaN (last finite training loss "), message);
        assertTrue(message.contains("largest gradients: "), message);
        assertTrue(message.contains("--set train.lr=<smaller>") && message.contains("--skip-bad-batch"), message);
        assertFalse(Files.exists(run.resolve("DONE")));
        Checkpoints.Checkpoint kept = new Checkpoints(run.resolve("checkpoints"), 2).latest(w -> {}).orElseThrow();
        assertEquals(6, kept.step(), "the last good checkpoint is kept");
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals("6", metrics.get(metrics.size() - 1).split(",")[0], "no row for the failed step");

        JsonObject recorded = JsonParser.parseString(Files.readString(run.resolve("FAULT.json"))).getAsJsonObject();
        assertEquals(7, recorded.get("step").getAsLong());
        assertEquals(12, recorded.get("sampler_batch_start").getAsLong()); // step 7 = micro-batches 12, 13
        assertEquals(2, recorded.get("sampler_batch_count").getAsLong());

        var outcome = TrainingRun.resume(run, List.of("train.lr=1e-3"), quiet(),
                TrainingRun.Options.defaults().skipBadBatch(true)).outcome();
        assertTrue(outcome.finished());
        assertFalse(Files.exists(run.resolve("FAULT.json")));
        JsonObject info = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        JsonObject skipped = info.getAsJsonArray("skipped_batches").get(0).getAsJsonObject();
        assertEquals(12, skipped.get("start").getAsLong());
        assertEquals(2, skipped.get("count").getAsLong());
        assertEquals(1e-3, info.getAsJsonObject("config").getAsJsonObject("train").get("lr").getAsDouble());

        assertThrows(amem.pipeline.config.ConfigException.class, () -> TrainingRun.resume(run,
                List.of("train.steps=14"), quiet(), TrainingRun.Options.defaults().skipBadBatch(true)),
                "--skip-bad-batch without a recorded fault is refused");
    }

    @Test
    void aFullDiskIsReportedAndLeavesNoHalfWrittenCheckpoint(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig config = TinyQf.config(store, 12)
                .with("model.n_embd", "128").with("model.n_head", "4").with("model.ffn_width", "512")
                .with("train.checkpoint_interval", "4");
        Path file = dir.resolve("c.json");
        Files.writeString(file, config.toPrettyJson());
        Path run = dir.resolve("run");
        // ulimit -f 512: no file may grow beyond 512 KiB; the parameters of this model take about 0.9 MB.
        try (AmemProcess amem = AmemProcess.startInShell("ulimit -f 512", "train", "--config", file.toString(),
                "--run", run.toString())) {
            assertEquals(1, amem.waitFor(120), amem.stderr());
            String err = amem.stderr();
            assertTrue(err.contains("cannot write the checkpoint of step 4"), err);
            assertTrue(err.contains("File too large"), err);
            assertTrue(err.contains("amem train --resume " + run), err);
        }
        assertFalse(Files.exists(run.resolve("DONE")));
        try (Stream<Path> entries = Files.list(run.resolve("checkpoints"))) {
            assertEquals(List.of(), entries.toList(), "neither a checkpoint nor a temporary one is left");
        }
    }
}
