package amem.pipeline.cli;

import ai.djl.Device;
import amem.datasets.qf.QfTaskSet;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.LineSampler;
import amem.datasets.sampling.TiledWindowSampler;
import amem.datasets.sampling.WindowSampler;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import amem.pipeline.train.HeldOutLoss;
import amem.pipeline.train.TaskEvaluator;
import amem.pipeline.weights.ModelSources;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amem eval}: the mean loss of a trained run or imported GPT-2 on a split of any token store. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measure a model's mean loss (nats per predicted token) and perplexity on a split of a token store.",
            "The model is a run's checkpoint (--run) or a Hugging Face GPT-2 directory (--weights); it runs in"
                    + " evaluation mode, and the loss is the training loop's evaluator's computation.",
            "Line stores (Question-Formation) are scored line by line in file order, every token but each line's first"
                    + " predicted (the training convention); other stores by windows of --context tokens: --all tiles"
                    + " the split with consecutive windows (every token predicted once), --tokens N draws random"
                    + " windows from --seed (nanoGPT's sampler). The choice is recorded in the JSON.",
            "A Question-Formation split with a task file (val, test, gen) also gets the first question word's accuracy.",
            "",
            "  amem eval --run runs/qf-tiny --data data/mccoy --split val",
            "  amem eval --weights ~/gpt2 --data data/owt --split val --tokens 200000 --json gpt2-owt.json",
            ""
        })
final class EvalCommand implements Callable<Integer> {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    ModelSourceOptions source;

    @Option(names = "--split", defaultValue = "val", description = "split of the store (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--tokens", paramLabel = "N",
            description = "score at least N predicted tokens: the first lines in file order, or random windows"
                    + " (default: all lines of a line store, 100000 tokens of windows otherwise)")
    Long tokens;

    @Option(names = "--all", description = "score the whole split (lines: every line; windows: tiled windows)")
    boolean all;

    @Option(names = "--sampling", defaultValue = "auto", description = "auto | lines | windows (default: auto = lines when the store has a line index)")
    String sampling;

    @Option(names = "--context", paramLabel = "T", description = "window length / longest line (default: the model's context length)")
    Integer context;

    @Option(names = "--batch", paramLabel = "ROWS", defaultValue = "16", description = "lines or windows per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random windows of --tokens (default: ${DEFAULT-VALUE})")
    long seed;

    @picocli.CommandLine.Mixin
    DeviceOption device = DeviceOption.defaultingTo("auto");

