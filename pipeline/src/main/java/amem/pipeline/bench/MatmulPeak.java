package amem.pipeline.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The engine's own float32 matrix-multiply throughput on a device: the denominator of model-FLOPs utilisation.
 * Square products of a few sizes, repeated, the best rate kept (small sizes do not saturate the cores; large ones
 * are what the models' big projections look like).
 *
 * <p>Each size is timed for at least {@link #MIN_SECONDS_PER_SIZE}, not only a fixed count of products. Why: on a
 * shared host the rate of a whole 0.5 s window varied from 124 to 211 GFLOP/s while the best product of every
 * window stayed within 214–226 (2026-12-06, 512 × 512 on the 2-core development VM); five products of about
 * 1.2 ms each could all fall into a slow window, and once gave a "peak" of 66 GFLOP/s that put the MFU of the
 * training steps after it above 100 %.
 */
public final class MatmulPeak {

    /** Measured rate at one size. */
    public record Point(int size, double gflops) {}

    /** Wall time each size is timed for, at least. */
    static final double MIN_SECONDS_PER_SIZE = 0.5;

    private MatmulPeak() {}

    /** Best float32 GFLOP/s over the sizes, each timed at least {@code repeats} times after one warm-up product. */
    public static Point measure(Device device, int[] sizes, int repeats) {
        return measure(device, sizes, repeats, DataType.FLOAT32);
    }

    /**
     * The same for products of {@code type} (float16 for fp16; float32 products run in TF32 on CUDA when this
     * process started with TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1).
     */
    public static Point measure(Device device, int[] sizes, int repeats, DataType type) {
        Point best = new Point(0, 0);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            for (int size : sizes) {
                NDArray a = manager.randomUniform(-1, 1, new Shape(size, size), DataType.FLOAT32).toType(type, false);
                NDArray b = manager.randomUniform(-1, 1, new Shape(size, size), DataType.FLOAT32).toType(type, false);
                a.matMul(b).toType(DataType.FLOAT32, false).toFloatArray(); // warm-up, and a host sync
                double bestSeconds = Double.MAX_VALUE;
                long until = System.nanoTime() + (long) (MIN_SECONDS_PER_SIZE * 1e9);
                for (int r = 0; r < repeats || System.nanoTime() < until; r++) {
                    try (NDManager scope = manager.newSubManager()) {
                        long start = System.nanoTime();
                        NDArray c = a.matMul(b);
                        c.attach(scope);
                        c.get(0, 0).toType(DataType.FLOAT32, false).getFloat(); // forces completion on asynchronous devices
                        bestSeconds = Math.min(bestSeconds, (System.nanoTime() - start) / 1e9);
                    }
                }
                double gflops = 2.0 * size * size * (double) size / bestSeconds / 1e9;
                if (gflops > best.gflops()) {
                    best = new Point(size, gflops);
                }
            }
        }
        return best;
    }
}
