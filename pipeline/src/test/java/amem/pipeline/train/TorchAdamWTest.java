package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our AdamW against a hand computation of {@code torch.optim.AdamW}'s update rule, in double precision, with both
 * update kernels (libtorch's fused one and DJL's per-parameter one), and the two kernels against each other.
 */
class TorchAdamWTest {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.95;
    // A large epsilon makes its placement visible: eps added to sqrt(v_hat) (torch) differs from eps added to
    // sqrt(v) (DJL's adamW) by up to 20 % here.
    private static final double EPS = 1e-2;
    private static final double WD = 0.1;

    private static final float[] MATRIX = {0.5f, -0.25f, 1.0f, 0.75f, -1.5f, 0.1f};
    private static final float[] VECTOR = {0.3f, -0.7f, 2.0f};
    private static final float[][] MATRIX_GRADS = {
        {0.02f, -0.01f, 0.05f, 0.0f, -0.03f, 0.01f},
        {0.01f, 0.02f, -0.04f, 0.01f, 0.02f, -0.02f},
        {-0.03f, 0.01f, 0.02f, 0.05f, 0.0f, 0.01f}
    };
    private static final float[][] VECTOR_GRADS = {{0.1f, -0.2f, 0.05f}, {0.0f, 0.1f, -0.1f}, {0.2f, 0.02f, 0.0f}};
    private static final double[] LRS = {1e-2, 5e-3, 2e-2};
    private static final double[] SCALES = {1.0, 0.5, 1.0};

