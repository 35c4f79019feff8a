package amem.models;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Forward-pass timing of the qf-vanilla-tiny shape and a small GPT-2, for the "a hook point costs nothing
 * without a recorder" claim (docs/DESIGN-NOTES.md). Skipped unless {@code -Damem.bench=true}: timings on a
 * shared machine are not assertions. {@code -Damem.bench.reps=N} sets the forwards per median, {@code
 * -Damem.bench.only=TEXT} keeps the shapes whose name contains TEXT.
 */
class ForwardTimingBench {

    @Test
    void medianForwardTimes() {
        assumeTrue(Boolean.getBoolean("amem.bench"), "set -Damem.bench=true to run");
        int reps = Integer.getInteger("amem.bench.reps", 200);
        report("qf-vanilla-tiny B32 T40", ModelConfig.vanilla(68, 64, 2, 4, 256, 1024, 0.1f), 32, 40, reps);
        report("gpt2 L4 n128 V512 B12 T64", ModelConfig.gpt2(512, 64, 4, 4, 128), 12, 64, reps);
        // So small that the forward is all per-op overhead: where a costly hook check would show most.
        report("vanilla L2 n16 B4 T8", ModelConfig.vanilla(68, 8, 2, 2, 16, 32, 0.1f), 4, 8, reps);
    }

    private static void report(String name, ModelConfig c, int batch, int time, int reps) {
        String only = System.getProperty("amem.bench.only", ""); // e.g. "n16": only the shapes whose name contains it
        if (!name.contains(only)) {
            return;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 1, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            int[][] ids = Fixtures.randomTokens(3, batch, time, c.vocabSize());
            for (boolean training : new boolean[] {false, true}) {
                double[] ms = new double[reps];
                for (int i = -30; i < reps; i++) {
                    try (NDManager step = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        model.logits(ps, Fixtures.tokens(step, ids), training).toFloatArray();
                        if (i >= 0) {
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                }
                Arrays.sort(ms);
                System.out.printf(Locale.ROOT, "BENCH %s training=%s: median %.3f ms, p10 %.3f, p90 %.3f (%d forwards)%n",
                        name, training, ms[reps / 2], ms[reps / 10], ms[reps * 9 / 10], reps);
            }
        }
    }
}
