package amem.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class MatmulPeakTest {

    @Test
    void eachSizeIsTimedForHalfASecondAtLeastAndTheFasterSizeWins() {
        long start = System.nanoTime();
        MatmulPeak.Point peak = MatmulPeak.measure(Device.cpu(), new int[] {8, 128}, 1);
        double seconds = (System.nanoTime() - start) / 1e9;
        // One product per size would take microseconds; the window keeps a slow moment of a shared host from being
        // the only sample.
        assertTrue(seconds >= 2 * MatmulPeak.MIN_SECONDS_PER_SIZE, "measured for " + seconds + " s");
        // An 8 x 8 product is all call overhead: a 128 x 128 one is faster per FLOP on any machine.
        assertEquals(128, peak.size());
        assertTrue(peak.gflops() > 0.1, "peak " + peak.gflops() + " GFLOP/s");
    }
}
