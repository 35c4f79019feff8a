package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import amem.models.LossPath;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fused loss inside the real training loop: a run with {@code train.fused_loss=on} follows the unfused run of
 * the same seed (losses and gradient norms per step, evaluation losses) to float rounding, and resumes bit for bit
 * like the unfused one ({@code TrainingRunTest}). Tiny vanilla model on a tiny Question-Formation store, with
 * dropout and gradient accumulation, 6 steps.
 */
class FusedLossTrainingTest {

    @Test
    void fusedRunFollowsTheUnfusedOneAndResumesExactly(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig base = TinyQf.config(store, 6).with("train.loss_chunk_rows", "7");
        Path unfused = dir.resolve("unfused");
        Path fused = dir.resolve("fused");
        Path resumed = dir.resolve("resumed");
        TrainingRun.start(base.with("train.fused_loss", "off"), unfused, quiet(), Long.MAX_VALUE);
        TrainingRun.start(base.with("train.fused_loss", "on"), fused, quiet(), Long.MAX_VALUE);
        TrainingRun.start(base.with("train.fused_loss", "on"), resumed, quiet(), 4);
        TrainingRun.resume(resumed, List.of(), quiet(), Long.MAX_VALUE);

        List<String> a = rows(unfused.resolve("metrics.csv"));
        List<String> b = rows(fused.resolve("metrics.csv"));
        assertEquals(6, a.size());
        for (int i = 0; i < a.size(); i++) {
            String[] x = a.get(i).split(",");
            String[] y = b.get(i).split(",");
            for (int column = 3; column <= 4; column++) { // train_loss, grad_norm
                double expected = Double.parseDouble(x[column]);
                assertEquals(expected, Double.parseDouble(y[column]), 1e-4 * Math.abs(expected),
                        "step " + (i + 1) + " column " + column);
            }
        }
        List<String> evalA = rows(unfused.resolve("eval.csv"));
        List<String> evalB = rows(fused.resolve("eval.csv"));
        assertEquals(evalA.size(), evalB.size());
        for (int i = 0; i < evalA.size(); i++) {
            String[] x = evalA.get(i).split(",", -1);
            String[] y = evalB.get(i).split(",", -1);
            if (!x[2].isEmpty()) { // loss rows (task accuracy rows have no loss)
                assertEquals(Double.parseDouble(x[2]), Double.parseDouble(y[2]), 1e-4 * Double.parseDouble(x[2]),
                        "eval row " + i);
            }
        }
        // Resume on the fused path: the same rows as the uninterrupted fused run, bit for bit.
        assertEquals(b.stream().map(FusedLossTrainingTest::withoutTiming).toList(),
                rows(resumed.resolve("metrics.csv")).stream().map(FusedLossTrainingTest::withoutTiming).toList());
        assertEquals(rows(fused.resolve("eval.csv")), rows(resumed.resolve("eval.csv")));
    }

    @Test
    void settingsChooseThePath() {
        RunConfig config = RunConfig.defaults().with("data.dir", "x");
        // auto: fused for GPT-2's vocabulary (on a CPU and a GPU alike), unfused for small ones
        assertEquals(LossPath.fused(0), TrainSettings.from(config).lossPath(50257, Precision.FP32));
        assertEquals(LossPath.UNFUSED, TrainSettings.from(config).lossPath(68, Precision.FP32));
        assertEquals(LossPath.fused(32), TrainSettings.from(config.with("train.fused_loss", "on")
                .with("train.loss_chunk_rows", "32")).lossPath(68, Precision.FP32));
        assertEquals(LossPath.UNFUSED, TrainSettings.from(config.with("train.fused_loss", "off")).lossPath(50257, Precision.FP32));
        // Mixed precision keeps the unfused path (float32 log-probabilities); asking for both is refused up front.
        assertEquals(LossPath.UNFUSED, TrainSettings.from(config).lossPath(50257, Precision.FP16));
        assertThrows(ConfigException.class, () -> TrainSettings.from(config.with("train.fused_loss", "on")
                .with("train.precision", "fp16")));
        assertThrows(ConfigException.class, () -> TrainSettings.from(config.with("train.fused_loss", "yes")));
        assertThrows(ConfigException.class, () -> TrainSettings.from(config.with("train.loss_chunk_rows", "-1")));
    }

    /** A metrics row without its wall-clock columns (ms_per_step, tokens_per_s). */
    private static String withoutTiming(String row) {
        String[] x = row.split(",");
        return String.join(",", java.util.Arrays.copyOf(x, 5));
    }

    private static List<String> rows(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file);
        return lines.subList(1, lines.size());
    }

    private static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9);
    }
}
