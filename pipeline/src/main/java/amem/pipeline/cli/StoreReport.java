package amem.pipeline.cli;

import amem.datasets.ProgressListener;
import amem.datasets.qf.QfEntropy;

import amem.datasets.qf.QfStatistics;
import amem.datasets.qf.QfTaskSet;
import amem.datasets.qf.QfVocabulary;
import amem.datasets.qf.QfWeights;
import amem.datasets.store.SplitMeta;
import amem.datasets.store.TokenFileScan;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreException;
import amem.datasets.store.TokenStoreMeta;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code amem data info} prints: a store's metadata as a reader wants it (splits as a table, {@code source} and
 * {@code subset} as indented fields with long lists shortened), for Question-Formation stores the corpus statistics of
 * every split (computed from the tokens), the entropy figures and the task sets, and the checksum verification.
 */
final class StoreReport {
    /** Source fields shown in their own section (Question-Formation) instead of the generic listing. */
    private static final Set<String> QF_SECTIONS = Set.of("statistics", "entropy");
    private static final int LIST_ITEMS = 4;

    private final TokenStore store;
    private final PrintStream out;

    StoreReport(TokenStore store, PrintStream out) {
        this.store = store;
        this.out = out;
    }

    void print() throws IOException {
        TokenStoreMeta meta = store.meta();
        out.printf("store      %s%n", store.dir().toAbsolutePath().normalize());
        if (meta.inferred()) {
            out.println("           no meta.json: read as a nanoGPT directory (GPT-2 ids, uint16); no checksums recorded."
                    + " `amem prepare nanogpt` adopts it with checksums.");
        } else {
            out.printf("format     %s, created %s%n", meta.format(), meta.created());
        }
        out.printf("tokenizer  %s, vocabulary %,d%s, %s%n", meta.tokenizer(), meta.vocabSize(),
                meta.vocabFile() == null ? "" : " (" + meta.vocabFile() + ")", meta.dtype().jsonName());
        if (meta.seed() != null) {
            out.printf("seed       %d%n", meta.seed());
        }
        out.println("splits");
        for (Map.Entry<String, SplitMeta> e : meta.splits().entrySet()) {
            SplitMeta s = e.getValue();
            Path file = store.dir().resolve(s.file());
            String link = Files.isSymbolicLink(file) ? " -> " + Files.readSymbolicLink(file) : "";
            out.printf(Locale.ROOT, "  %-6s %,15d tokens  %14s documents%s  %s%s  sha256 %s%n", e.getKey(), s.tokens(),
                    s.documents() == null ? "?" : String.format(Locale.ROOT, "%,d", s.documents()),
                    s.linesIndex() == null ? "" : "  (lines)", s.file(), link, s.sha256() == null ? "not recorded" : s.sha256());
        }
        boolean qf = QfVocabulary.standard().words().equals(store.vocabulary());
        if (meta.source() != null) {
            out.println("source");
            Map<String, Object> shown = new LinkedHashMap<>(meta.source());
            if (qf) {
                shown.keySet().removeAll(QF_SECTIONS);
            }
            render(shown, "  ");
        }
        if (meta.subset() != null) {
            out.println("subset");
            render(meta.subset(), "  ");
        }
        if (qf) {
            printQuestionFormation();
        }
    }

