package amem.pipeline.sweep;

import amem.datasets.store.SplitMeta;
import amem.datasets.store.TokenStoreMeta;
import amem.models.ModelConfig;
import amem.models.ModelFlops;
import amem.models.ParameterCount;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import amem.pipeline.train.MemoryBudget;
import amem.pipeline.session.ModelConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a sweep will cost before it runs: per cell the model FLOPs of training ({@link ModelFlops} × tokens per step ×
 * steps), the time at a sustained rate the user gives (measure it with {@code amem bench}), and the estimated peak
 * training memory ({@link MemoryBudget}). Small models do not reach any FLOP rate: a step costs at least the launch
 * and bookkeeping time of its few hundred operations, so each step is charged {@code max(FLOPs / rate, floor)}
 * with the floor given by the user (the ms/step {@code amem bench} measures for a small shape on the device). Evaluation passes are not counted (a few per cent at the presets'
 * intervals). For line corpora a step trains on the store's mean line length per sequence, not the context: padding
 * to the longest line of a batch adds about a quarter on Question-Formation (docs/PERFORMANCE.md).
 */
public final class SweepEstimate {

    /** One cell's cost. */
    public record Cell(SweepPlan.Cell cell, long parameters, double tokensPerStep, long steps, double flops,
            double hours, long memoryBytes) {}

    /** All cells and their sum, at {@code teraflops} sustained. */
    public record Result(List<Cell> cells, double teraflops, double stepFloorMs, double totalFlops, double totalHours,
            long peakMemoryBytes) {}

    private SweepEstimate() {}

    /**
     * @param teraflops sustained TFLOP/s of one device
     * @param stepFloorMs the least time of one optimizer step on that device, in milliseconds (0: FLOPs only)
     */
    public static Result of(SweepPlan plan, double teraflops, double stepFloorMs) throws IOException {
        if (!(teraflops > 0) || !(stepFloorMs >= 0)) {
            throw new IllegalArgumentException("--tflops must be positive and --step-floor-ms >= 0, got " + teraflops
                    + " and " + stepFloorMs);
        }
        Path meta = Path.of(plan.base().getString("data.dir")).resolve(TokenStoreMeta.FILE_NAME);
        TokenStoreMeta store = Files.isRegularFile(meta) ? TokenStoreMeta.fromJson(meta) : null;
        List<Cell> cells = new ArrayList<>();
        double flops = 0;
        double hours = 0;
        long peak = 0;
        for (SweepPlan.Cell cell : plan.cells()) {
            RunConfig config = plan.config(cell);
            ModelConfig model = ModelConfigs.from(config, vocabulary(config, store, meta));
            int context = config.getInt("model.context_length");
            double perSequence = sequenceTokens(config, store, context);
            double tokensPerStep = perSequence * config.getInt("train.batch_size") * config.getInt("train.grad_accum");
            long steps = config.getLong("train.steps");
            double cellFlops = ModelFlops.perToken(model, (int) Math.round(perSequence)) * tokensPerStep * steps;
            long memory = MemoryBudget.trainingBytes(model, config.getInt("train.batch_size"), context);
            double stepSeconds = Math.max(cellFlops / steps / (teraflops * 1e12), stepFloorMs / 1e3);
            double cellHours = stepSeconds * steps / 3600;
            cells.add(new Cell(cell, ParameterCount.of(model).total(), tokensPerStep, steps, cellFlops, cellHours, memory));
            flops += cellFlops;
            hours += cellHours;
            peak = Math.max(peak, memory);
        }
        return new Result(List.copyOf(cells), teraflops, stepFloorMs, flops, hours, peak);
    }

    private static int vocabulary(RunConfig config, TokenStoreMeta store, Path meta) {
        if (store != null) {
            return store.vocabSize();
        }
        int vocab = config.getInt("model.vocab_size");
        if (vocab == 0) {
            throw new ConfigException("the estimate needs the vocabulary size: " + meta + " does not exist; prepare the store "
                    + "or give --set model.vocab_size=N (50257 for GPT-2 tokens, 68 for Question-Formation)");
        }
        return vocab;
    }

    private static double sequenceTokens(RunConfig config, TokenStoreMeta store, int context) {
        String sampler = config.getString("data.sampler");
        SplitMeta train = store == null ? null : store.splits().get(config.getString("data.train_split"));
        boolean lines = train != null && train.linesIndex() != null && !sampler.equals("windows");
        if (lines && train.documents() != null && train.documents() > 0) {
            return Math.min(context, (double) train.tokens() / train.documents());
        }
        return context;
    }
}
