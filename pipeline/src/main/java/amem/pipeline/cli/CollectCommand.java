package amem.pipeline.cli;

import ai.djl.Device;
import amem.datasets.OutOfSpace;
import amem.datasets.npy.NpyDtype;

import amem.datasets.store.TokenStore;
import amem.models.HookPoint;
import amem.models.LanguageModels;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import amem.pipeline.hooks.ActivationCollection;
import amem.pipeline.hooks.CollectPresets;
import amem.pipeline.hooks.CollectRequest;
import amem.pipeline.weights.ModelSources;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amem collect}: an activation dataset from a run's checkpoint or pretrained GPT-2 weights. */
@Command(
        name = "collect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Record activation vectors at hook points into an activation dataset (.npy shards + manifest.json).",
            "The model (a run's checkpoint or a Hugging Face GPT-2 directory) runs in evaluation mode over windows or "
                    + "lines of a token store; per hook, OUT/<hook>/shard-NNNNN.npy holds (vectors, n), and "
                    + "tokens.npy, positions.npy, documents.npy, offsets.npy say where each vector came from.",
            "OUT appears only when complete. Hook names: --list-hooks.",
            "",
            "  amem collect --run runs/qf-tiny --hooks 'blocks.*.hook_resid_post' --tokens 20000 --out act/qf",
            "  amem collect --preset radius-gpt2-medium --weights ~/gpt2-medium --data data/owt --out act/gpt2m",
            ""
        })
