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
 * ({@link QfTaskSet}), and {@code meta.json} whose {@code source} records where the lines came from, the figures
 * docs/THEORY.md §6 compares with the reference files, each split's {@link QfStatistics} and the exact entropy
 * ({@link QfEntropy}) under {@code source.entropy}.
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
        return write(corpus.byStoreSplit(), origin, options.seed(), out, overwrite, progress, start);
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
        return write(splits, origin, null, out, overwrite, progress, start);
    }

    private static TokenStore write(Map<String, List<QfExample>> splits, Map<String, Object> origin, Long seed, Path out,
                                    boolean overwrite, Consumer<String> progress, long start) throws IOException {
        QfVocabulary vocabulary = QfVocabulary.standard();
        QfEntropy entropy = QfEntropy.standard();
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
            QfEntropy.Deduplicated deduplicated = inDistribution > 0 ? entropy.deduplicated(inDistribution) : null;
            Map<String, Object> entropyRecord = entropy.record(crossEntropy, deduplicated);
            progress.accept(String.format("question-formation: entropy per predicted token %.4f nats (closed form), %.4f"
                            + " (deduplicated corpus, estimate); the grammar on train lines %.4f", entropy.closedForm().natsPerPredictedToken(),
                    deduplicated == null ? Double.NaN : deduplicated.figures().natsPerPredictedToken(),
                    crossEntropy.containsKey("train") ? crossEntropy.get("train").natsPerPredictedToken() : Double.NaN));
            writer.vocabulary(vocabulary.words());
            writer.source(source(origin, trainStats, meanTokens, statistics, entropyRecord, tasks));
            if (seed != null) {
                writer.seed(seed);
            }
            TokenStore store = writer.commit();
            progress.accept(String.format("question-formation: wrote %s in %.2f s", store.dir(), (System.nanoTime() - start) / 1e9));
            return store;
        }
    }

    private static Map<String, Object> source(Map<String, Object> origin, QfSplitStats train, Map<String, Object> meanTokens,
                                              Map<String, Object> statistics, Map<String, Object> entropy,
                                              Map<String, Object> tasks) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", KIND);
        source.put("grammar", "docs/THEORY.md §6 (McCoy et al. 2020)");
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
