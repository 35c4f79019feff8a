package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.RunConfig;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How training says it ended (issue 13, point 2): the latest training loss and the latest evaluation with its step,
 * or that there was none; and the progress output (point 6): evaluation shown while it runs, ETA from measured steps.
 */
class StopReportTest {

    @Test
    void stopMessageShowsTheLatestLossesWithTheirStepsOrSaysNone(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig config = TinyQf.config(store, 20).with("train.eval_interval", "100");
        Path run = dir.resolve("run");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(log, true, StandardCharsets.UTF_8), false, 0);

        var paused = TrainingRun.start(config, run, progress, 6).outcome();
        assertEquals(0, paused.evalStep());
        List<String> metrics = Files.readAllLines(run.resolve("metrics.csv"));
        String step6Loss = String.format(Locale.ROOT, "%.4f", Double.parseDouble(metrics.get(6).split(",")[3]));
        String[] val0 = Files.readAllLines(run.resolve("eval.csv")).stream().filter(l -> l.startsWith("0,val,"))
                .findFirst().orElseThrow().split(",");
        String summary = StopReport.summary(paused, run);
        assertTrue(summary.contains("paused at step 6; latest training loss " + step6Loss + " (the batch of step 6)"), summary);
        assertTrue(summary.contains("latest evaluation at step 0: train ")
                && summary.contains(String.format(Locale.ROOT, "val %.4f", Double.parseDouble(val0[2]))), summary);

        // resumed and stopped before any evaluation: says so instead of "train loss NaN, val loss NaN"
        var resumed = TrainingRun.resume(run, List.of(), progress, 8).outcome();
        assertEquals(-1, resumed.evalStep());
        String again = StopReport.summary(resumed, run);
        assertTrue(again.contains("no evaluation in this session") && !again.contains("NaN"), again);
        String step8Loss = String.format(Locale.ROOT, "%.4f",
                Double.parseDouble(Files.readAllLines(run.resolve("metrics.csv")).get(8).split(",")[3]));
        assertTrue(again.contains("latest training loss " + step8Loss + " (the batch of step 8)"), again);

        // the step-0 evaluation announced itself before the first step's line
        String text = log.toString(StandardCharsets.UTF_8);
        int evaluating = text.indexOf("step 0: evaluating train, batch 1/3");
        assertTrue(evaluating >= 0 && evaluating < text.indexOf("step 1/20"), text);
    }

    @Test
    void etaComesFromMeasuredStepsLeavingOutTheFirst() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8), false, 0);
        progress.measured(5_000_000_000L); // first step: JIT warm-up
        progress.measured(100_000_000L);
        progress.measured(300_000_000L);
        // 40 s spent elsewhere (set-up, a step-0 evaluation) would have inflated an elapsed-based ETA
        progress.update(3, 603, 0, "loss 1.0", true);
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.contains("ETA 0:02:00"), line); // 600 steps left x 0.2 s (mean of steps 2 and 3)
    }
}