    private void printQuestionFormation() throws IOException {
        out.println("question-formation statistics (from the tokens)");
        Map<String, QfEntropy.CrossEntropy> computed = new LinkedHashMap<>();
        Object weightsRecord = store.meta().source() == null ? null : store.meta().source().get("grammar_weights");
        @SuppressWarnings("unchecked")
        QfWeights weights = QfWeights.fromRecord((Map<String, ?>) weightsRecord, store.dir() + "/meta.json source.grammar_weights");
        QfEntropy entropy = QfEntropy.of(weights);
        boolean imported = store.meta().source() != null && store.meta().source().get("files") != null;
        for (String name : store.splitNames()) {
            TokenSplit split = store.split(name);
            if (!split.hasLines()) {
                continue;
            }
            QfStatistics stats = new QfStatistics();
            QfEntropy.Accumulator nats = entropy.accumulator();
            for (int l = 0; l < split.lineCount(); l++) {
                int[] line = split.line(l);
                stats.add(line);
                if (!name.equals("gen")) {
                    nats.add(line);
                }
            }
            out.printf("  %-6s %s%n", name, stats.describe());
            if (!name.equals("gen")) {
                computed.put(name, nats.result());
            }
        }
        Object recorded = store.meta().source() == null ? null : store.meta().source().get("entropy");
        QfEntropy.ClosedForm closed = entropy.closedForm();
        out.printf("entropy (nats) of the grammar with weights %s%s%n", weights.name(), recorded == null ? " — computed now, not in meta.json" : "");
        out.println(imported
                ? "  the weights are fitted to this store's train lines: the closed form is the fitted grammar's entropy rate and each"
                    + " split's figure its cross-entropy on the split (estimates, not floors: a model can beat them)"
                : "  the generating grammar: its closed form is the loss floor for fresh samples of it; each split's figure is its"
                    + " cross-entropy on that split's lines");
        out.printf(Locale.ROOT, "  %-22s %8s %22s%n", "", "per token", "per predicted token");
        out.printf(Locale.ROOT, "  %-22s %8.4f %22.4f%n", "closed form", closed.natsPerToken(), closed.natsPerPredictedToken());
        long inDistribution = computed.values().stream().mapToLong(c -> c.lines() + c.outside()).sum();
        if (inDistribution > 0 && !imported && !"mccoy".equals(store.meta().source().get("procedure"))) {
            QfEntropy.ClosedForm dedup = entropy.deduplicated(inDistribution).figures();
            out.printf(Locale.ROOT, "  %-22s %8.4f %22.4f  (estimate for %,d distinct-sentence lines)%n", "deduplicated corpus",
                    dedup.natsPerToken(), dedup.natsPerPredictedToken(), inDistribution);
        }
        for (Map.Entry<String, QfEntropy.CrossEntropy> e : computed.entrySet()) {
            QfEntropy.CrossEntropy c = e.getValue();
            out.printf(Locale.ROOT, "  %-22s %8.4f %22.4f%s%n", "grammar on " + e.getKey() + " lines", c.natsPerToken(), c.natsPerPredictedToken(),
                    c.outside() > 0 ? String.format(Locale.ROOT, "  (%,d lines outside the training distribution left out)", c.outside()) : "");
        }
        out.println("  per predicted token: the first token of each line is not predicted, as in training (compare with eval.csv);");
        out.println("  convention: " + QfEntropy.CONVENTION);
        List<String> tasks = new ArrayList<>();
        for (String split : QfTaskSet.SPLITS) {
            if (QfTaskSet.exists(store, split)) {
                tasks.add(String.format(Locale.ROOT, "%s %,d", split, QfTaskSet.load(store, split).size()));
            }
        }
        out.println("task sets  " + (tasks.isEmpty() ? "none" : String.join(", ", tasks) + " questions (" + "<split>.task.json)"));
    }

    /**
     * Recomputes every token file's sha256 and compares it with {@code meta.json}.
     *
     * @throws TokenStoreException naming the files whose digest differs
     */
    void verify(ProgressListener progress) throws IOException {
        List<String> mismatches = new ArrayList<>();
        List<String> results = new ArrayList<>();
        for (Map.Entry<String, SplitMeta> e : store.meta().splits().entrySet()) {
            Path file = store.dir().resolve(e.getValue().file());
            String expected = e.getValue().sha256();
            if (expected == null) {
                results.add(String.format("  %-6s not recorded (nothing to verify)", e.getKey()));
                continue;
            }
            String actual = TokenFileScan.sha256(file, progress, "sha256 " + file.getFileName());
            if (actual.equalsIgnoreCase(expected)) {
                results.add(String.format("  %-6s ok", e.getKey()));
            } else {
                results.add(String.format("  %-6s MISMATCH: expected %s, actual %s", e.getKey(), expected, actual));
                mismatches.add(file + " (expected " + expected + ", actual " + actual + ")");
            }
        }
        if (progress instanceof DataProgress p) {
            p.finish();
        }
        out.println("checksums");
        results.forEach(out::println);
        if (!mismatches.isEmpty()) {
            // Either the token file or the checksum recorded for it changed: name both files.
            throw new TokenStoreException("sha256 mismatch between " + store.dir().resolve("meta.json") + " and "
                    + String.join("; ", mismatches));
        }
    }

    /** Fields one per line; nested maps indented; long lists shortened to their first items and their length. */
    private void render(Map<?, ?> map, String indent) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested && !nested.isEmpty()) {
                out.println(indent + e.getKey() + ":");
                render(nested, indent + "  ");
            } else if (v instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
                out.println(indent + e.getKey() + ": " + list.size() + " entries (see meta.json)");
            } else if (v instanceof List<?> list && list.size() > LIST_ITEMS) {
                out.println(indent + e.getKey() + ": " + list.size() + " entries, first " + LIST_ITEMS + ": "
                        + list.subList(0, LIST_ITEMS).stream().map(StoreReport::scalar).toList());
            } else {
                out.println(indent + e.getKey() + ": " + scalar(v));
            }
        }
    }

    private static String scalar(Object v) {
        if (v instanceof Double d && Double.isFinite(d)) {
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }
}
