package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Training-mode dropout of a float32 CPU array with its mask drawn in Java: {@code x · m}, where each entry of
 * {@code m} is 0 with probability p and {@code 1 / (1 − p)} otherwise, as {@code torch.nn.functional.dropout}.
 *
 * <p>Why: libtorch draws a CPU dropout mask with {@code bernoulli_}, which uses MKL's vectorised generator only
 * where cpuinfo reports an Intel CPU. Everywhere else it takes one double-precision Mersenne-twister draw per
 * element, on one thread: 8 ns per element on the development machine's AMD EPYC (2026-12-06, 660 µs for one
 * (8, 20, 512) activation against 250–280 µs here, the seed draw and the multiplication included), which was
 * about 15 % of a {@code qf-vanilla} step at 8 lines.
 *
 * <p>How: one 64-bit seed is drawn from libtorch's generator per call, so {@code Engine.setRandomSeed} still fixes
 * every mask (a resumed run draws the same ones as an uninterrupted run). SplitMix64 ({@link SplittableRandom})
 * seeded with it gives two 32-bit uniforms per 64-bit draw; an entry is dropped when its uniform is below
 * {@code round(p · 2^32)}, so the drop probability is p to within 2^-33. The mask is written into a tensor that
 * libtorch allocated (never a Java buffer: autograd keeps the mask for the backward pass, see {@link Scalars}), and
 * multiplied in; the backward is then {@code grad · m}, torch's own. GPU arrays, other types and Intel CPUs (where
 * libtorch's mask is MKL's, vectorised and threaded) keep libtorch's dropout ({@link NamedBlock#dropout}).
 */
final class HostDropout {

    /** Mask entries written per bulk copy: a scratch array that stays in the core's cache. */
    private static final int CHUNK = 16_384;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private HostDropout() {}

    /**
     * Whether libtorch's CPU mask is its fast one: PyTorch takes MKL's generator where cpuinfo reports an Intel CPU
     * elsewhere (AMD, ARM, and where the vendor is unknown) it takes the serial path.
     */
    static final boolean ENGINE_MASK_IS_FAST = CpuVendor.INTEL.equals(CpuVendor.thisMachine());

    /** Whether {@link #apply} should handle {@code x}: float32 on the CPU, where libtorch's mask is the serial one. */
    static boolean handles(NDArray x) {
        return !ENGINE_MASK_IS_FAST && !x.getDevice().isGpu() && x.getDataType() == DataType.FLOAT32
                && x instanceof PtNDArray;
    }

    /** {@code x · mask} for a rate in (0, 1); the result (and the mask) belong to {@code x}'s manager. */
    static NDArray apply(NDArray x, float rate) {
        long seed;
        try (NDArray draw = x.getManager().randomInteger(
                Long.MIN_VALUE, Long.MAX_VALUE, new Shape(1), DataType.INT64)) {
            seed = draw.getLong();
        }
        Shape shape = x.getShape();
        PtNDArray mask = JniUtils.createEmptyNdArray(
                (PtNDManager) x.getManager(), shape, DataType.FLOAT32, x.getDevice(), SparseFormat.DENSE);
        fill(JniUtils.getByteBuffer(mask, true).asFloatBuffer(), Math.toIntExact(shape.size()), seed, rate);
        return x.mul(mask);
    }

    /**
     * Writes {@code n} mask entries into {@code out} from position 0: each is 0 with probability {@code rate} and
     * {@code 1 / (1 − rate)} otherwise, independently, from the stream {@code seed} selects.
     */
    static void fill(FloatBuffer out, int n, long seed, float rate) {
        long threshold = dropThreshold(rate);
        float kept = (float) (1.0 / (1.0 - rate));
        SplittableRandom random = new SplittableRandom(seed);
        float[] chunk = SCRATCH.get();
        for (int start = 0; start < n; start += CHUNK) {
            int len = Math.min(CHUNK, n - start);
            int i = 0;
            for (; i + 1 < len; i += 2) {
                long bits = random.nextLong();
                chunk[i] = (bits & 0xFFFF_FFFFL) < threshold ? 0f : kept;
                chunk[i + 1] = (bits >>> 32) < threshold ? 0f : kept;
            }
            if (i < len) {
                chunk[i] = (random.nextLong() >>> 32) < threshold ? 0f : kept;
            }
            out.put(start, chunk, 0, len);
        }
    }

    /** The count of 32-bit values, out of 2^32, that drop an entry. */
    static long dropThreshold(float rate) {
        return Math.round(rate * 4_294_967_296.0);
    }
}