    @Option(names = "--json", paramLabel = "FILE", description = "write the result as JSON")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "write the result as a one-row CSV")
    Path csv;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        ModelConfig shape = source.shape(); // exactly one model, --step only with --run
        if (all && tokens != null) {
            throw new ConfigException("--all and --tokens exclude each other: score the whole split or N tokens");
        }
        if (tokens != null && tokens <= 0 || batch <= 0) {
            throw new ConfigException("--tokens and --batch must be positive");
        }
        Path store = source.store();
        int window = context != null ? context : shape.contextLength();
        if (window <= 0 || window > shape.contextLength()) {
            throw new ConfigException("--context " + window + " must be between 1 and the model's context length " + shape.contextLength());
        }
        try (TokenStore tokensStore = TokenStore.open(store)) {
            if (!tokensStore.hasSplit(split)) {
                throw new ConfigException(store + " has no split '" + split + "' (it has " + tokensStore.splitNames() + ")");
            }
            if (tokensStore.vocabSize() > shape.vocabSize()) {
                throw new ConfigException(store + " has a vocabulary of " + tokensStore.vocabSize() + " ids, the model "
                        + shape.vocabSize() + ": it was not trained on this tokenizer");
            }
            TokenSplit tokenSplit = tokensStore.split(split);
            boolean lines = switch (sampling) {
                case "auto" -> tokenSplit.hasLines();
                case "lines" -> true;
                case "windows" -> false;
                default -> throw new ConfigException("--sampling " + sampling + " is not one of auto, lines, windows");
            };
            if (lines && !tokenSplit.hasLines()) {
                throw new ConfigException("--sampling lines: split '" + split + "' of " + store + " has no line index");
            }
            Plan plan = lines ? linePlan(tokenSplit, window) : windowPlan(tokenSplit, window);
            Device target = device.resolve();
            long start = System.nanoTime();
            try (ModelSources.Loaded model = source.load(target, stderr::println)) {
                HeldOutLoss.Result result = HeldOutLoss.measure(model.session(), plan.sampler(), plan.batches());
                // a Question-Formation split with a task file: the first question word's accuracy as well
                double accuracy = QfTaskSet.exists(tokensStore, split)
                        ? TaskEvaluator.accuracy(model.session(), QfTaskSet.load(tokensStore, split)) : Double.NaN;
                double seconds = (System.nanoTime() - start) / 1e9;
                JsonObject out = record(model.description(), store, plan, result, window, seconds, target);
                if (!Double.isNaN(accuracy)) {
                    out.addProperty("question_accuracy", accuracy);
                }
                write(out);
                stdout.printf(Locale.ROOT, "%s of %s: %.4f nats per predicted token (perplexity %.3f) over %,d tokens in %,d %s"
                                + " (%s)%s, %s%n", split, store, result.natsPerToken(), result.perplexity(), result.tokens(),
                        result.rows(), lines ? "lines" : "windows", plan.description(),
                        Double.isNaN(accuracy) ? "" : String.format(Locale.ROOT, "; question accuracy %.1f %%", 100 * accuracy),
                        source.run != null ? "run " + source.run : "weights " + source.weights);
                stdout.flush();
            }
        }
        return 0;
    }

    /** The sampler, how many of its batches, and the choice in words. */
    private record Plan(BatchSampler sampler, long batches, String choice, String description) {}

    private Plan linePlan(TokenSplit s, int window) {
        LineSampler sampler = new LineSampler(s, batch, window, seed, LineSampler.Order.SEQUENTIAL);
        long batches = sampler.batchesPerEpoch();
        if (tokens != null) {
            long counted = 0;
            int line = 0;
            while (line < s.lineCount() && counted < tokens) {
                counted += Math.min(s.lineLength(line), window + 1) - 1;
                line++;
            }
            batches = (line + batch - 1) / batch;
        }
        int longest = 0;
        for (int l = 0; l < s.lineCount(); l++) {
            longest = Math.max(longest, s.lineLength(l));
        }
        String truncation = longest > window + 1 ? String.format(Locale.ROOT, "; lines longer than %d tokens truncated", window + 1) : "";
        return new Plan(sampler, batches, tokens == null ? "all lines" : "first lines reaching " + tokens + " tokens",
                (tokens == null ? "every line" : "the first lines in file order") + truncation);
    }

    private Plan windowPlan(TokenSplit s, int window) {
        if (all) {
            TiledWindowSampler tiled = new TiledWindowSampler(s, batch, window);
            return new Plan(tiled, tiled.batches(), "tiled windows",
                    String.format(Locale.ROOT, "consecutive windows of %d tokens; the last %d tokens left out", window,
                            s.tokens() - 1 - tiled.scoredTokens()));
        }
        long wanted = tokens != null ? tokens : 100_000L;
        long perBatch = (long) batch * window;
        return new Plan(new WindowSampler(s, batch, window, seed), (wanted + perBatch - 1) / perBatch, "random windows",
                String.format(Locale.ROOT, "random windows of %d tokens, seed %d", window, seed));
    }

    private JsonObject record(JsonObject model, Path store, Plan plan, HeldOutLoss.Result result, int window, double seconds,
                              Device target) {
        JsonObject out = new JsonObject();
        out.add("model", model);
        out.addProperty("data", store.toAbsolutePath().normalize().toString());
        out.addProperty("split", split);
        out.addProperty("sampling", plan.choice());
        out.addProperty("selection", plan.description());
        out.addProperty("context", window);
        out.addProperty("batch_rows", batch);
        out.addProperty("seed", seed);
        out.addProperty("batches", result.batches());
        out.addProperty("rows", result.rows());
        out.addProperty("tokens", result.tokens());
        out.addProperty("nats_per_token", result.natsPerToken());
        out.addProperty("perplexity", result.perplexity());
        out.addProperty("convention", "mean cross-entropy in nats over predicted (unmasked) tokens, evaluation mode;"
                + " lines: tokens 2..n of each line, as in training");
        out.addProperty("device", target.toString());
        out.addProperty("seconds", seconds);
        out.addProperty("date", Instant.now().toString());
        return out;
    }

    private void write(JsonObject out) throws java.io.IOException {
        if (json != null) {
            atomically(json, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(out) + "\n");
        }
        if (csv != null) {
            String[] columns = {"split", "sampling", "context", "batches", "rows", "tokens", "nats_per_token", "perplexity", "seed"};
            StringBuilder header = new StringBuilder("data");
            StringBuilder row = new StringBuilder(quote(out.get("data").getAsString()));
            for (String c : columns) {
                header.append(',').append(c);
                row.append(',').append(quote(out.get(c).getAsString()));
            }
            atomically(csv, header + "\n" + row + "\n");
        }
    }

    private static String quote(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }

    private static void atomically(Path file, String text) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
