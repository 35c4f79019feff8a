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
 */
public final class MatmulPeak {

    /** Measured rate at one size. */
    public record Point(int size, double gflops) {}

    private MatmulPeak() {}

    /** Best float32 GFLOP/s over the sizes, each timed {@code repeats} times after one warm-up product. */
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
                for (int r = 0; r < repeats; r++) {
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
