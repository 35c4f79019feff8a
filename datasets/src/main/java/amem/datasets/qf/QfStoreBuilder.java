package amem.datasets.qf;

import amem.datasets.store.SplitWriter;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes a Question-Formation corpus — generated, or imported from reference files — as a word-level token store:
 * splits {@code train}, {@code val} (the dev set), {@code test} and {@code gen}, one example per line (each with a
 * line index), {@code vocab.txt} in {@link QfVocabulary} order, a task file per evaluation split
 * ({@link QfTaskSet}), and {@code meta.json} whose {@code source} records where the lines came from, the grammar
 * weights, the figures docs/THEORY.md §6 compares with the reference files, each split's {@link QfStatistics} and the
 * entropy figures ({@link QfEntropy}) under {@code source.entropy}.
 *
 * <p>A generated store's entropy figures are those of its generating grammar: the closed form is the loss floor for
 * fresh samples of it. An imported store has no generating grammar we know: the weights are fitted to its train lines
 * ({@link QfWeightFit}, deduplication-corrected) and each split's figure is that fitted grammar's cross-entropy on the
 * split's lines, an estimate (an upper reference a model can beat), with the fitted grammar's own entropy rate beside it.
 */
public final class QfStoreBuilder {
    /** {@code source.kind} of stores written here. */
    public static final String KIND = "question-formation";
    /** Tokenizer name in {@code meta.json}: ids index {@code vocab.txt}. */
    public static final String TOKENIZER = "word";
    /** Splits whose lines the entropy's cross-entropy is reported on (gen lines have probability 0 under the training distribution). */
    private static final List<String> ENTROPY_SPLITS = List.of("train", "val", "test");

    private QfStoreBuilder() {}

    /**
     * Generates the corpus for {@code options} and writes it to {@code out} (atomically, see {@link TokenStoreWriter}).
     *
     * @param progress receives one line per stage (generation, each split written, entropy), e.g. for a CLI log
     */
    public static TokenStore write(QfOptions options, Path out, boolean overwrite, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        QfCorpus corpus = QfCorpusGenerator.generate(options);
        progress.accept(String.format("question-formation: generated %d lines (seed %d) in %.2f s", options.inDistributionLines()
                + options.genLines(), options.seed(), (System.nanoTime() - start) / 1e9));
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("origin", "generated");
        origin.put("train_lines", options.trainLines());
        origin.put("dev_lines", options.devLines());
        origin.put("test_lines", options.testLines());
        origin.put("gen_lines", options.genLines());
        origin.put("procedure", options.procedure().id());
        return write(corpus.byStoreSplit(), origin, options.weights(), GENERATED_SPLIT_WHAT, options.procedure() == QfProcedure.DISTINCT_SENTENCES,
                options.seed(), out, overwrite, progress, start);
    }

    /** Imports McCoy et al.'s reference files from {@code dir} (see {@link QfReferenceFiles}) and writes them to {@code out}. */
    public static TokenStore importReference(Path dir, Path out, boolean overwrite, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        Map<String, QfReferenceFiles.SplitFile> files = QfReferenceFiles.read(dir);
        Map<String, List<QfExample>> splits = new LinkedHashMap<>();
        Map<String, Object> fileRecords = new LinkedHashMap<>();
        for (Map.Entry<String, QfReferenceFiles.SplitFile> e : files.entrySet()) {
            splits.put(e.getKey(), e.getValue().examples());
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("path", e.getValue().file().toAbsolutePath().normalize().toString());
            file.put("bytes", Files.size(e.getValue().file()));
            file.put("lines", e.getValue().examples().size());
            fileRecords.put(e.getKey(), file);
        }
        progress.accept(String.format("question-formation: read %d reference files from %s in %.2f s", files.size(), dir,
                (System.nanoTime() - start) / 1e9));
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("origin", "reference files (McCoy et al. 2020 format)");
        origin.put("files", fileRecords);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("files", List.of(files.get("train").file().toAbsolutePath().normalize().toString()));
        QfWeights fitted = QfWeightFit.fit(splits.get("train"), "fitted to " + files.get("train").file().getFileName(), true,
                provenance).weights();
        progress.accept("question-formation: fitted the grammar's weights to the train lines (" + fitted.description() + ")");
        return write(splits, origin, fitted, IMPORTED_SPLIT_WHAT, false, null, out, overwrite, progress, start);
    }

    /** What a split's entropy figure is in a generated store. */
    public static final String GENERATED_SPLIT_WHAT = "cross-entropy of the generating grammar on this split's lines (an estimate of its"
            + " entropy rate from this sample; the corpus skips repeats, so it differs slightly from the closed form)";
    /** What a split's entropy figure is in an imported store. */
    public static final String IMPORTED_SPLIT_WHAT = "cross-entropy of the grammar fitted to the train lines (grammar_weights) on this"
            + " split's lines: an estimate, an upper reference a model can beat, not a floor; the fitted grammar's own entropy"
            + " rate is closed_form";

