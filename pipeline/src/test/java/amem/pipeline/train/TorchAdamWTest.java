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

/** Our AdamW against a hand computation of {@code torch.optim.AdamW}'s update rule, in double precision. */
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

    @Test
    void matchesTorchAdamWHandComputation() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, Parameter> parameters = parameters(manager);
            TorchAdamW optimizer = new TorchAdamW(parameters, manager, new TorchAdamW.Settings(BETA1, BETA2, EPS, WD));
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

    @Test
    void stateSavedAndRestoredContinuesIdentically() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinkedHashMap<String, Parameter> first = parameters(manager);
            TorchAdamW a = new TorchAdamW(first, manager, new TorchAdamW.Settings(BETA1, BETA2, EPS, WD));
            step(a, first, manager, 0);
            step(a, first, manager, 1);
            ByteArrayOutputStream saved = new ByteArrayOutputStream();
            a.save(saved);

            LinkedHashMap<String, Parameter> second = parameters(manager);
            for (String name : first.keySet()) {
                first.get(name).getArray().copyTo(second.get(name).getArray());
            }
            TorchAdamW b = new TorchAdamW(second, manager, new TorchAdamW.Settings(BETA1, BETA2, EPS, WD));
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
