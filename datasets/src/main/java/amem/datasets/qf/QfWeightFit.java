package amem.datasets.qf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maximum-likelihood rule probabilities of the Question-Formation grammar from training lines.
 *
 * <p><b>The model.</b> A training line is what {@link QfCorpusGenerator} draws: a sentence from the grammar, a fair
 * decl/quest coin, and questions whose subject has a relative clause sent away (to the generalisation pool). So a decl
 * line's sentence is a sample of {@code p(s)}, a quest line's a sample of {@code p(s)} truncated to subjects without a
 * relative clause. The likelihood is maximised by EM: each line's derivations (from {@link QfDerivations}; one per
 * line in this grammar, so the E-step's sharing-out only matters for grammars with ambiguity) contribute their rule
 * uses, and the questions the truncation removed are the missing data: with {@code Q} the current probability of a
 * subject without relative clause, {@code n_quest (1 − Q) / Q} unseen questions are added with the expected rule uses
 * of a relative-clause subject. The M-step normalises the counts per non-terminal. Without truncation this is one
 * step of relative frequencies; with it, a few dozen iterations to 1e-12.
 *
 * <p><b>Deduplicated files.</b> A corpus drawn with repeats skipped (McCoy et al.'s files have no repeated line)
 * under-represents the category sequences with few distinct lines: {@code k} distinct lines of a sequence with
 * {@code K} possible lines are what about {@code d = −K ln(1 − k/K)} draws leave (the expected number of distinct
 * values among {@code d} uniform draws from {@code K} is {@code K (1 − e^{−d/K})}). With {@code dedupCorrected}
 * the fit counts {@code d} instead of {@code k} per sequence and task; only the shortest sentences (4 words, 1,404 per
 * noun number) are affected measurably. This assumes the lines are the first ones drawn, as in a sequential split.
 */
public final class QfWeightFit {
    private static final int MAX_ITERATIONS = 100_000;
    private static final double TOLERANCE = 1e-12;

    /** The fitted probabilities and what the fit saw. */
    public record Result(QfWeights weights, long declLines, long questLines, int iterations, double logLikelihood,
                         double questCoin) {}

    private QfWeightFit() {}

    /**
     * Fits the rule probabilities to {@code lines} (questions about subjects with relative clauses are not allowed:
     * they belong to the generalisation set).
     *
     * @param name the profile's name
     * @param dedupCorrected count the draws that a deduplicated sample implies rather than its lines (see the class comment)
     * @param provenance recorded under {@code fitted} beside the fit's own figures
     */
    public static Result fit(List<QfExample> lines, String name, boolean dedupCorrected, Map<String, Object> provenance) {
        QfGrammar grammar = QfGrammar.theory();
        QfDerivations derivations = new QfDerivations(grammar.pcfg());
        Map<List<String>, long[]> counts = new HashMap<>();
        long decl = 0;
        long quest = 0;
        for (QfExample line : lines) {
            List<String> categories = new ArrayList<>(line.sentence().words().size());
            for (String w : line.sentence().words()) {
                categories.add(QfCategory.of(w).symbol());
            }
            boolean isQuest = line.task() == QfTask.QUEST;
            if (isQuest && line.sentence().subjectHasRelativeClause()) {
                throw new IllegalArgumentException("a question about a subject with a relative clause is a generalisation line, not a"
                        + " training line: " + String.join(" ", line.tokens()));
            }
            counts.computeIfAbsent(List.copyOf(categories), k -> new long[2])[isQuest ? 1 : 0]++;
            if (isQuest) {
                quest++;
            } else {
                decl++;
            }
        }
        if (decl + quest == 0) {
            throw new IllegalArgumentException("no lines to fit the weights to");
        }
        List<List<String>> sequences = new ArrayList<>(counts.keySet());
        double[][] weight = new double[sequences.size()][2];
        double questDraws = 0;
        for (int i = 0; i < sequences.size(); i++) {
            long[] k = counts.get(sequences.get(i));
            double sentences = 1;
            for (String c : sequences.get(i)) {
                sentences *= grammar.pcfg().words(c).size();
            }
            for (int t = 0; t < 2; t++) {
                weight[i][t] = dedupCorrected ? draws(k[t], sentences) : k[t];
            }
            questDraws += weight[i][1];
        }
        double[] theta = new double[derivations.alternatives()];
        QfWeights start = QfWeights.theory();
        for (String lhs : derivations.nonTerminals()) {
            double[] p = start.rules().get(lhs);
            for (int a = 0; a < p.length; a++) {
                theta[derivations.index(lhs, a)] = p[a];
            }
        }
        int iteration = 0;
        double logLikelihood = Double.NaN;
        double kept = Double.NaN;
        for (; iteration < MAX_ITERATIONS; iteration++) {
            double[] expected = new double[theta.length];
            double[] probability = new double[derivations.all().size()];
            double relativeMass = 0;
            for (int d = 0; d < probability.length; d++) {
                probability[d] = QfDerivations.probability(derivations.all().get(d), theta);
                if (derivations.all().get(d).subjectRelativeClause()) {
                    relativeMass += probability[d];
                }
            }
            kept = 1 - relativeMass;
            Map<QfDerivations.Derivation, Double> byDerivation = new HashMap<>();
            for (int d = 0; d < probability.length; d++) {
                byDerivation.put(derivations.all().get(d), probability[d]);
            }
            logLikelihood = 0;
            for (int i = 0; i < sequences.size(); i++) {
                List<QfDerivations.Derivation> ds = derivations.of(sequences.get(i));
                if (ds.isEmpty()) {
                    throw new IllegalStateException("no derivation yields " + sequences.get(i));
                }
                double all = 0;
                double notRelative = 0;
                for (QfDerivations.Derivation d : ds) {
                    all += byDerivation.get(d);
                    notRelative += d.subjectRelativeClause() ? 0 : byDerivation.get(d);
                }
                logLikelihood += weight[i][0] * Math.log(all) + (weight[i][1] > 0 ? weight[i][1] * Math.log(notRelative / kept) : 0);
                for (QfDerivations.Derivation d : ds) {
                    double share = weight[i][0] * byDerivation.get(d) / all
                            + (d.subjectRelativeClause() || weight[i][1] == 0 ? 0 : weight[i][1] * byDerivation.get(d) / notRelative);
                    add(expected, d.uses(), share);
                }
            }
            double unseen = questDraws * relativeMass / kept;
            for (int d = 0; d < probability.length; d++) {
                if (derivations.all().get(d).subjectRelativeClause()) {
                    add(expected, derivations.all().get(d).uses(), unseen * probability[d] / relativeMass);
                }
            }
            double change = 0;
            for (String lhs : derivations.nonTerminals()) {
                int[] range = derivations.range(lhs);
                double total = 0;
                for (int a = range[0]; a < range[1]; a++) {
                    total += expected[a];
                }
                for (int a = range[0]; a < range[1]; a++) {
                    if (expected[a] == 0) {
                        throw new IllegalArgumentException("no line uses the rule " + lhs + " alternative " + (a - range[0] + 1)
                                + ": its probability cannot be estimated from these lines");
                    }
                    double next = expected[a] / total;
                    change = Math.max(change, Math.abs(next - theta[a]));
                    theta[a] = next;
                }
            }
            if (change < TOLERANCE) {
                iteration++;
                break;
            }
        }
        Map<String, double[]> rules = new LinkedHashMap<>();
        for (String lhs : derivations.nonTerminals()) {
            int[] range = derivations.range(lhs);
            double[] p = new double[range[1] - range[0]];
            System.arraycopy(theta, range[0], p, 0, p.length);
            rules.put(lhs, p);
        }
        // the coin's own maximum-likelihood value, for comparison with the fair coin the generator uses:
        // P(quest line) = (1 - pi) Q / (pi + (1 - pi) Q)  =>  pi = Q n_decl / (Q n_decl + n_quest)
        double questCoin = 1 - kept * decl / (kept * decl + quest);
        Map<String, Object> fitted = new LinkedHashMap<>(provenance);
        fitted.put("method", "maximum likelihood (EM over derivations; unseen questions about relative-clause subjects as missing"
                + " data" + (dedupCorrected ? "; counts corrected for deduplication: -K ln(1 - k/K) draws per sequence and task" : "")
                + "); words of a category equally likely");
        fitted.put("decl_lines", decl);
        fitted.put("quest_lines", quest);
        fitted.put("em_iterations", iteration);
        fitted.put("fitted_quest_coin", Math.round(questCoin * 1e6) / 1e6);
        String description = "maximum-likelihood fit to " + (decl + quest) + " lines";
        return new Result(new QfWeights(name, description, rules, fitted), decl, quest, iteration, logLikelihood, questCoin);
    }

    /** Draws with replacement from {@code sentences} values that leave {@code distinct} distinct ones, in expectation. */
    static double draws(long distinct, double sentences) {
        if (distinct == 0) {
            return 0;
        }
        double fraction = Math.min(distinct / sentences, 1 - 0.5 / sentences);
        return -sentences * Math.log1p(-fraction);
    }

    private static void add(double[] into, int[] uses, double times) {
        for (int i = 0; i < uses.length; i++) {
            if (uses[i] > 0) {
                into[i] += times * uses[i];
            }
        }
    }
}