    private static TokenStore write(Map<String, List<QfExample>> splits, Map<String, Object> origin, QfWeights weights,
                                    String splitWhat, boolean deduplicatedEstimate, Long seed, Path out, boolean overwrite,
                                    Consumer<String> progress, long start) throws IOException {
        QfVocabulary vocabulary = QfVocabulary.standard();
        QfEntropy entropy = QfEntropy.of(weights);
        try (TokenStoreWriter writer = TokenStoreWriter.create(out, TOKENIZER, vocabulary.size(), overwrite)) {
            Map<String, Object> meanTokens = new LinkedHashMap<>();
            Map<String, Object> statistics = new LinkedHashMap<>();
            Map<String, QfEntropy.CrossEntropy> crossEntropy = new LinkedHashMap<>();
            Map<String, Object> tasks = new LinkedHashMap<>();
            QfSplitStats trainStats = QfSplitStats.of(new QfStatistics());
            for (Map.Entry<String, List<QfExample>> split : splits.entrySet()) {
                String name = split.getKey();
                SplitWriter lines = writer.split(name, true);
                QfStatistics stats = new QfStatistics();
                QfEntropy.Accumulator nats = entropy.accumulator();
                List<int[]> ids = new ArrayList<>(split.getValue().size());
                for (QfExample example : split.getValue()) {
                    int[] line = example.ids(vocabulary);
                    lines.write(line, 0, line.length);
                    lines.endLine();
                    stats.add(line);
                    ids.add(line);
                    if (ENTROPY_SPLITS.contains(name)) {
                        nats.add(line);
                    }
                }
                meanTokens.put(name, round(stats.meanLineTokens()));
                statistics.put(name, stats.toMap());
                if (ENTROPY_SPLITS.contains(name)) {
                    crossEntropy.put(name, nats.result());
                }
                if (QfTaskSet.SPLITS.contains(name)) {
                    writer.extraFile(QfTaskSet.fileName(name), QfTaskSet.build(name, ids));
                    tasks.put(name, QfTaskSet.fileName(name));
                }
                progress.accept("question-formation: " + name + ": " + QfSplitStats.of(stats));
                if (name.equals("train")) {
                    trainStats = QfSplitStats.of(stats);
                }
            }
            long inDistribution = ENTROPY_SPLITS.stream().mapToLong(name -> splits.getOrDefault(name, List.of()).size()).sum();
            // the deduplicated estimate models the distinct-sentence procedure only
            QfEntropy.Deduplicated deduplicated = deduplicatedEstimate && inDistribution > 0 ? entropy.deduplicated(inDistribution) : null;
            Map<String, Object> entropyRecord = entropy.record(crossEntropy, deduplicated, splitWhat);
            progress.accept(String.format("question-formation: grammar weights %s: entropy rate %.4f nats per predicted token"
                            + " (closed form, the floor for fresh samples of this grammar)%s; its cross-entropy on train lines %.4f"
                            + " (estimate)", weights.name(), entropy.closedForm().natsPerPredictedToken(),
                    deduplicated == null ? "" : String.format(", %.4f for the deduplicated corpus (estimate)",
                            deduplicated.figures().natsPerPredictedToken()),
                    crossEntropy.containsKey("train") ? crossEntropy.get("train").natsPerPredictedToken() : Double.NaN));
            writer.vocabulary(vocabulary.words());
            writer.source(source(origin, weights, trainStats, meanTokens, statistics, entropyRecord, tasks));
            if (seed != null) {
                writer.seed(seed);
            }
            TokenStore store = writer.commit();
            progress.accept(String.format("question-formation: wrote %s in %.2f s", store.dir(), (System.nanoTime() - start) / 1e9));
            return store;
        }
    }

    private static Map<String, Object> source(Map<String, Object> origin, QfWeights weights, QfSplitStats train, Map<String, Object> meanTokens,
                                              Map<String, Object> statistics, Map<String, Object> entropy,
                                              Map<String, Object> tasks) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", KIND);
        source.put("grammar", "docs/THEORY.md §6 (McCoy et al. 2020)");
        Map<String, Object> grammarWeights = new LinkedHashMap<>();
        grammarWeights.put("name", weights.name());
        grammarWeights.put("description", weights.description());
        if (!weights.fitted().isEmpty()) {
            grammarWeights.put("fitted", weights.fitted());
        }
        grammarWeights.put("rules", weights.asMap());
        source.put("grammar_weights", grammarWeights);
        source.put("line_format", "source . quest|decl target ?|.");
        source.putAll(origin);
        source.put("question_share_train", round(train.questionShare()));
        source.put("mean_line_tokens", round(train.meanLineTokens()));
        source.put("mean_line_tokens_by_split", meanTokens);
        source.put("min_line_tokens", train.minLineTokens());
        source.put("max_line_tokens", train.maxLineTokens());
        source.put("tasks", tasks);
        source.put("statistics", statistics);
        source.put("entropy", entropy);
        return source;
    }

    private static double round(double value) {
        return Math.round(value * 1e4) / 1e4;
    }
}
