package amem.datasets.qf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QfWeightFitTest {

    /** Lines as the generator's model draws them, without skipping repeats: sentence, fair coin, relative-clause questions removed. */
    private static List<QfExample> sample(QfWeights weights, int lines, long seed) {
        QfGrammar grammar = QfGrammar.of(weights);
        SplittableRandom rng = new SplittableRandom(seed);
        List<QfExample> out = new ArrayList<>();
        while (out.size() < lines) {
            QfExample e = new QfExample(grammar.sample(rng), rng.nextBoolean() ? QfTask.QUEST : QfTask.DECL);
            if (!e.isGeneralisationCase()) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void recoversKnownWeightsWithinSamplingError() {
        QfWeights truth = QfWeights.mccoy();
        List<QfExample> lines = sample(truth, 20_000, 11);
        QfWeightFit.Result fit = QfWeightFit.fit(lines, "recovered", false, Map.of());
        // standard error of each probability: binomial over the expected number of expansions of its left-hand side
        // in the fitted model's complete data (observed lines plus the unseen relative-clause questions)
        QfDerivations derivations = new QfDerivations(QfGrammar.of(truth).pcfg());
        Map<String, Double> expansions = expectedExpansions(derivations, truth, fit.declLines() + fit.questLines());
        int checked = 0;
        for (String lhs : derivations.nonTerminals()) {
            double[] p = truth.rules().get(lhs);
            double[] q = fit.weights().rules().get(lhs);
            for (int a = 0; a < p.length; a++) {
                double se = Math.sqrt(p[a] * (1 - p[a]) / expansions.get(lhs));
                assertTrue(Math.abs(q[a] - p[a]) < 4 * se, lhs + " alternative " + a + ": fitted " + q[a] + ", true " + p[a]
                        + ", standard error " + se);
                checked++;
            }
        }
        assertEquals(28, checked);
        assertEquals(0.5, fit.questCoin(), 4 * Math.sqrt(0.25 / fit.declLines()));
    }

    /** Expected expansions of each non-terminal in {@code lines} training lines plus the unseen questions, under {@code w}. */
    private static Map<String, Double> expectedExpansions(QfDerivations derivations, QfWeights w, long lines) {
        double[] theta = new double[derivations.alternatives()];
        for (String lhs : derivations.nonTerminals()) {
            for (int a = 0; a < w.rules().get(lhs).length; a++) {
                theta[derivations.index(lhs, a)] = w.rules().get(lhs)[a];
            }
        }
        double kept = 0;
        for (QfDerivations.Derivation d : derivations.all()) {
            kept += d.subjectRelativeClause() ? 0 : QfDerivations.probability(d, theta);
        }
        // lines = n (1/2 + kept/2) sentences drawn; each drawn sentence expands S once
        double sentences = lines / (0.5 + 0.5 * kept);
        Map<String, Double> out = new HashMap<>();
        for (QfDerivations.Derivation d : derivations.all()) {
            double p = QfDerivations.probability(d, theta);
            for (String lhs : derivations.nonTerminals()) {
                int[] range = derivations.range(lhs);
                int uses = 0;
                for (int a = range[0]; a < range[1]; a++) {
                    uses += d.uses()[a];
                }
                out.merge(lhs, sentences * p * uses, Double::sum);
            }
        }
        return out;
    }

    @Test
    void theoryWeightsAreRecoveredToo() {
        QfWeightFit.Result fit = QfWeightFit.fit(sample(QfWeights.theory(), 20_000, 5), "t", false, Map.of());
        assertEquals(1.0 / 3, fit.weights().probability("NP_M_S", "Det N_S RC_S"), 0.02);
        assertEquals(2.0 / 6, fit.weights().probability("RC_P", "Rel Aux_P V_intrans"), 0.03);
    }

    @Test
    void dedupCorrectionInvertsTheExpectedDistinctCount() {
        // K (1 - exp(-d/K)) distinct values are expected from d draws
        double k = 2808;
        double d = 5000;
        assertEquals(d, QfWeightFit.draws(Math.round(k * -Math.expm1(-d / k)), k), 3);
        assertEquals(10, QfWeightFit.draws(10, 1e9), 1e-6);
    }

    @Test
    void refusesGeneralisationQuestions() {
        QfExample gen = QfExample.fromReferenceLine("my newt who does sleep doesn't swim . quest\tdoesn't my newt who does sleep swim ?");
        var e = assertThrows(IllegalArgumentException.class, () -> QfWeightFit.fit(List.of(gen), "x", false, Map.of()));
        assertTrue(e.getMessage().startsWith("a question about a subject with a relative clause is a generalisation line"), e.getMessage());
    }

    @Test
    void weightsRoundTripThroughJson() throws Exception {
        QfWeights w = QfWeights.mccoy();
        java.nio.file.Path f = java.nio.file.Files.createTempFile("w", ".json");
        java.nio.file.Files.writeString(f, w.toJson());
        QfWeights back = QfWeights.resolve(f.toString());
        for (String lhs : w.rules().keySet()) {
            for (int a = 0; a < w.rules().get(lhs).length; a++) {
                // reading renormalises each rule's numbers, which may move the last bit
                assertEquals(w.rules().get(lhs)[a], back.rules().get(lhs)[a], 1e-15, lhs);
            }
        }
        assertEquals(w.name(), back.name());
        assertEquals(((Number) w.fitted().get("decl_lines")).longValue(), ((Number) back.fitted().get("decl_lines")).longValue());
        java.nio.file.Files.delete(f);
    }
}
