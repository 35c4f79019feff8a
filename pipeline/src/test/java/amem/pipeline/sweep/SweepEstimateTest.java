package amem.pipeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepEstimateTest {

    @Test
    void flopsTimeAndMemoryByHand(@TempDir Path dir) throws Exception {
        RunConfig base = RunConfig.defaults().with("model.architecture", "gpt2").with("model.vocab_size", "1000")
                .with("model.context_length", "64").with("model.n_layer", "2").with("model.n_head", "2")
                .with("model.n_embd", "32").with("train.batch_size", "8").with("train.grad_accum", "2")
                .with("train.steps", "100").with("data.dir", dir.resolve("absent").toString())
                .with("data.sampler", "windows");
        SweepPlan plan = SweepPlan.preview(dir.resolve("s"), null, base,
                SweepPlanTest.grid("{\"models\": [{\"name\": \"a\"}, {\"name\": \"b\", \"set\": {\"model.n_layer\": 4}}]}"),
                List.of());
        SweepEstimate.Result result = SweepEstimate.of(plan, 2.0, 0);
        // GPT-2, V 1000, n 32, L 2, T 64, biases: blocks 12n^2+13n per layer, ln_f 2n, wte V n, wpe T n.
        long n = 32;
        long perLayer = 12 * n * n + 13 * n;
        long total = 1000 * n + 64 * n + 2 * perLayer + 2 * n;
        assertEquals(total, result.cells().get(0).parameters());
        double perToken = 6.0 * (total - 64 * n) + 12.0 * 2 * n * 64;
        double expected = perToken * (8 * 2 * 64) * 100;
        assertEquals(expected, result.cells().get(0).flops(), expected * 1e-12);
        assertEquals(expected / 2e12 / 3600, result.cells().get(0).hours(), 1e-15);
        assertTrue(result.cells().get(1).flops() > result.cells().get(0).flops());
        // a step floor above the FLOP time charges the floor for every step
        double floorMs = 1e3 * expected / 100 / 2e12 * 10;
        assertEquals(100 * floorMs / 1e3 / 3600, SweepEstimate.of(plan, 2.0, floorMs).cells().get(0).hours(), 1e-15);
        assertEquals(result.cells().get(0).flops() + result.cells().get(1).flops(), result.totalFlops(), 1e-3);
        assertEquals(result.cells().get(1).memoryBytes(), result.peakMemoryBytes());
        assertTrue(result.peakMemoryBytes() > 16 * total, "at least weights, gradients and both Adam moments");
        // without a store and without model.vocab_size the estimate says what it needs
        SweepPlan unknown = SweepPlan.preview(dir.resolve("t"), null, base.with("model.vocab_size", "0"),
                SweepPlanTest.grid("{}"), List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> SweepEstimate.of(unknown, 2.0, 0));
        assertTrue(e.getMessage().contains("model.vocab_size"), e.getMessage());
    }
}
