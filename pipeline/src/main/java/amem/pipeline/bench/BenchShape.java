package amem.pipeline.bench;

import amem.models.ModelConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A named model shape and batch to benchmark. {@code lines} shapes train on whole Question-Formation lines (padded
 * batches, loss mask), the others on random windows of {@code context} tokens.
 */
public record BenchShape(String name, String description, ModelConfig model, int batch, boolean lines) {

    /** The bundled shapes, smallest first. */
    public static final List<BenchShape> ALL = List.of(
            new BenchShape("tiny", "GPT-2-style smoke-test shape: V 512, L 2, n 64, context 64, batch 8",
                    ModelConfig.gpt2(512, 64, 2, 2, 64), 8, false),
            new BenchShape("qf-vanilla", "Question-Formation vanilla (docs/THEORY.md §5C): L 6, n 512, 4 heads, ffn 512, dropout 0.1, 8 lines",
                    ModelConfig.vanilla(68, 64, 6, 4, 512, 512, 0.1f), 8, true),
            new BenchShape("gpt2-peer", "nanoGPT CPU peer: V 50257, L 4, 4 heads, n 128, context 64, batch 12",
                    ModelConfig.gpt2(50257, 64, 4, 4, 128), 12, false),
            new BenchShape("gpt2-n256", "GPT-2-style n 256: V 50257, L 4, 4 heads, context 256, batch 8",
                    ModelConfig.gpt2(50257, 256, 4, 4, 256), 8, false),
            new BenchShape("gpt2-small", "GPT-2 small (124M) at a reduced batch: context 1024, batch 1",
                    ModelConfig.gpt2(50257, 1024, 12, 12, 768), 1, false));

    private static final Map<String, BenchShape> BY_NAME =
            ALL.stream().collect(Collectors.toMap(BenchShape::name, Function.identity()));

    /** The shape of that name, or an error listing the names. */
    public static BenchShape named(String name) {
        BenchShape shape = BY_NAME.get(name);
        if (shape == null) {
            throw new amem.pipeline.config.ConfigException("no bench shape \"" + name + "\"; available: "
                    + ALL.stream().map(BenchShape::name).collect(Collectors.joining(", ")));
        }
        return shape;
    }

    /** Model FLOPs per trained token ({@link amem.models.ModelFlops}). */
    public double flopsPerToken(int tokensPerSequence) {
        return amem.models.ModelFlops.perToken(model, tokensPerSequence);
    }
}
