package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.RunConfig;
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

/**
 * fp16 mixed precision on the CPU (slow there, but the arithmetic is the one a GPU runs): it follows the float32
 * run, skips steps whose gradients overflow and halves the loss scale, and resumes bit-identically.
 */
class MixedPrecisionTest {

    /** metrics.csv columns. */
    private static final int LOSS = 3;
    private static final int GRAD_NORM = 4;
    private static final int SCALE = 7;

    private static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9);
    }

    /** The tiny model without dropout, so both precisions see the same computation up to rounding. */
    private static RunConfig config(Path store, long steps, String precision) {
        return TinyQf.config(store, steps)
                .with("model.dropout", "0")
                .with("train.eval_interval", "1000")
                .with("train.checkpoint_interval", "1000")
                .with("train.precision", precision);
    }

    @Test
    void fp16FollowsFp32OverThreeHundredSteps(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        TrainingRun.start(config(store, 300, "fp32"), dir.resolve("fp32"), quiet(), Long.MAX_VALUE);
        TrainingRun.start(config(store, 300, "fp16"), dir.resolve("fp16"), quiet(), Long.MAX_VALUE);
        List<String[]> a = TrainingRunTest.csv(dir.resolve("fp32/metrics.csv"));
        List<String[]> b = TrainingRunTest.csv(dir.resolve("fp16/metrics.csv"));
        assertEquals(300, b.size());
        // the same initial weights (fp16 rounds them): the first losses agree to float16 precision
        assertEquals(value(a, 0, LOSS), value(b, 0, LOSS), 0.01, "step 1 loss");
        double first = mean(a, 0, 20);
        double lastA = mean(a, 250, 300);
        double lastB = mean(b, 250, 300);
        assertTrue(lastA < first - 0.5, "fp32 learns: " + first + " -> " + lastA);
        System.out.printf("fp16 vs fp32, tiny vanilla model: loss steps 1-20 %.4f, steps 251-300 fp32 %.4f fp16 %.4f%n",
                first, lastA, lastB);
        // Tolerance: 2% of the loss over the last 50 steps (measured here: see docs/GPU.md "Precision").
        assertEquals(lastA, lastB, 0.02 * lastA, "mean train loss of steps 251-300, fp32 vs fp16");
        for (String[] row : b) {
            assertEquals(LossScaler.INITIAL_SCALE, Double.parseDouble(row[SCALE]), "no overflow at the default scale");
        }
        assertEquals(1.0, value(a, 0, SCALE), "fp32 rows carry scale 1");
        // the checkpoint is float32 whatever the precision: the final fp16 weights load into a float32 model
        JsonObject state = finalState(dir.resolve("fp16"));
        assertEquals(300, state.get("optimizer_step").getAsLong());
        assertEquals(LossScaler.INITIAL_SCALE, state.get("loss_scale").getAsDouble());
    }

    @Test
    void overflowingStepsAreSkippedAndTheScaleHalved(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        double initial = Math.pow(2, 40); // float16 gradients of a loss scaled by 2^40 overflow
        TrainingRun.start(config(store, 40, "fp16").with("train.loss_scale_init", Double.toString(initial)),
                dir.resolve("run"), quiet(), Long.MAX_VALUE);
        List<String[]> rows = TrainingRunTest.csv(dir.resolve("run/metrics.csv"));
        int skipped = 0;
        while (!Double.isFinite(value(rows, skipped, GRAD_NORM))) {
            skipped++;
        }
        assertTrue(skipped >= 10 && skipped < 40, "steps skipped at the start: " + skipped);
        System.out.printf("overflow: the first %d steps skipped, scale 2^40 -> 2^%d%n", skipped, 40 - skipped);
        // Every row: a non-finite gradient halves the scale, a finite one keeps it (growth needs 2000 good steps).
        double scale = initial;
        int updates = 0;
        int sinceSkip = 0;
        for (int i = 0; i < rows.size(); i++) {
            boolean finite = Double.isFinite(value(rows, i, GRAD_NORM));
            scale = finite ? scale : scale / 2;
            updates += finite ? 1 : 0;
            sinceSkip = finite ? sinceSkip + 1 : 0;
            assertTrue(Double.isFinite(value(rows, i, LOSS)), "the loss itself stays finite, step " + (i + 1));
            assertEquals(scale, value(rows, i, SCALE), scale * 1e-6, "scale after step " + (i + 1)); // 7 digits in the csv
        }
        JsonObject state = finalState(dir.resolve("run"));
        assertEquals(updates, state.get("optimizer_step").getAsLong(), "skipped steps do not update");
        assertEquals(sinceSkip, state.get("loss_scale_good_steps").getAsInt());
        assertEquals(scale, state.get("loss_scale").getAsDouble());
        // the skipped steps left the weights alone: the loss of the first good step is an untrained model's
        assertEquals(value(rows, 0, LOSS), value(rows, skipped, LOSS), 0.15, "loss before any update");
    }

    @Test
    void resumedFp16RunIsBitIdentical(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig config = TinyQf.config(store, 12).with("train.precision", "fp16")
                .with("train.loss_scale_init", Double.toString(Math.pow(2, 20))); // a few skips, then training
        Path straight = dir.resolve("straight");
        Path interrupted = dir.resolve("interrupted");
        TrainingRun.start(config, straight, quiet(), Long.MAX_VALUE);
        TrainingRun.start(config, interrupted, quiet(), 8);
        TrainingRun.resume(interrupted, List.of(), quiet(), Long.MAX_VALUE);
        List<String[]> a = TrainingRunTest.csv(straight.resolve("metrics.csv"));
        List<String[]> b = TrainingRunTest.csv(interrupted.resolve("metrics.csv"));
        assertEquals(12, b.size());
        for (int i = 0; i < a.size(); i++) {
            for (int column : new int[] {0, 1, 2, LOSS, GRAD_NORM, SCALE}) {
                assertEquals(a.get(i)[column], b.get(i)[column], "metrics row " + (i + 1) + " column " + column);
            }
        }
        Path last = Path.of("checkpoints", "step-000000012");
        assertArrayEquals(Files.readAllBytes(straight.resolve(last).resolve("model-0000.params")),
                Files.readAllBytes(interrupted.resolve(last).resolve("model-0000.params")), "final weights");
        assertEquals(finalState(straight).get("loss_scale").getAsDouble(),
                finalState(interrupted).get("loss_scale").getAsDouble());
    }

    private static JsonObject finalState(Path run) throws Exception {
        try (Stream<Path> dirs = Files.list(run.resolve("checkpoints"))) {
            Path last = dirs.filter(Files::isDirectory).sorted().reduce((x, y) -> y).orElseThrow();
            return JsonParser.parseString(Files.readString(last.resolve("state.json"))).getAsJsonObject();
        }
    }

    private static double value(List<String[]> rows, int row, int column) {
        return Double.parseDouble(rows.get(row)[column]);
    }

    private static double mean(List<String[]> rows, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += value(rows, i, LOSS);
        }
        return sum / (to - from);
    }
}
