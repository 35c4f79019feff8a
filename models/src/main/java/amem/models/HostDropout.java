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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Training-mode dropout of a float32 CPU array with its mask drawn in Java: {@code x · m}, where each entry of
 * {@code m} is 0 with probability p and {@code 1 / (1 − p)} otherwise, as {@code torch.nn.functional.dropout}.
 *
 * <p>Why: libtorch draws a CPU dropout mask with {@code bernoulli_}, which uses MKL's vectorised generator only
 * where cpuinfo reports an Intel CPU. Everywhere else it takes one double-precision Mersenne-twister draw per
 * element, on one thread: 8 ns per element on the development machine's AMD EPYC (2026-12-06, 660 µs for one
 * (8, 20, 512) activation against 250–280 µs for this class's first fill, the seed draw and the multiplication
 * included), which was about 15 % of a {@code qf-vanilla} step at 8 lines.
 *
 * <p>How: one 64-bit seed is drawn from libtorch's generator per call, so {@code Engine.setRandomSeed} still fixes
 * every mask (a resumed run draws the same ones as an uninterrupted run). SplitMix64 ({@link SplittableRandom})
 * seeded with it gives two 32-bit uniforms per 64-bit draw; an entry is dropped when its uniform is below
 * {@code round(p · 2^32)}, so the drop probability is p to within 2^-33. The mask is written into a tensor that
 * libtorch allocated (never a Java buffer: autograd keeps the mask for the backward pass, see {@link Scalars}), and
 * multiplied in; the backward is then {@code grad · m}, torch's own. GPU arrays, other types and Intel CPUs (where
 * libtorch's mask is MKL's, vectorised and threaded) keep libtorch's dropout ({@link NamedBlock#dropout}).
 *
 * <p>The fill is branch-free and shared by two threads. Why: with a compare-and-branch per entry the fill took
 * 177–179 µs for an (8, 20, 512) mask (2.2 ns per entry; the branch is mispredicted for about p of the entries),
 * and the 25 masks of a {@code qf-vanilla} step were 4.5 ms of Java time while libtorch's second thread waited. The
 * select as bit masks takes 112 µs on one thread and 67 µs shared with {@link Helper} (2026-12-06, medians of
 * 7 × 2,000 fills alternating; docs/PERFORMANCE.md has the step). The draws are SplitMix64's sequence written out
 * by position ({@code mix64(seed + (j + 1) · γ)} for draw j, what {@link SplittableRandom} returns), so any split
 * of the entries between threads writes the same mask as one thread, and the mask the first version drew.
 */
final class HostDropout {

    /** Mask entries per unit of work: a scratch array that stays in the core's cache, about 11 µs of drawing. */
    static final int CHUNK = 8_192;

    /** Masks of fewer entries are filled by the calling thread alone: waking the helper costs more than it saves. */
    static final int SHARED_FROM = 4 * CHUNK;

    /** SplittableRandom's increment for a generator seeded with {@code new SplittableRandom(seed)}. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

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
     * {@code 1 / (1 − rate)} otherwise, independently, from the stream {@code seed} selects. Large masks are shared
     * with {@link Helper}; the entries do not depend on who wrote them.
     */
    static void fill(FloatBuffer out, int n, long seed, float rate) {
        Job job = new Job(out, n, seed, dropThreshold(rate), Float.floatToRawIntBits((float) (1.0 / (1.0 - rate))));
        if (n >= SHARED_FROM && Helper.INSTANCE != null) {
            Helper.INSTANCE.share(job);
        } else {
            job.run();
        }
    }

    /** The count of 32-bit values, out of 2^32, that drop an entry. */
    static long dropThreshold(float rate) {
        return Math.round(rate * 4_294_967_296.0);
    }

    /** SplitMix64's output function (Steele, Lea and Flood 2014), as in {@link SplittableRandom}. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** One mask to fill, cut into chunks that either thread may claim. */
    static final class Job implements Runnable {
        private final FloatBuffer out;
        private final int n;
        private final long seed;
        private final long threshold;
        private final int keptBits;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();

        Job(FloatBuffer out, int n, long seed, long threshold, int keptBits) {
            this.out = out;
            this.n = n;
            this.seed = seed;
            this.threshold = threshold;
            this.keptBits = keptBits;
            this.chunks = (n + CHUNK - 1) / CHUNK;
        }

        /** Claims and fills chunks until none is left. */
        @Override
        public void run() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                fillChunk(c * CHUNK, Math.min(CHUNK, n - c * CHUNK));
                done.incrementAndGet();
            }
        }

        boolean finished() {
            return done.get() == chunks;
        }

        /**
         * Entries {@code start .. start+len-1} ({@code start} even): draw j covers entries 2j (low 32 bits) and
         * 2j + 1 (high 32 bits). An entry is dropped when its uniform is below the threshold; the select is done on
         * bits, {@code kept & ~sign(u − threshold)}, because a branch here is mispredicted for about p of the entries.
         */
        private void fillChunk(int start, int len) {
            float[] chunk = SCRATCH.get();
            long state = seed + (long) (start >>> 1) * GOLDEN_GAMMA;
            int i = 0;
            for (; i + 1 < len; i += 2) {
                state += GOLDEN_GAMMA;
                long bits = mix64(state);
                chunk[i] = Float.intBitsToFloat(keptBits & ~(int) (((bits & 0xFFFF_FFFFL) - threshold) >> 63));
                chunk[i + 1] = Float.intBitsToFloat(keptBits & ~(int) (((bits >>> 32) - threshold) >> 63));
            }
            if (i < len) { // an odd tail: the high half of the next draw, as SplittableRandom's nextLong() >>> 32
                long bits = mix64(state + GOLDEN_GAMMA);
                chunk[i] = Float.intBitsToFloat(keptBits & ~(int) (((bits >>> 32) - threshold) >> 63));
            }
            out.put(start, chunk, 0, len);
        }
    }

    /**
     * A daemon thread that takes chunks of the mask being filled while the caller takes the others. The caller never
     * waits for the helper to wake: it fills whatever is unclaimed and waits only for chunks already taken. On one
     * core there is no helper.
     */
    static final class Helper implements Runnable {
        static final Helper INSTANCE = Runtime.getRuntime().availableProcessors() > 1 ? start() : null;

        private volatile Job pending;
        private final Thread thread;

        private Helper() {
            thread = new Thread(this, "amem-dropout-mask");
            thread.setDaemon(true);
        }

        private static Helper start() {
            Helper helper = new Helper();
            helper.thread.start();
            return helper;
        }

        /** Fills {@code job} with the helper; returns when every entry is written. */
        void share(Job job) {
            pending = job;
            LockSupport.unpark(thread);
            job.run();
            for (int spins = 0; !job.finished(); spins++) {
                if (spins < 10_000) {
                    Thread.onSpinWait(); // at most one chunk, about 11 µs, when the helper has its core
                } else {
                    Thread.yield(); // the helper was descheduled mid-chunk (a busy machine): let it finish
                }
            }
            pending = null;
        }

        @Override
        public void run() {
            while (true) {
                Job job = pending;
                if (job == null) {
                    LockSupport.park(this);
                } else {
                    job.run();
                    while (pending == job) {
                        LockSupport.park(this); // done with this one; the caller clears it
                    }
                }
            }
        }
    }
}
