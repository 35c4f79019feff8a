package amem.pipeline.cli;

import ai.djl.Device;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.LineSampler;
import amem.datasets.sampling.WindowSampler;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.models.LanguageModels;
import amem.models.ModelConfig;
import amem.pipeline.analysis.Ablation;
import amem.pipeline.analysis.AblationExperiment;
import amem.pipeline.config.ConfigException;
import amem.pipeline.weights.ModelSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amem ablate}: the loss of a model with and without ablations at hook points, on a token store. */
@Command(
        name = "ablate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "The next-token loss of a model on a split of a token store, without and with ablations at hook points "
                    + "(TransformerLens' zero and mean ablation): how much a component matters to the loss.",
            "An ablation is POINTS=zero|mean, or POINTS[HEAD]=zero|mean for one attention head (at attn.hook_q, hook_k, "
                    + "hook_v, hook_z, hook_pattern); POINTS is a hook name or glob (`amem collect --list-hooks`). "
                    + "zero replaces the value with zeros; mean with its mean over the evaluated positions. Several "
                    + "--ablate apply together. Both losses use the same batches (evaluation mode).",
            "",
            "  amem ablate --run runs/qf-tiny --ablate 'blocks.1.hook_mlp_out=zero'",
            "  amem ablate --run runs/qf-tiny --ablate 'blocks.0.attn.hook_z[1]=mean' --split test --batches 50",
            ""
        })
final class AblateCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelSourceOptions source;

    @Option(names = "--ablate", paramLabel = "SPEC", required = true,
            description = "POINTS=zero|mean or POINTS[HEAD]=zero|mean, e.g. 'blocks.1.hook_mlp_out=zero' (repeatable)")
    List<String> ablations;

    @Option(names = "--split", description = "split of the store (default: ${DEFAULT-VALUE})")
    String split = "val";

    @Option(names = "--batches", paramLabel = "N",
            description = "batches to evaluate (default: every line of a line split, 20 batches of windows otherwise)")
    Long batches;

    @Option(names = "--batch-size", paramLabel = "B", description = "sequences per batch (default: ${DEFAULT-VALUE})")
    int batchSize = 16;

    @Option(names = "--context", paramLabel = "T", description = "window length / longest line (default: the model's context length)")
    Integer context;

    @Option(names = "--sampling", description = "auto | windows | lines (default: auto = lines when the split has a line index)")
    String sampling = "auto";

    @Option(names = "--seed", description = "seed of the random windows (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Mixin
    DeviceOption device = DeviceOption.defaultingTo("auto");

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ModelConfig shape = source.shape();
        List<Ablation> parsed = ablations.stream().map(Ablation::parse).toList();
        var hooks = LanguageModels.create(shape).hooks();
        parsed.forEach(a -> a.select(hooks, shape.nHead())); // a bad name or head fails before anything loads
        int length = context != null ? context : shape.contextLength();
        if (length < 1 || length > shape.contextLength()) {
            throw new ConfigException("--context " + length + " must be in [1, the model's context length "
                    + shape.contextLength() + "]");
        }
        if (batchSize < 1 || (batches != null && batches < 1)) {
            throw new ConfigException("--batch-size and --batches must be positive");
        }
        Path store = source.store();
        Device target = device.resolve();
        try (TokenStore tokens = TokenStore.open(store)) {
            if (tokens.vocabSize() > shape.vocabSize()) {
                throw new ConfigException(store + " has a vocabulary of " + tokens.vocabSize() + " tokens, more than the "
                        + "model's " + shape.vocabSize() + ": use the store the model was trained on (--data)");
            }
            TokenSplit chosen = tokens.split(split);
            boolean lines = useLines(chosen);
            BatchSampler sampler;
            long count;
            if (lines) {
                LineSampler ls = new LineSampler(chosen, batchSize, length, seed, LineSampler.Order.SEQUENTIAL);
                count = batches == null ? ls.batchesPerEpoch() : Math.min(batches, ls.batchesPerEpoch());
                sampler = ls;
            } else {
                sampler = new WindowSampler(chosen, batchSize, length, seed);
                count = batches == null ? 20 : batches;
            }
            try (ModelSources.Loaded model = source.load(target, stderr::println)) {
                stderr.printf(Locale.ROOT, "ablate: %d batch(es) of %d %s of split %s of %s on %s%n", count, batchSize,
                        lines ? "lines" : "windows of " + length + " tokens", split, store, target);
                stderr.flush();
                AblationExperiment.Result r = AblationExperiment.run(model.session(), sampler, count, parsed, line -> {
                    stderr.println(line);
                    stderr.flush();
                });
                stdout.printf(Locale.ROOT, "loss without ablation: %.4f nats/token%n", r.baseline());
                stdout.printf(Locale.ROOT, "loss with %s: %.4f nats/token%n",
                        String.join(" + ", parsed.stream().map(Ablation::toString).toList()), r.ablated());
                stdout.printf(Locale.ROOT, "difference: %+.4f nats/token over %,d tokens%n", r.difference(), r.tokens());
                stdout.flush();
            }
        }
        return 0;
    }

    private boolean useLines(TokenSplit chosen) {
        switch (sampling) {
            case "auto":
                return chosen.hasLines();
            case "lines":
                if (!chosen.hasLines()) {
                    throw new ConfigException("--sampling lines: split " + chosen.name() + " has no line index; use windows");
                }
                return true;
            case "windows":
                return false;
            default:
                throw new ConfigException("--sampling " + sampling + ": use auto, windows or lines");
        }
    }
}
