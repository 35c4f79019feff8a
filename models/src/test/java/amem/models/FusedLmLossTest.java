package amem.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused, chunked output layer and loss against the unfused path (logits, then {@link LmLoss}): the same loss
 * and the same gradient for every parameter after a full backward, with tied (GPT-2) and untied biased (vanilla)
 * output layers, masked positions and chunk sizes that do and do not divide B·T; and its own gradients against
 * finite differences. Tolerances: float64 runs agree to 1e-12 relative (only the summation order differs);
 * float32 runs to 2e-5 relative plus 1e-7 absolute.
 */
class FusedLmLossTest {

    private static final int[][] TOKENS = {{1, 4, 2, 9, 4, 0, 7}, {3, 3, 7, 2, 8, 5, 1}};
    private static final int[][] TARGETS = {{4, 2, 9, 4, 0, 1, 10}, {3, 7, 2, 8, 5, 6, 1}};
    private static final float[][] MASK = {{1, 1, 1, 1, 1, 0, 0}, {0, 1, 1, 1, 1, 1, 1}};

    @Test
    void gpt2TiedLossAndEveryGradientMatchUnfusedInFloat64() {
        for (int rows : new int[] {1, 3, 5, 14, 100}) {
            compare(Fixtures.tinyGpt2(), DataType.FLOAT64, MASK, rows, 1e-12, 1e-14);
            compare(Fixtures.tinyGpt2(), DataType.FLOAT64, null, rows, 1e-12, 1e-14);
        }
    }

    @Test
    void vanillaUntiedWithBiasMatchesUnfusedInFloat64() {
        for (int rows : new int[] {2, 5, 14}) {
            compare(Fixtures.tinyVanilla(), DataType.FLOAT64, MASK, rows, 1e-12, 1e-14);
            compare(Fixtures.tinyVanilla(), DataType.FLOAT64, null, rows, 1e-12, 1e-14);
        }
    }

    @Test
    void float32WithALargerVocabularyMatchesUnfused() {
        ModelConfig wide = ModelConfig.gpt2(300, 8, 2, 2, 16);
        compare(wide, DataType.FLOAT32, MASK, 4, 2e-5, 1e-7);
        compare(wide, DataType.FLOAT32, null, 6, 2e-5, 1e-7);
        compare(ModelConfig.vanilla(300, 8, 1, 2, 16, 24, 0f), DataType.FLOAT32, MASK, 5, 2e-5, 1e-7);
    }