    @ParameterizedTest
    @EnumSource(value = TorchAdamW.Kernel.class, names = {"FUSED", "PER_PARAMETER"})
    void matchesTorchAdamWHandComputation(TorchAdamW.Kernel kernel) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, Parameter> parameters = parameters(manager);
            TorchAdamW optimizer = new TorchAdamW(parameters, manager, settings(kernel));
            assertEquals(kernel == TorchAdamW.Kernel.FUSED, optimizer.fusedKernel());
            assertTrue(optimizer.decays("h.0.mlp.c_fc.weight"));
            assertFalse(optimizer.decays("h.0.mlp.c_fc.bias"));
            for (int t = 0; t < LRS.length; t++) {
                step(optimizer, parameters, manager, t);
            }
            double[] expectedMatrix = torchAdamW(MATRIX, MATRIX_GRADS, WD);
            double[] expectedVector = torchAdamW(VECTOR, VECTOR_GRADS, 0.0);
            assertClose(expectedMatrix, parameters.get("h.0.mlp.c_fc.weight").getArray().toFloatArray());
            assertClose(expectedVector, parameters.get("h.0.mlp.c_fc.bias").getArray().toFloatArray());
            assertEquals(3, optimizer.step());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TorchAdamW.Kernel.class, names = {"FUSED", "PER_PARAMETER"})
    void stateSavedAndRestoredContinuesIdentically(TorchAdamW.Kernel kernel) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, Parameter> first = parameters(manager);
            TorchAdamW a = new TorchAdamW(first, manager, settings(kernel));
            step(a, first, manager, 0);
            step(a, first, manager, 1);
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            a.save(saved);

            LinkedHashMap<String, Parameter> second = parameters(manager);
            for (String name : first.keySet()) {
                first.get(name).getArray().copyTo(second.get(name).getArray());
            }
            TorchAdamW b = new TorchAdamW(second, manager, settings(kernel));
            try (NDManager scratch = manager.newSubManager()) {
                b.load(new ByteArrayInputStream(saved.toByteArray()), scratch);
            }
            assertEquals(2, b.step());
            step(a, first, manager, 2);
            step(b, second, manager, 2);
            for (String name : first.keySet()) {
                assertArrayEquals(first.get(name).getArray().toFloatArray(), second.get(name).getArray().toFloatArray(), name);
            }
        }
    }

    /**
     * The two kernels on the same larger parameters and gradients over 20 steps, with clipping factors below 1 and a
     * realistic epsilon: the parameters agree to float rounding, and both leave the parameters' gradients zeroed.
     */
    @Test
    void fusedAndPerParameterKernelsAgree() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
            manager.getEngine().setRandomSeed(7);
            LinkedHashMap<String, Parameter> fusedParams = new LinkedHashMap<>();
            LinkedHashMap<String, Parameter> plainParams = new LinkedHashMap<>();
            Shape[] shapes = {new Shape(64, 48), new Shape(48), new Shape(3, 16, 5), new Shape(7)};
            for (int i = 0; i < shapes.length; i++) {
                NDArray value = manager.randomNormal(shapes[i]);
                fusedParams.put("p" + i, parameter("p" + i, value.duplicate()));
                plainParams.put("p" + i, parameter("p" + i, value.duplicate()));
            }
            TorchAdamW.Settings common = new TorchAdamW.Settings(0.9, 0.99, 1e-8, 0.1, TorchAdamW.Kernel.FUSED);
            TorchAdamW fused = new TorchAdamW(fusedParams, manager, common);
            TorchAdamW plain = new TorchAdamW(plainParams, manager, new TorchAdamW.Settings(0.9, 0.99, 1e-8, 0.1,
                    TorchAdamW.Kernel.PER_PARAMETER));
            for (int t = 0; t < 20; t++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDList fusedGrads = new NDList();
                    NDList plainGrads = new NDList();
                    for (String name : fusedParams.keySet()) {
                        // real gradients of sum(p^3 * c) through autograd, so releasing them is exercised too
                        fusedGrads.add(gradient(engine, fusedParams.get(name).getArray(), t, scope));
                        plainGrads.add(gradient(engine, plainParams.get(name).getArray(), t, scope));
                    }
                    double scale = t % 3 == 0 ? 0.37 : 1.0;
                    fused.update(1e-2, scale, fusedGrads);
                    plain.update(1e-2, scale, plainGrads);
                }
            }
            for (String name : fusedParams.keySet()) {
                float[] a = fusedParams.get(name).getArray().toFloatArray();
                float[] b = plainParams.get(name).getArray().toFloatArray();
                for (int k = 0; k < a.length; k++) {
                    assertEquals(b[k], a[k], 2e-5 * Math.max(1, Math.abs(b[k])), name + "[" + k + "]");
                }
            }
        }
    }

    /**
     * After an update a parameter has no gradient left (torch's {@code zero_grad(set_to_none=True)}), so the next
     * backward's gradient is that backward's alone, and the parameter array the model holds still carries the
     * updated values.
     */
    @ParameterizedTest
    @EnumSource(TorchAdamW.Kernel.class)
    void theNextBackwardStartsFromNoGradient(TorchAdamW.Kernel kernel) {
        try (NDManager manager = NDManager.newBaseManager()) {
            ai.djl.engine.Engine engine = ai.djl.engine.Engine.getInstance();
            LinkedHashMap<String, Parameter> parameters = parameters(manager);
            NDArray weight = parameters.get("h.0.mlp.c_fc.weight").getArray();
            TorchAdamW optimizer = new TorchAdamW(parameters, manager, settings(kernel));
            for (int t = 0; t < 3; t++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDList grads = new NDList();
                    for (Parameter p : parameters.values()) {
                        grads.add(gradient(engine, p.getArray(), t, scope));
                    }
                    float[] before = weight.toFloatArray();
                    float[] g = grads.get(0).toFloatArray();
                    for (int k = 0; k < before.length; k++) { // d/dp sum(p³)·(t+1)/10, this backward only
                        float fresh = 3 * before[k] * before[k] * (t + 1) / 10f;
                        assertEquals(fresh, g[k], 1e-6 * Math.max(1, Math.abs(fresh)), "step " + t + " [" + k + "]");
                    }
                    optimizer.update(1e-2, 1.0, grads);
                    assertFalse(java.util.Arrays.equals(before, weight.toFloatArray()), "the update did not reach the model's array");
                    assertTrue(weight.hasGradient(), "the parameter no longer requires a gradient");
                }
            }
        }
    }

    /** The gradient of sum(p³)·(t+1)/10 with respect to p, through autograd (so it lands in p's gradient). */
    private static NDArray gradient(ai.djl.engine.Engine engine, NDArray p, int t, NDManager scope) {
        try (ai.djl.training.GradientCollector collector = engine.newGradientCollector()) {
            NDArray loss = p.pow(3).sum().mul((t + 1) / 10f);
            collector.backward(loss);
        }
        NDArray g = p.getGradient();
        g.attach(scope);
        return g;
    }

    private static TorchAdamW.Settings settings(TorchAdamW.Kernel kernel) {
        return new TorchAdamW.Settings(BETA1, BETA2, EPS, WD, kernel);
    }

    private static void step(TorchAdamW optimizer, LinkedHashMap<String, Parameter> parameters, NDManager manager, int t) {
        try (NDManager scope = manager.newSubManager()) {
            NDList gradients = new NDList(
                    scope.create(MATRIX_GRADS[t], new Shape(2, 3)), scope.create(VECTOR_GRADS[t], new Shape(3)));
            optimizer.update(LRS[t], SCALES[t], gradients);
        }
    }

    private static LinkedHashMap<String, Parameter> parameters(NDManager manager) {
        LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
        parameters.put("h.0.mlp.c_fc.weight", parameter("w", manager.create(MATRIX, new Shape(2, 3))));
        parameters.put("h.0.mlp.c_fc.bias", parameter("b", manager.create(VECTOR, new Shape(3))));
        return parameters;
    }

    private static Parameter parameter(String name, NDArray value) {
        Parameter parameter = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        parameter.setArray(value);
        value.setRequiresGradient(true);
        return parameter;
    }

    /** torch.optim.AdamW's single-tensor update, written out in double precision. */
    private static double[] torchAdamW(float[] initial, float[][] grads, double weightDecay) {
        double[] p = new double[initial.length];
        double[] m = new double[initial.length];
        double[] v = new double[initial.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = initial[i];
        }
        for (int t = 1; t <= grads.length; t++) {
            double lr = LRS[t - 1];
            for (int i = 0; i < p.length; i++) {
                double g = grads[t - 1][i] * SCALES[t - 1];
                p[i] *= 1 - lr * weightDecay;
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                double mHat = m[i] / (1 - Math.pow(BETA1, t));
                double vHat = v[i] / (1 - Math.pow(BETA2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + EPS);
            }
        }
        return p;
    }

    private static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-6 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }
}
