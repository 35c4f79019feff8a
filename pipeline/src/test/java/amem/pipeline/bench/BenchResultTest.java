package amem.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchResultTest {

    @Test
    void anotherPeakRescalesOnlyTheMfu() {
        // 1,000 tokens/s at 6e7 FLOPs per token is 60 GFLOP/s: 50 % of a 120 GFLOP/s peak, 30 % of 200.
        BenchResult atFirst = new BenchResult("qf-vanilla", "unfused", "cpu()", 9_537_604, 6e7, 154.2, 120, 3000,
                1000, 154.2, 0.5, 0.01, 0.3, 35, 45, 2.5, 7, 0.4, 800, 900, 0, "fp32", 700);
        BenchResult again = atFirst.withPeak(200);
        assertEquals(200, again.peakGflops());
        assertEquals(0.3, again.mfu(), 1e-12);
        assertEquals(atFirst.msPerStep(), again.msPerStep());
        assertEquals(atFirst.trainTokensPerSecond(), again.trainTokensPerSecond());
        assertEquals(atFirst.csvRow().replace(",120.0,", ",200.0,").replace(",0.5000,", ",0.3000,"), again.csvRow());
    }
}
