package amem.datasets.qf;

import amem.datasets.grammar.Inside;
import amem.datasets.grammar.Pcfg;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exact entropy of the Question-Formation training lines drawn from a given grammar (docs/THEORY.md §3, §6): a loss
 * floor for fresh samples of <em>that</em> grammar only. For lines drawn any other way (another grammar's, a
 * deduplicated corpus, someone else's files) the same grammar's cross-entropy on those lines is an estimate, an upper
 * reference that a model fitted to the lines can beat; it is no floor.
 *
 * <p><b>The distribution.</b> A training line is drawn as the generator draws it: a sentence {@code s} from the
 * grammar, a fair coin for {@code decl} / {@code quest}, a deterministic target; questions whose subject carries a
 * relative clause go to the generalisation pool instead, so the training distribution is
 * <pre>
 *   p(s decl) = ½ p(s) / Z,   p(s quest) = ½ q(s) / Z,   Z = ½ + ½ Σ q(s)
 * </pre>
 * where {@code p(s)} is the inside probability of {@code s} (summed over its derivations) and {@code q(s)} the inside
 * probability under the grammar without the subject-relative-clause alternatives of {@code NP_M_S} / {@code NP_M_P}
 * (not renormalised), i.e. the mass of the derivations of {@code s} that the generator would not move to the
 * generalisation pool. The grammar is unambiguous, so {@code q(s)} is {@code p(s)} or 0, but nothing here relies
 * on it.
 *
 * <p><b>The closed form.</b> No word is in two categories, so all sentences with one category sequence {@code c}
 * have probability {@code P(c) · Π 1/|c_i|}, where {@code P(c)} sums the derivations that yield {@code c}; the
 * grammar is not recursive, so the sequences (272 derivations) can be enumerated and
 * {@code E[−log p(line)]}, {@code E[len]} and the first word's entropy summed exactly.
 *
 * <p><b>Token conventions.</b> A line is {@code source . task target}, every token counted, no end token (none is
 * needed: {@code .} ends the declarative and the target has a fixed length, so no line is a prefix of another).
 * "per token" divides {@code −log p(line)} by all tokens. "per predicted token" is what a model's loss measures:
 * it trains on a line as one sequence and predicts every token but the first, so its ideal loss is
 * {@code Σ_{t≥2} −log p(x_t | x_<t) = −log p(line) + log p(x_1)} over {@code len − 1} tokens, with {@code p(x_1)}
 * the marginal of the first word (a determiner, 1/6 each). The latter is directly comparable to the losses in
 * {@code eval.csv}.
 */
public final class QfEntropy {
    /** Written into {@code meta.json} beside the figures. */
    public static final String CONVENTION = "nats; tokens are all tokens of a line (source words, '.', the task token, the target"
            + " words, the final '?' or '.'), no BOS/EOS token (lines are prefix-free without one). per_token: -log p(line)"
            + " / tokens. per_predicted_token: the model's loss convention (LineSampler predicts tokens 2..n of each line):"
            + " (-log p(line) + log p(first token)) / (tokens - 1), p(first token) its marginal under the same distribution";
    /** The line distribution, in words. */
    public static final String DISTRIBUTION = "training lines: sentence from the grammar with the weights named in"
            + " grammar_weights (inside probability, all derivations), fair decl/quest coin, quest lines whose subject has a"
            + " relative clause removed and the rest renormalised by Z, deterministic target";
    /** What the closed form is, for meta.json. */
    public static final String CLOSED_FORM_WHAT = "entropy rate of the generating grammar (closed form): the loss floor for"
            + " fresh samples of that grammar only; not a floor for lines drawn any other way";

    private static final QfEntropy STANDARD = new QfEntropy(QfGrammar.theory().pcfg(), QfWeights.THEORY);
    private static final Map<String, QfEntropy> BY_WEIGHTS = new ConcurrentHashMap<>();

    /** Figures of the closed form. */
    public record ClosedForm(double natsPerLine, double meanLineTokens, double firstTokenNats, double normaliser) {
        public double natsPerToken() {
            return natsPerLine / meanLineTokens;
        }

        public double natsPerPredictedToken() {
            return (natsPerLine - firstTokenNats) / (meanLineTokens - 1);
        }
    }

    /** The grammar's cross-entropy on a set of lines. */
    public record CrossEntropy(long lines, long tokens, double nats, double predictedNats, long outside) {
        public double natsPerToken() {
            return nats / tokens;
        }

        public double natsPerPredictedToken() {
            return predictedNats / (tokens - lines);
        }
    }

    /** One category sequence: its structural probabilities, how many sentences it has, and their line length. */
    private record Sequence(List<String> categories, double all, double kept, double sentences, int lineTokens) {}

    private final Pcfg full;
    private final String weightsName;
    private final List<Sequence> sequences = new ArrayList<>();
    private final Inside insideFull;
    private final Inside insideKept;
    private final boolean disjoint;
    private final ClosedForm closedForm;
    private final Map<String, Double> firstWordProbability = new HashMap<>();
    private final Map<List<String>, double[]> structureCache = new ConcurrentHashMap<>();

    QfEntropy(Pcfg full, String weightsName) {
        this.full = full;
        this.weightsName = weightsName;
        Pcfg kept = full.restrict("NP_M_S", QfEntropy::hasRelativeClause).restrict("NP_M_P", QfEntropy::hasRelativeClause);
        this.insideFull = new Inside(full);
        this.insideKept = new Inside(kept);
        this.disjoint = full.categoriesAreDisjoint();
        this.closedForm = closedForm(full.preterminalSequences("S"), kept.preterminalSequences("S"));
    }

    /** The entropy of the grammar with docs/THEORY.md §6's weights. */
    public static QfEntropy standard() {
        return STANDARD;
    }

    /** The entropy of the grammar with {@code weights} (cached by the profile's JSON, so two profiles of one name do not mix). */
    public static QfEntropy of(QfWeights weights) {
        if (weights.name().equals(QfWeights.THEORY)) {
            return STANDARD;
        }
        return BY_WEIGHTS.computeIfAbsent(weights.toJson(), k -> new QfEntropy(QfGrammar.of(weights).pcfg(), weights.name()));
    }

    private static boolean hasRelativeClause(List<String> symbols) {
        return symbols.stream().anyMatch(s -> s.startsWith("RC_"));
    }

    public ClosedForm closedForm() {
        return closedForm;
    }

    private ClosedForm closedForm(Map<List<String>, Double> all, Map<List<String>, Double> kept) {
        if (!disjoint) {
            throw new IllegalStateException("the closed form needs lexical categories without shared words");
        }
        for (Map.Entry<List<String>, Double> e : all.entrySet()) {
            double sentences = 1;
            for (String category : e.getKey()) {
                sentences *= full.words(category).size();
            }
            sequences.add(new Sequence(e.getKey(), e.getValue(), kept.getOrDefault(e.getKey(), 0.0), sentences,
                    2 * e.getKey().size() + 3));
        }
        double z = 0.5 + 0.5 * kept.values().stream().mapToDouble(Double::doubleValue).sum();
        double nats = 0;
        double length = 0;
        Map<String, Double> firstCategory = new LinkedHashMap<>();
        for (Sequence c : sequences) {
            double lexical = Math.log(c.sentences());
            double decl = 0.5 * c.all() / z;
            double quest = 0.5 * c.kept() / z;
            nats += decl * (-Math.log(decl) + lexical);
            if (quest > 0) {
                nats += quest * (-Math.log(quest) + lexical);
            }
            length += (decl + quest) * c.lineTokens();
            firstCategory.merge(c.categories().get(0), decl + quest, Double::sum);
        }
        double firstNats = 0;
        for (Map.Entry<String, Double> e : firstCategory.entrySet()) {
            int words = full.words(e.getKey()).size();
            double perWord = e.getValue() / words;
            firstNats -= e.getValue() * Math.log(perWord);
            for (String w : full.words(e.getKey())) {
                firstWordProbability.put(w, perWord);
            }
        }
        return new ClosedForm(nats, length, firstNats, z);
    }

    /**
     * An estimate of the entropy of one line of a deduplicated corpus of {@code lines} in-distribution lines (train, dev
     * and test together), which is what the stored corpus is: the generator draws sentences until that many distinct
     * ones have gone to the in-distribution pool, so a sentence of probability {@code p} is in it with probability
     * {@code 1 − exp(−M p)} (Poisson approximation), with the number of draws {@code M} solved from the pool size; it
     * enters as {@code decl} with probability ½ and as {@code quest} with probability {@code ½ q(s)/p(s)} (0 when a
     * relative clause on the subject sends its questions away). A line of the corpus then has probability
     * {@code (1 − exp(−M p)) · ½ / lines} (decl) or {@code (1 − exp(−M p)) · ½ q/p / lines} (quest). This favours rare sentences exactly as deduplication does (its mean line
     * length matches the generated corpus'), and is the reference for a model that has learnt the corpus' distribution but not
     * memorised which sentences its training split already used (an estimate: for that model, not a proven floor).
     * The first token is still a uniform determiner.
     */
    public Deduplicated deduplicated(long lines) {
        if (lines <= 0) {
            throw new IllegalArgumentException("line count must be positive, got " + lines);
        }
        double low = 1;
        double high = 1;
        while (poolSize(high) < lines) {
            high *= 2;
            if (high > 1e18) {
                throw new IllegalArgumentException(lines + " distinct lines exceed what the grammar can produce");
            }
        }
        for (int i = 0; i < 200 && high / low > 1 + 1e-12; i++) {
            double mid = Math.sqrt(low * high);
            if (poolSize(mid) < lines) {
                low = mid;
            } else {
                high = mid;
            }
        }
        double draws = high;
        double nats = 0;
        double length = 0;
        Map<String, Double> firstCategory = new LinkedHashMap<>();
        for (Sequence c : sequences) {
            double inPool = -Math.expm1(-draws * c.all() / c.sentences());
            double decl = 0.5 * inPool / lines;
            double quest = 0.5 * inPool * (c.kept() / c.all()) / lines;
            double mass = c.sentences() * (decl + quest);
            nats += c.sentences() * decl * -Math.log(decl);
            if (quest > 0) {
                nats += c.sentences() * quest * -Math.log(quest);
            }
            length += mass * c.lineTokens();
            firstCategory.merge(c.categories().get(0), mass, Double::sum);
        }
        double firstNats = 0;
        for (Map.Entry<String, Double> e : firstCategory.entrySet()) {
            firstNats -= e.getValue() * Math.log(e.getValue() / full.words(e.getKey()).size());
        }
        return new Deduplicated(new ClosedForm(nats, length, firstNats, closedForm.normaliser()), lines, draws);
    }

    /** The deduplicated-corpus estimate and its parameters. */
    public record Deduplicated(ClosedForm figures, long lines, double draws) {}

    /** Expected in-distribution pool size after {@code draws} sentence draws. */
    private double poolSize(double draws) {
        double size = 0;
        for (Sequence c : sequences) {
            double inPool = -Math.expm1(-draws * c.all() / c.sentences());
            size += c.sentences() * inPool * (0.5 + 0.5 * c.kept() / c.all());
        }
        return size;
    }

    /**
     * Natural log of the line's probability under the training distribution; {@code −∞} for a line it cannot produce
     * (not a grammatical declarative, a wrong target, or a question about a subject with a relative clause).
     */
    public double logProbability(List<String> line) {
        int task = line.indexOf(QfTask.QUEST.token());
        int decl = line.indexOf(QfTask.DECL.token());
        if (task < 0 || (decl >= 0 && decl < task)) {
            task = decl;
        }
        if (task < 2 || !line.get(task - 1).equals(QfVocabulary.PERIOD)) {
            return Double.NEGATIVE_INFINITY;
        }
        List<String> words = line.subList(0, task - 1);
        QfTask kind = QfTask.ofToken(line.get(task));
        QfExample example;
        try {
            example = new QfExample(QfSentence.parse(String.join(" ", words)), kind);
        } catch (IllegalArgumentException notInGrammar) {
            return Double.NEGATIVE_INFINITY;
        }
        if (!example.tokens().equals(line)) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] pq = sentenceProbabilities(words);
        double p = kind == QfTask.DECL ? pq[0] : pq[1];
        return p == 0 ? Double.NEGATIVE_INFINITY : Math.log(0.5 * p / closedForm.normaliser());
    }

    /** Natural log of the probability that a line starts with {@code word}. */
    public double firstTokenLogProbability(String word) {
        Double p = firstWordProbability.get(word);
        return p == null ? Double.NEGATIVE_INFINITY : Math.log(p);
    }

    /**
     * {@code {p(s), q(s)}} by the inside algorithm. Sentences with the same category sequence differ only by the word
     * probabilities (categories share no word), so the structural part {@code inside / Π p(w | c)} is computed once per
     * sequence and reused.
     */
    double[] sentenceProbabilities(List<String> words) {
        List<String> categories = new ArrayList<>(words.size());
        double lexical = 1;
        for (String w : words) {
            List<String> c = full.categoriesOf(w);
            if (c.isEmpty()) {
                return new double[] {0, 0};
            }
            categories.add(c.get(0));
            lexical *= full.wordProbability(c.get(0), w);
        }
        if (!disjoint) {
            return new double[] {insideFull.probability("S", words), insideKept.probability("S", words)};
        }
        double[] structure = structureCache.computeIfAbsent(List.copyOf(categories), k -> {
            double norm = 1;
            for (int i = 0; i < words.size(); i++) {
                norm *= full.wordProbability(k.get(i), words.get(i));
            }
            return new double[] {insideFull.probability("S", words) / norm, insideKept.probability("S", words) / norm};
        });
        return new double[] {structure[0] * lexical, structure[1] * lexical};
    }

    /** Uncached inside probabilities {@code {p(s), q(s)}}, for tests that compare with the cached path. */
    double[] insideProbabilities(List<String> words) {
        return new double[] {insideFull.probability("S", words), insideKept.probability("S", words)};
    }

    /** Accumulates the cross-entropy of lines given as token ids of the standard vocabulary. */
    public final class Accumulator {
        private long lines;
        private long tokens;
        private double nats;
        private double predicted;
        private long outside;

        public void add(int[] ids) {
            List<String> line = QfVocabulary.standard().words(ids);
            double logP = logProbability(line);
            if (Double.isInfinite(logP)) {
                outside++;
                return;
            }
            lines++;
            tokens += ids.length;
            nats -= logP;
            predicted -= logP - firstTokenLogProbability(line.get(0));
        }

        public CrossEntropy result() {
            return new CrossEntropy(lines, tokens, nats, predicted, outside);
        }
    }

    public Accumulator accumulator() {
        return new Accumulator();
    }

    /**
     * The {@code entropy} record of {@code meta.json}: closed form, the deduplicated-corpus estimate (null: left out)
     * and the grammar's cross-entropy per split.
     */
    public Map<String, Object> record(Map<String, CrossEntropy> splits, Deduplicated deduplicated, String splitWhat) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("convention", CONVENTION);
        out.put("distribution", DISTRIBUTION);
        out.put("grammar_weights", weightsName);
        Map<String, Object> closed = new LinkedHashMap<>();
        closed.put("what", CLOSED_FORM_WHAT);
        closed.put("nats_per_token", closedForm.natsPerToken());
        closed.put("nats_per_predicted_token", closedForm.natsPerPredictedToken());
        closed.put("nats_per_line", closedForm.natsPerLine());
        closed.put("mean_line_tokens", closedForm.meanLineTokens());
        closed.put("first_token_nats", closedForm.firstTokenNats());
        closed.put("normaliser_z", closedForm.normaliser());
        out.put("closed_form", closed);
        if (deduplicated != null) {
            Map<String, Object> dedup = new LinkedHashMap<>();
            dedup.put("what", "estimate for one line of a corpus of in_distribution_lines distinct-sentence lines, as generated:"
                    + " sentence s is in it with probability 1 - exp(-draws p(s)) (Poisson approximation)");
            dedup.put("in_distribution_lines", deduplicated.lines());
            dedup.put("draws", Math.round(deduplicated.draws()));
            dedup.put("nats_per_token", deduplicated.figures().natsPerToken());
            dedup.put("nats_per_predicted_token", deduplicated.figures().natsPerPredictedToken());
            dedup.put("mean_line_tokens", deduplicated.figures().meanLineTokens());
            out.put("deduplicated_estimate", dedup);
        }
        for (Map.Entry<String, CrossEntropy> e : splits.entrySet()) {
            CrossEntropy c = e.getValue();
            Map<String, Object> split = new LinkedHashMap<>();
            split.put("what", splitWhat);
            split.put("lines", c.lines());
            split.put("tokens", c.tokens());
            split.put("nats_per_token", c.natsPerToken());
            split.put("nats_per_predicted_token", c.natsPerPredictedToken());
            split.put("lines_outside_distribution", c.outside());
            out.put(e.getKey(), split);
        }
        return out;
    }
}