final class CollectCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelSourceOptions source;

    @Option(names = "--preset", description = "bundled collection (--list-presets); other options override it")
    String preset;

    @Option(names = "--split", description = "split of the store (default: val)")
    String split;

    @Option(names = "--hooks", paramLabel = "GLOB", split = ",",
            description = "hook names or globs, e.g. 'blocks.*.hook_resid_post,ln_final.hook_normalized' (repeatable)")
    List<String> hooks;

    @Option(names = "--tokens", paramLabel = "N", description = "vectors to record per hook (default: 200000)")
    Long tokens;

    @Option(names = "--positions", description = "all | last | random (default: all)")
    String positions;

    @Option(names = "--per-sequence", paramLabel = "K", description = "with --positions random: positions per sequence (default: 1)")
    Integer perSequence;

    @Option(names = "--dtype", description = "float32 | float16 (default: float32)")
    String dtype;

    @Option(names = "--seed", description = "seed of the sequence order and random positions (default: 1)")
    Long seed;

    @Option(names = "--context", paramLabel = "T", description = "window length / longest line (default: the model's context length)")
    Integer context;

    @Option(names = "--sampling", description = "auto | windows | lines (default: auto = lines when the store has a line index)")
    String sampling;

    @Option(names = "--order", description = "shuffled | sequential (default: shuffled)")
    String order;

    @Option(names = "--batch-tokens", paramLabel = "N", description = "tokens per forward pass (default: " + CollectRequest.DEFAULT_BATCH_TOKENS + ")")
    Integer batchTokens;

    @Option(names = "--shard-vectors", paramLabel = "N", description = "vectors per .npy shard (default: " + CollectRequest.DEFAULT_SHARD_VECTORS + ")")
    Long shardVectors;

    @Mixin
    DeviceOption device = DeviceOption.defaultingTo("auto");

    @Option(names = "--out", paramLabel = "DIR", description = "the dataset directory to create (default with --run: RUN/activations/collect-<split>, where `amem analyze run RUN` finds it)")
    Path out;

    @Option(names = "--overwrite", description = "replace an existing dataset at --out (once the new one is complete)")
    boolean overwrite;

    @Option(names = "--list-hooks", description = "print the hook points of the model of --run or --weights (names, kinds, widths) and exit")
    boolean listHooks;

    @Option(names = "--list-presets", description = "print the bundled collection presets and exit")
    boolean listPresets;

    @Override
    public Integer call() throws Exception {
        java.io.PrintWriter stdout = spec.commandLine().getOut();
        java.io.PrintWriter stderr = spec.commandLine().getErr();
        if (listPresets) {
            for (CollectPresets.Preset p : CollectPresets.all()) {
                stdout.println(p.name() + "\n    " + p.description() + "\n    options: " + p.options());
            }
            stdout.flush();
            return 0;
        }
        ModelConfig shape = source.shape();
        CollectPresets.Preset chosen = preset == null ? null : CollectPresets.get(preset);
        if (chosen != null) {
            chosen.check(shape);
        }
        if (listHooks) {
            for (HookPoint point : LanguageModels.create(shape).hooks().all()) {
                stdout.printf(Locale.ROOT, "%-32s %-7s width %d%n", point.name(),
                        point.kind().name().toLowerCase(Locale.ROOT), point.width());
            }
            stdout.flush();
            return 0;
        }
        CollectRequest request = request(chosen);
        LanguageModels.create(shape).hooks().select(request.hooks()); // a bad glob fails before anything loads
        if (out == null && source.run != null) {
            // inside the run, where `amem analyze RUN` looks for activations and the report then finds the radius
            out = source.run.resolve("activations").resolve("collect-" + request.split());
            stderr.println("no --out: writing into " + out + " (analyse it with: amem analyze run " + source.run + ")");
        }
        if (out == null) {
            throw new ConfigException("--out DIR is required with --weights: the activation dataset to create");
        }
        Path store = source.store();
        OutputTarget.check(out, overwrite, "--out", "an activation dataset"); // before the model loads
        Device target = device.resolve();
        try (TokenStore tokens = TokenStore.open(store);
                ModelSources.Loaded model = source.load(target, stderr::println)) {
            if (source.pretrained() && !"gpt2".equals(tokens.meta().tokenizer())) {
                stderr.println("warning: " + store + " was tokenized with '" + tokens.meta().tokenizer()
                        + "', GPT-2 weights expect GPT-2 BPE ids");
            }
            stderr.printf(Locale.ROOT, "collecting %,d vectors at %s from %s (%s) on %s%n", request.vectors(),
                    String.join(",", request.hooks()), store, request.split(), target);
            JsonObject about = new JsonObject();
            about.add("model", model.description());
            ActivationCollection.Result result;
            try {
                result = ActivationCollection.run(model.session(), about, tokens, request, out, line -> {
                    stderr.println(line);
                    stderr.flush();
                });
            } catch (IOException e) {
                throw OutOfSpace.explain(e, out);
            }
            stdout.printf(Locale.ROOT, "wrote %s: %,d vectors × %d hooks from %,d sequences (%,d tokens run) in %.1f s, "
                            + "%,.0f vectors/s%n", result.dir(), result.records(),
                    result.manifest().getAsJsonObject("hooks").size(), result.sequences(), result.tokensForwarded(),
                    result.seconds(), result.vectorsPerSecond());
            stdout.flush();
        }
        return 0;
    }

    /** The request from the options, then the preset, then the defaults. */
    private CollectRequest request(CollectPresets.Preset chosen) {
        List<String> hookList = hooks != null ? hooks : chosen != null && chosen.has("hooks")
                ? strings(chosen.options().getAsJsonArray("hooks")) : null;
        if (hookList == null || hookList.isEmpty()) {
            throw new ConfigException("--hooks GLOB is required, e.g. --hooks 'blocks.*.hook_resid_post' (see --list-hooks)");
        }
        try {
            return new CollectRequest(
                    hookList,
                    pick(positions, chosen, "positions", JsonElement::getAsString, "all"),
                    pick(perSequence, chosen, "per_sequence", JsonElement::getAsInt, 1),
                    pick(tokens, chosen, "tokens", JsonElement::getAsLong, 200_000L),
                    NpyDtype.parseActivation(pick(dtype, chosen, "dtype", JsonElement::getAsString, "float32")),
                    pick(split, chosen, "split", JsonElement::getAsString, "val"),
                    pick(seed, chosen, "seed", JsonElement::getAsLong, 1L),
                    pick(context, chosen, "context", JsonElement::getAsInt, 0),
                    pick(sampling, chosen, "sampling", JsonElement::getAsString, "auto"),
                    pick(order, chosen, "order", JsonElement::getAsString, "shuffled"),
                    pick(batchTokens, chosen, "batch_tokens", JsonElement::getAsInt, CollectRequest.DEFAULT_BATCH_TOKENS),
                    pick(shardVectors, chosen, "shard_vectors", JsonElement::getAsLong, CollectRequest.DEFAULT_SHARD_VECTORS),
                    overwrite);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static <T> T pick(T given, CollectPresets.Preset preset, String key, Function<JsonElement, T> read, T fallback) {
        if (given != null) {
            return given;
        }
        if (preset != null && preset.has(key)) {
            return read.apply(preset.options().get(key));
        }
        return fallback;
    }

    private static List<String> strings(JsonArray array) {
        List<String> list = new ArrayList<>();
        array.forEach(e -> list.add(e.getAsString()));
        return list;
    }
}