    /** The fused loss alone, on random arrays, in float64: value by hand and gradients by central differences. */
    @Test
    void gradientsMatchFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(3);
            int v = 9;
            int n = 4;
            NDArray hidden = m.create(gaussian(r, 2 * 3 * n), new Shape(2, 3, n));
            NDArray weight = m.create(gaussian(r, v * n), new Shape(v, n));
            NDArray bias = m.create(gaussian(r, v), new Shape(v));
            NDArray targets = m.create(new long[][] {{0, 8, 3}, {3, 3, 5}});
            NDArray mask = m.create(new double[][] {{1, 0, 1}, {1, 1, 0.5}});
            for (NDArray a : new NDArray[] {hidden, weight, bias}) {
                a.setRequiresGradient(true);
            }
            try (NDManager step = m.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = FusedLmLoss.crossEntropy(new OutputLayerInput(hidden, weight, bias),
                        targets, mask, 2, true);
                assertEquals(byHand(hidden, weight, bias, targets, mask), loss.getDouble(), 1e-12);
                collector.backward(loss);
            }
            double h = 1e-6;
            for (NDArray a : new NDArray[] {hidden, weight, bias}) {
                double[] analytic = a.getGradient().toDoubleArray();
                for (int i = 0; i < analytic.length; i++) {
                    double plus = perturbed(a, i, h, hidden, weight, bias, targets, mask);
                    double minus = perturbed(a, i, -h, hidden, weight, bias, targets, mask);
                    assertEquals((plus - minus) / (2 * h), analytic[i], 1e-8, "entry " + i);
                }
            }
        }
    }

    /**
     * A target whose probability is 0 in float32 (its logit 150 below the largest: e^-150) still gets its exact
     * loss, which the softmax alone would make infinite: float32 against the same computation by hand in double.
     */
    @Test
    void aTargetTooImprobableForFloat32GetsItsExactLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hidden = m.create(new float[] {1, 0, 0, 1, 0.5f, 0.5f}, new Shape(1, 3, 2));
            NDArray weight = m.create(new float[] {100, 0, -50, 0, 0, 1, 0, 2, 0, 3}, new Shape(5, 2));
            NDArray bias = m.zeros(new Shape(5));
            NDArray targets = m.create(new long[][] {{1, 4, 1}});
            NDArray mask = m.ones(new Shape(1, 3));
            hidden.setRequiresGradient(true);
            weight.setRequiresGradient(true);
            double expected = byHand(hidden.toType(DataType.FLOAT64, false), weight.toType(DataType.FLOAT64, false),
                    bias.toType(DataType.FLOAT64, false), targets, mask.toType(DataType.FLOAT64, false));
            assertTrue(expected > 50, "the first target's loss is about 150: " + expected);
            try (NDManager step = m.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = FusedLmLoss.crossEntropy(new OutputLayerInput(hidden, weight, null), targets, mask,
                        2, true);
                assertEquals(expected, loss.getFloat(), 1e-5 * expected);
                collector.backward(loss);
            }
            assertTrue(Float.isFinite(hidden.getGradient().sum().getFloat()), "finite hidden-state gradients");
        }
    }

    /** Evaluation mode (no gradient work) returns the same value and leaves no arrays with the parameters. */
    @Test
    void evaluationValueMatchesAndNothingLeaksIntoTheParameterManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(Fixtures.tinyVanilla(), m, 5, DataType.FLOAT32);
            ParameterStore ps = new ParameterStore(m, false);
            float unfused;
            try (NDManager step = m.newSubManager()) { // the first forward caches the mask and sinusoids
                unfused = model.loss(ps, step.create(TOKENS), step.create(TARGETS), step.create(MASK), false,
                        LossPath.UNFUSED).getFloat();
            }
            int before = m.getManagedArrays().size();
            try (NDManager step = m.newSubManager()) {
                float fused = model.loss(ps, step.create(TOKENS), step.create(TARGETS), step.create(MASK), false,
                        LossPath.fused(3)).getFloat();
                assertEquals(unfused, fused, 1e-6);
            }
            try (NDManager step = m.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(model.loss(ps, step.create(TOKENS), step.create(TARGETS), step.create(MASK),
                        true, LossPath.fused(0)));
            }
            assertEquals(before, m.getManagedArrays().size(), "per-step arrays left in the parameters' manager");
        }
    }

    @Test
    void rejectsBadShapesAndChunks() {
        try (NDManager m = NDManager.newBaseManager()) {
            OutputLayerInput in = new OutputLayerInput(m.zeros(new Shape(2, 3, 4)), m.zeros(new Shape(5, 4)), null);
            assertThrows(IllegalArgumentException.class,
                    () -> FusedLmLoss.crossEntropy(in, m.zeros(new Shape(2, 4)), null, 2, false));
            assertThrows(IllegalArgumentException.class,
                    () -> FusedLmLoss.crossEntropy(in, m.zeros(new Shape(2, 3)), null, 0, false));
            assertEquals(667, FusedLmLoss.defaultRowsPerChunk(50257, true));
            assertEquals(1335, FusedLmLoss.defaultRowsPerChunk(50257, false)); // the peer shape's 768 in one chunk
            assertEquals(LossPath.fused(0), LossPath.automatic(50257));
            assertEquals(LossPath.UNFUSED, LossPath.automatic(120));
        }
    }

    /** Runs both paths on the same freshly initialised model and compares the loss and all gradients. */
    private static void compare(ModelConfig c, DataType type, float[][] mask, int rowsPerChunk, double relative,
            double absolute) {
        Map<String, double[]> unfused = new LinkedHashMap<>();
        Map<String, double[]> fused = new LinkedHashMap<>();
        double unfusedLoss = run(c, type, mask, 0, unfused);
        double fusedLoss = run(c, type, mask, rowsPerChunk, fused);
        String what = c.architecture().key() + " " + type + " rows " + rowsPerChunk + (mask == null ? "" : " masked");
        assertEquals(unfusedLoss, fusedLoss, relative * Math.abs(unfusedLoss), what + " loss");
        assertEquals(unfused.keySet(), fused.keySet());
        for (String name : unfused.keySet()) {
            double[] a = unfused.get(name);
            double[] b = fused.get(name);
            double scale = 0;
            for (double x : a) {
                scale = Math.max(scale, Math.abs(x));
            }
            assertTrue(scale > 0, what + ": " + name + " has no gradient");
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], relative * scale + absolute, what + ": " + name + "[" + i + "]");
            }
        }
    }

    /** One forward and backward; rowsPerChunk 0 means unfused. Returns the loss, fills the gradients. */
    private static double run(ModelConfig c, DataType type, float[][] mask, int rowsPerChunk,
            Map<String, double[]> gradients) {
        try (NDManager m = NDManager.newBaseManager()) {
            LanguageModel model = Fixtures.init(c, m, 5, type);
            ParameterStore ps = new ParameterStore(m, false);
            double loss;
            try (NDManager step = m.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray tokens = step.create(TOKENS);
                NDArray targets = step.create(TARGETS);
                NDArray weights = mask == null ? null : step.create(mask);
                NDArray value = rowsPerChunk == 0
                        ? LmLoss.crossEntropy(model.logits(ps, tokens, true), targets, weights)
                        : FusedLmLoss.crossEntropy(model.outputLayerInput(ps, tokens, true), targets, weights,
                                rowsPerChunk, true);
                loss = value.toType(DataType.FLOAT64, false).getDouble();
                collector.backward(value);
            }
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                try (NDArray g = e.getValue().getArray().getGradient()) {
                    gradients.put(e.getKey(), g.toType(DataType.FLOAT64, false).toDoubleArray());
                }
            }
            return loss;
        }
    }

    /** sum_i m_i (logsumexp(l_i) - l_i[t_i]) / sum m, with l = h W^T + b, in plain Java. */
    private static double byHand(NDArray hidden, NDArray weight, NDArray bias, NDArray targets, NDArray mask) {
        double[] h = hidden.toDoubleArray();
        double[] w = weight.toDoubleArray();
        double[] b = bias.toDoubleArray();
        long[] t = targets.toLongArray();
        double[] m = mask.toDoubleArray();
        int v = b.length;
        int n = (int) weight.getShape().get(1);
        double total = 0;
        double weightSum = 0;
        for (int i = 0; i < t.length; i++) {
            double[] logits = new double[v];
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < v; k++) {
                double s = b[k];
                for (int j = 0; j < n; j++) {
                    s += h[i * n + j] * w[k * n + j];
                }
                logits[k] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            total += m[i] * (max + Math.log(sum) - logits[(int) t[i]]);
            weightSum += m[i];
        }
        return total / weightSum;
    }

    private static double perturbed(NDArray a, int i, double delta, NDArray hidden, NDArray weight, NDArray bias,
            NDArray targets, NDArray mask) {
        try (NDManager step = a.getManager().newSubManager()) {
            double[] bump = new double[Math.toIntExact(a.size())];
            bump[i] = delta;
            NDArray d = step.create(bump, a.getShape());
            a.addi(d);
            double value = byHand(hidden, weight, bias, targets, mask);
            double fused = FusedLmLoss.crossEntropy(new OutputLayerInput(hidden, weight, bias), targets, mask, 4,
                    false).getDouble();
            assertEquals(value, fused, 1e-12);
            a.subi(d);
            return fused;
        }
    }

    private static double[] gaussian(Random r, int count) {
        double[] x = new double[count];
        for (int i = 0; i < count; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }
}
