package amem.pipeline.train;

import amem.datasets.qf.QfTaskSet;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.LineSampler;
import amem.datasets.sampling.WindowSampler;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The token store of a run and the samplers drawn from it: the training sampler (random windows, or whole
 * shuffled lines for line-structured corpora such as Question-Formation) and the fixed evaluation sets, the
 * same batches at every evaluation so the curves are comparable from point to point.
 */
public final class TrainingData implements AutoCloseable {

    /** Seed offsets keep the evaluation batches independent of the training order. */
    /** {@code data.line_order}: the order of training lines. */
    private static LineSampler.Order lineOrder(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "shuffled" -> LineSampler.Order.SHUFFLED;
            case "bucketed" -> LineSampler.Order.BUCKETED;
            default -> throw new ConfigException("data.line_order = \"" + value + "\" is not one of shuffled, bucketed");
        };
    }

    private static final long EVAL_SEED = 0x5eed_e7a1L;

    /** A fixed evaluation set: the first {@code batches} batches of a sampler. */
    public record EvalSet(String split, BatchSampler sampler, long batches) {}

    private final TokenStore store;
    private final boolean lines;
    private final BatchSampler train;
    private final List<EvalSet> evalSets;
    private final List<QfTaskSet> taskSets;
    private final int taskItems;

    private TrainingData(TokenStore store, boolean lines, BatchSampler train, List<EvalSet> evalSets,
            List<QfTaskSet> taskSets, int taskItems) {
        this.store = store;
        this.lines = lines;
        this.train = train;
        this.evalSets = evalSets;
        this.taskSets = taskSets;
        this.taskItems = taskItems;
    }

    /** Opens the store named by {@code data.dir} and builds the samplers the config asks for. */
    public static TrainingData open(RunConfig config, TrainSettings settings, int contextLength) throws IOException {
        String dirName = config.getString("data.dir");
        if (dirName.isBlank()) {
            throw new ConfigException("data.dir is not set: give the token store directory with --data DIR, e.g. after "
                    + amem.pipeline.config.DataHints.prepare(config, "data/mine"));
        }
        Path dir = Path.of(dirName);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("data.dir = " + dirName + ": no such directory; create a token store with "
                    + amem.pipeline.config.DataHints.prepare(config, dirName) + ", or point --data at one");
        }
        TokenStore store = TokenStore.open(dir);
        try {
            verifyChecksums(store, config.getString("data.verify_checksums"));
            TokenSplit trainSplit = split(store, config.getString("data.train_split"), "data.train_split");
            TokenSplit valSplit = split(store, config.getString("data.val_split"), "data.val_split");
            boolean lines = useLines(config.getString("data.sampler"), trainSplit, valSplit);
            LineSampler.Order lineOrder = lineOrder(config.getString("data.line_order")); // checked for every store
            int batch = settings.batchSize();
            long seed = settings.seed();
            int evalBatches = settings.evalBatches();
            BatchSampler train;
            List<EvalSet> evalSets;
            if (lines) {
                train = new LineSampler(trainSplit, batch, contextLength, seed, lineOrder);
                LineSampler val = new LineSampler(valSplit, batch, contextLength, seed, LineSampler.Order.SEQUENTIAL);
                long valBatches = evalBatches == 0 ? val.batchesPerEpoch() : Math.min(evalBatches, val.batchesPerEpoch());
                LineSampler trainEval =
                        new LineSampler(trainSplit, batch, contextLength, seed ^ EVAL_SEED, LineSampler.Order.SHUFFLED);
                evalSets = List.of(new EvalSet("train", trainEval, valBatches), new EvalSet("val", val, valBatches));
            } else {
                train = new WindowSampler(trainSplit, batch, contextLength, seed);
                long count = evalBatches == 0 ? 20 : evalBatches;
                evalSets = List.of(
                        new EvalSet("train", new WindowSampler(trainSplit, batch, contextLength, seed ^ EVAL_SEED), count),
                        new EvalSet("val", new WindowSampler(valSplit, batch, contextLength, seed ^ EVAL_SEED), count));
            }
            int vocab = store.vocabSize();
            train = new VocabularyCheck(train, vocab, "split " + trainSplit.name() + " of " + dir);
            evalSets = evalSets.stream()
                    .map(set -> new EvalSet(set.split(), new VocabularyCheck(set.sampler(), vocab,
                            "split " + (set.split().equals("val") ? valSplit : trainSplit).name() + " of " + dir),
                            set.batches()))
                    .toList();
            int taskItems = config.getInt("train.task_items");
            List<QfTaskSet> tasks = new java.util.ArrayList<>();
            if (taskItems >= 0) {
                for (String split : QfTaskSet.SPLITS) {
                    if (store.hasSplit(split) && QfTaskSet.exists(store, split)) {
                        tasks.add(QfTaskSet.load(store, split));
                    }
                }
            }
            return new TrainingData(store, lines, train, evalSets, List.copyOf(tasks), taskItems);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Stores up to this size are checked against their sha256 before training when the rule is "auto". */
    static final long AUTO_VERIFY_BYTES = 2L << 30;

    private static void verifyChecksums(TokenStore store, String rule) throws IOException {
        switch (rule.trim().toLowerCase(Locale.ROOT)) {
            case "never":
                return;
            case "always":
                store.verifyChecksums();
                return;
            case "auto":
                long bytes = 0;
                for (String name : store.splitNames()) {
                    bytes += Files.size(store.split(name).file());
                }
                boolean recorded = store.meta().splits().values().stream().allMatch(s -> s.sha256() != null);
                if (recorded && bytes <= AUTO_VERIFY_BYTES) {
                    store.verifyChecksums();
                }
                return;
            default:
                throw new ConfigException("data.verify_checksums = " + rule + " is not one of auto, always, never");
        }
    }

    private static TokenSplit split(TokenStore store, String name, String key) {
        if (!store.hasSplit(name)) {
            throw new ConfigException(key + " = " + name + ": the store " + store.dir() + " has splits "
                    + store.splitNames());
        }
        return store.split(name);
    }

    private static boolean useLines(String sampler, TokenSplit train, TokenSplit val) {
        switch (sampler.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return train.hasLines() && val.hasLines();
            case "lines":
                if (!train.hasLines() || !val.hasLines()) {
                    throw new ConfigException("data.sampler = lines, but the store has no line index "
                            + "(only line corpora such as `amem prepare qf` have one); use windows");
                }
                return true;
            case "windows":
                return false;
            default:
                throw new ConfigException("data.sampler = " + sampler + " is not one of auto, windows, lines");
        }
    }

    public TokenStore store() {
        return store;
    }

    /** Whether batches are whole lines (padded, with a loss mask) rather than fixed windows. */
    public boolean lines() {
        return lines;
    }

    public BatchSampler train() {
        return train;
    }

    public List<EvalSet> evalSets() {
        return evalSets;
    }

    /** Question-Formation task sets (dev, test, gen) evaluated with the losses; empty for other stores. */
    public List<QfTaskSet> taskSets() {
        return taskSets;
    }

    /** Questions per task set at each evaluation; 0 = all. */
    public int taskItems() {
        return taskItems;
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
