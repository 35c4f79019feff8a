package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.sampling.LineSampler;
import amem.datasets.sampling.TiledWindowSampler;
import amem.datasets.store.TokenStore;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import amem.pipeline.train.HeldOutLoss;
import amem.pipeline.weights.Gpt2Weights;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amem eval} on exported GPT-2 weights: the loss it reports is the model's loss on exactly the recorded lines or windows. */
class EvalCommandTest {
    @Test
    void scoresLinesAndWindowsExactlyAsRecorded(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("qf");
        QfStoreBuilder.write(new QfOptions(200, 40, 20, 10, 4), store, false, s -> {}).close();
        Path weights = dir.resolve("gpt2");
        ModelConfig config = ModelConfig.gpt2(68, 40, 1, 2, 16);
        double allLines;
        double tiled;
        try (ModelSession session = ModelSession.create(config, Device.cpu(), 5); TokenStore tokens = TokenStore.open(store)) {
            Gpt2Weights.export(session, weights, false);
            LineSampler lines = new LineSampler(tokens.split("val"), 16, 40, 1, LineSampler.Order.SEQUENTIAL);
            allLines = HeldOutLoss.measure(session, lines, lines.batchesPerEpoch()).natsPerToken();
            TiledWindowSampler windows = new TiledWindowSampler(tokens.split("val"), 16, 40);
            tiled = HeldOutLoss.measure(session, windows, windows.batches()).natsPerToken();
        }

        Path json = dir.resolve("eval.json");
        CliRun r = CliRun.of("eval", "--weights", weights.toString(), "--data", store.toString(), "--json", json.toString(),
                "--csv", dir.resolve("eval.csv").toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        JsonObject out = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(allLines, out.get("nats_per_token").getAsDouble(), 1e-6, "the loaded weights score the val lines as the session did");
        assertEquals(40, out.get("rows").getAsLong(), "every val line");
        assertEquals("all lines", out.get("sampling").getAsString());
        double accuracy = out.get("question_accuracy").getAsDouble();
        int questions;
        try (TokenStore tokens = TokenStore.open(store)) {
            questions = amem.datasets.qf.QfTaskSet.load(tokens, "val").size();
        }
        assertTrue(questions > 0 && accuracy >= 0 && accuracy <= 1, accuracy + " of " + questions);
        assertEquals(Math.round(accuracy * questions), accuracy * questions, 1e-9, "a share of the val questions");
        assertTrue(r.out().startsWith("val of " + store + ": "), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "%.4f nats per predicted token", allLines)), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("eval.csv"));
        assertEquals("data,split,sampling,context,batches,rows,tokens,nats_per_token,perplexity,seed", csv.get(0));

        CliRun some = CliRun.of("eval", "--weights", weights.toString(), "--data", store.toString(), "--tokens", "100",
                "--batch", "2", "--json", json.toString(), "--device", "cpu");
        assertEquals(0, some.code(), some.err());
        out = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        long counted = out.get("tokens").getAsLong();
        assertTrue(counted >= 100 && counted < 100 + 2 * 35, "whole batches of 2 lines reaching 100 tokens: " + counted);

        CliRun windows = CliRun.of("eval", "--weights", weights.toString(), "--data", store.toString(), "--sampling", "windows",
                "--all", "--json", json.toString(), "--device", "cpu");
        assertEquals(0, windows.code(), windows.err());
        out = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(tiled, out.get("nats_per_token").getAsDouble(), 1e-6);
        assertEquals("tiled windows", out.get("sampling").getAsString());

        CliRun both = CliRun.of("eval", "--weights", weights.toString(), "--run", dir.toString(), "--data", store.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("give exactly one model"), both.err());
        CliRun split = CliRun.of("eval", "--weights", weights.toString(), "--data", store.toString(), "--split", "dev");
        assertEquals(2, split.code());
        assertTrue(split.err().contains("has no split 'dev'"), split.err());
    }

    @Test
    void aRunsValidationLossIsWhatTheTrainingLoopRecorded(@TempDir Path dir) throws Exception {
        Path store = amem.pipeline.train.TinyQf.store(dir);
        Path run = dir.resolve("run");
        // every val line in each evaluation (eval_batches 0), evaluation and checkpoint at step 8
        amem.pipeline.config.RunConfig config = amem.pipeline.train.TinyQf.config(store, 8)
                .with("train.eval_batches", "0").with("train.eval_interval", "8").with("train.checkpoint_interval", "8");
        amem.pipeline.train.TrainingRun.start(config, run,
                new amem.pipeline.train.Progress(new java.io.PrintStream(new java.io.ByteArrayOutputStream()), false, 1e9),
                Long.MAX_VALUE);
        double recorded = Double.NaN;
        for (String line : Files.readAllLines(run.resolve("eval.csv"))) {
            String[] f = line.split(",");
            if (f[0].equals("8") && f[1].equals("val")) {
                recorded = Double.parseDouble(f[2]);
            }
        }
        assertTrue(Double.isFinite(recorded), "eval.csv has the step-8 val loss");
        Path json = dir.resolve("run-eval.json");
        // the training batches were 8 lines: the same batches, so the same padding and the same sum
        CliRun r = CliRun.of("eval", "--run", run.toString(), "--batch", "8", "--json", json.toString(), "--device", "cpu");
        assertEquals(0, r.code(), r.err());
        JsonObject out = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(recorded, out.get("nats_per_token").getAsDouble(), 1e-6 * recorded, r.out());
        assertEquals(48, out.get("rows").getAsLong());
    }
}
