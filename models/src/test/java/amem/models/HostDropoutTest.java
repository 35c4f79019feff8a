package amem.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link HostDropout}: torch's dropout distribution and scale, seeded by the engine, and its gradient. */
class HostDropoutTest {

    private static final int N = 1 << 20;
    private static final float RATE = 0.1f;

    @Test
    void dropsAtTheRateAndScalesTheRestAsTorchDoes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            float[] y = HostDropout.apply(manager.ones(new Shape(N)), RATE).toFloatArray();
            float kept = (float) (1.0 / (1.0 - RATE));
            long dropped = 0;
            long bothDropped = 0;
            for (int i = 0; i < N; i++) {
                assertTrue(y[i] == 0f || y[i] == kept, "entry " + i + " is " + y[i]);
                if (y[i] == 0f) {
                    dropped++;
                    if (i % 2 == 1 && y[i - 1] == 0f) {
                        bothDropped++; // the two halves of one 64-bit draw
                    }
                }
            }
            // Binomial(N, 0.1): sd 0.0003 of the fraction; 5 sd.
            assertEquals(RATE, dropped / (double) N, 5 * Math.sqrt(RATE * (1 - RATE) / N));
            // Pairs from one draw are independent: P(both) = p² (sd about 0.0004 over N/2 pairs).
            double pairs = N / 2.0;
            assertEquals(RATE * RATE, bothDropped / pairs, 5 * Math.sqrt(RATE * RATE * (1 - RATE * RATE) / pairs));
            // The kept value is the one libtorch's dropout writes.
            float[] torch = Dropout.dropout(manager.ones(new Shape(4096)), RATE, true).singletonOrThrow().toFloatArray();
            float torchKept = 0f;
            for (float v : torch) {
                torchKept = Math.max(torchKept, v);
            }
            assertEquals(torchKept, kept);
        }
    }

    @Test
    void theEngineSeedFixesEveryMask() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(8, 20, 64));
            Engine.getInstance().setRandomSeed(5);
            float[] first = HostDropout.apply(x, RATE).toFloatArray();
            float[] second = HostDropout.apply(x, RATE).toFloatArray();
            Engine.getInstance().setRandomSeed(5);
            float[] again = HostDropout.apply(x, RATE).toFloatArray();
            Engine.getInstance().setRandomSeed(6);
            float[] otherSeed = HostDropout.apply(x, RATE).toFloatArray();
            assertArrayEquals(first, again);
            assertFalse(Arrays.equals(first, second), "two calls under one seed drew the same mask");
            assertFalse(Arrays.equals(first, otherSeed), "two seeds drew the same mask");
        }
    }

    @Test
    void theGradientIsTheMaskTimesTheUpstreamGradient() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(2);
            NDArray x = manager.randomNormal(new Shape(3, 7, 33)).add(5f); // no zero inputs
            x.setRequiresGradient(true);
            NDArray w = manager.randomNormal(new Shape(3, 7, 33));
            float[] y;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray out = HostDropout.apply(x, 0.3f);
                y = out.toFloatArray();
                collector.backward(out.mul(w).sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            float[] xs = x.toFloatArray();
            float[] ws = w.toFloatArray();
            for (int i = 0; i < grad.length; i++) {
                float mask = y[i] / xs[i]; // 0 or 1/(1-p), up to rounding
                float expected = y[i] == 0f ? 0f : (float) (1.0 / (1.0 - 0.3f)) * ws[i];
                assertEquals(expected, grad[i], 1e-6f * Math.abs(expected), "entry " + i + " (mask " + mask + ")");
            }
        }
    }

    @Test
    void fillWritesEveryEntryOfAnOddLengthAcrossChunks() {
        int n = 3 * 16_384 + 5;
        FloatBuffer out = FloatBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            out.put(i, Float.NaN);
        }
        HostDropout.fill(out, n, 42L, 0.5f);
        long zeros = 0;
        for (int i = 0; i < n; i++) {
            float v = out.get(i);
            assertTrue(v == 0f || v == 2f, "entry " + i + " is " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertEquals(0.5, zeros / (double) n, 5 * Math.sqrt(0.25 / n));
    }

    @Test
    void theMaskIsSplitMix64sStreamWhoeverFillsIt() {
        // The reference: one SplittableRandom, two 32-bit uniforms per draw (low half first), a branch per entry.
        float rate = 0.1f;
        float kept = (float) (1.0 / (1.0 - rate));
        long threshold = HostDropout.dropThreshold(rate);
        for (int n : new int[] {7, HostDropout.SHARED_FROM - 1, 5 * HostDropout.CHUNK + 3}) {
            SplittableRandom random = new SplittableRandom(-12345L);
            float[] expected = new float[n];
            for (int i = 0; i < n; i += 2) {
                long bits = random.nextLong();
                expected[i] = (bits & 0xFFFF_FFFFL) < threshold ? 0f : kept;
                if (i + 1 < n) {
                    expected[i + 1] = (bits >>> 32) < threshold ? 0f : kept;
                }
            }
            if (n % 2 == 1) { // the last entry takes the high half of its own draw
                SplittableRandom again = new SplittableRandom(-12345L);
                for (int d = 0; d < n / 2; d++) {
                    again.nextLong();
                }
                expected[n - 1] = (again.nextLong() >>> 32) < threshold ? 0f : kept;
            }
            FloatBuffer shared = FloatBuffer.allocate(n);
            HostDropout.fill(shared, n, -12345L, rate); // shared with the helper from SHARED_FROM entries on
            FloatBuffer alone = FloatBuffer.allocate(n);
            new HostDropout.Job(alone, n, -12345L, threshold, Float.floatToRawIntBits(kept)).run();
            assertArrayEquals(expected, shared.array(), "n = " + n + ", shared");
            assertArrayEquals(expected, alone.array(), "n = " + n + ", one thread");
        }
    }

    @Test
    void theThresholdIsTheRateInUnitsOfTwoToTheThirtyTwo() {
        assertEquals(429_496_730L, HostDropout.dropThreshold(0.1f), 10); // 0.1f is 0.10000000149
        assertEquals(1L << 31, HostDropout.dropThreshold(0.5f));
        assertEquals(0L, HostDropout.dropThreshold(0f));
    }

    @Test
    void handlesFloat32CpuArraysWhereLibtorchsMaskIsSerial() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(!HostDropout.ENGINE_MASK_IS_FAST, HostDropout.handles(manager.ones(new Shape(2))));
            assertFalse(HostDropout.handles(manager.ones(new Shape(2), DataType.FLOAT64)));
        }
    }
}
