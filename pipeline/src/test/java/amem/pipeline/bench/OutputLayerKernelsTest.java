package amem.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Where the nanoGPT peer shape's step goes, kernel by kernel: the three products of the output layer (12 × 64
 * positions, n 128, V 50,257) and its log-softmax, timed in the engine amem runs on. scripts/perf-issue17.sh times the
 * same operations in the Python torch nanoGPT uses, so the two libtorch builds can be compared product by product.
 * Not part of the default test run (a measurement, not a check); run it with
 * {@code mvn -B -o -pl pipeline -am test -Dtest=OutputLayerKernelsTest -Damem.kernels=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("scale")
@EnabledIfSystemProperty(named = "amem.kernels", matches = "true")
class OutputLayerKernelsTest {

    private static final int ROWS = 12 * 64;
    private static final int WIDTH = 128;
    private static final int VOCAB = 50257;

    @Test
    void peerShapeOutputLayer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray h = manager.randomNormal(new Shape(ROWS, WIDTH));
            NDArray w = manager.randomNormal(new Shape(VOCAB, WIDTH));
            NDArray g = manager.randomNormal(new Shape(ROWS, VOCAB));
            double productFlops = 2.0 * ROWS * WIDTH * VOCAB;
            double logits = medianMs(manager, s -> h.matMul(w.transpose()));
            double hidden = medianMs(manager, s -> g.matMul(w));
            double weight = medianMs(manager, s -> g.transpose().matMul(h));
            double logSoftmax = medianMs(manager, s -> g.logSoftmax(1));
            NDArray check = h.matMul(w.transpose());
            assertEquals(new Shape(ROWS, VOCAB), check.getShape());
            System.out.printf(Locale.ROOT, "KERNELS logits h·Wᵀ %.1f ms (%.0f GFLOP/s), dH = G·W %.1f ms (%.0f GFLOP/s), "
                    + "dW = Gᵀ·h %.1f ms (%.0f GFLOP/s), log_softmax %.1f ms; medians of 11%n",
                    logits, productFlops / logits / 1e6, hidden, productFlops / hidden / 1e6, weight,
                    productFlops / weight / 1e6, logSoftmax);
        }
    }

    /** Median wall time of 11 runs after 2 untimed ones, each result read back so the work is done. */
    private static double medianMs(NDManager manager, Function<NDManager, NDArray> op) {
        double[] times = new double[11];
        for (int i = -2; i < times.length; i++) {
            try (NDManager scope = manager.newSubManager()) {
                long start = System.nanoTime();
                NDArray result = op.apply(scope);
                result.attach(scope);
                result.get(0).toFloatArray(); // waits for the result
                if (i >= 0) {
                    times[i] = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
