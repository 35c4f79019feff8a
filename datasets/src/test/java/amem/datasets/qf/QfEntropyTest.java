package amem.datasets.qf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QfEntropyTest {
    private final QfEntropy entropy = QfEntropy.standard();

    /** Samples training lines the way the generator does (without deduplication) and averages -log p by the inside algorithm. */
    @Test
    void monteCarloAgreesWithTheClosedFormWithinItsStandardError() {
        QfEntropy.ClosedForm exact = entropy.closedForm();
        SplittableRandom rng = new SplittableRandom(2024);
        int n = 6000;
        double sum = 0;
        double sumSq = 0;
        double predictedSum = 0;
        double predictedSq = 0;
        double lengthSum = 0;
        double lengthSq = 0;
        for (int drawn = 0; drawn < n; ) {
            QfExample line = new QfExample(QfGrammar.theory().sample(rng), rng.nextBoolean() ? QfTask.QUEST : QfTask.DECL);
            if (line.isGeneralisationCase()) {
                continue;
            }
            drawn++;
            double[] pq = entropy.insideProbabilities(line.sentence().words()); // uncached inside algorithm
            double p = 0.5 * (line.task() == QfTask.DECL ? pq[0] : pq[1]) / exact.normaliser();
            double nats = -Math.log(p);
            assertEquals(-nats, entropy.logProbability(line.tokens()), 1e-9, "cached path agrees: " + line.tokens());
            double predicted = nats + entropy.firstTokenLogProbability(line.tokens().get(0));
            int len = line.tokens().size();
            sum += nats;
            sumSq += nats * nats;
            predictedSum += predicted / 1;
            predictedSq += predicted * predicted;
            lengthSum += len;
            lengthSq += (double) len * len;
        }
        assertWithin(exact.natsPerLine(), sum, sumSq, n, "nats per line");
        assertWithin(exact.meanLineTokens(), lengthSum, lengthSq, n, "tokens per line");
        assertWithin(exact.natsPerLine() - exact.firstTokenNats(), predictedSum, predictedSq, n, "nats per line after the first token");
        System.out.printf("QF entropy: closed form %.4f nats/line, %.3f tokens/line: %.4f nats/token, %.4f nats/predicted token;"
                        + " Monte Carlo (%d lines) %.4f ± %.4f nats/line%n", exact.natsPerLine(), exact.meanLineTokens(),
                exact.natsPerToken(), exact.natsPerPredictedToken(), n, sum / n, Math.sqrt((sumSq / n - sum * sum / n / n) / n));
    }

    private static void assertWithin(double exact, double sum, double sumSq, int n, String what) {
        double mean = sum / n;
        double se = Math.sqrt((sumSq / n - mean * mean) / (n - 1));
        assertTrue(Math.abs(mean - exact) < 4 * se, what + ": Monte Carlo " + mean + " ± " + se + " vs exact " + exact);
    }

    @Test
    void exactValuesFollowFromTheRules() {
        QfEntropy.ClosedForm exact = entropy.closedForm();
        assertEquals(5.0 / 6, exact.normaliser(), 1e-12, "Z = 1/2 + 1/2 · P(no relative clause on the subject) = 1/2 + 1/3");
        assertEquals(Math.log(6), exact.firstTokenNats(), 1e-12, "the first word is one of six determiners");
        assertEquals(Math.log(1.0 / 6), entropy.firstTokenLogProbability("the"), 1e-12);
        assertEquals(exact.natsPerLine() / exact.meanLineTokens(), exact.natsPerToken(), 1e-12);
        assertEquals((exact.natsPerLine() - Math.log(6)) / (exact.meanLineTokens() - 1), exact.natsPerPredictedToken(), 1e-12);
    }

    @Test
    void theDeduplicatedEstimateTendsToTheClosedFormForSmallCorpora() {
        QfEntropy.ClosedForm exact = entropy.closedForm();
        QfEntropy.Deduplicated few = entropy.deduplicated(20);
        assertEquals(exact.natsPerLine(), few.figures().natsPerLine(), 1e-2,
                "with few draws hardly anything repeats: the corpus is a sample of the training distribution");
        assertEquals(exact.meanLineTokens(), few.figures().meanLineTokens(), 5e-3);
        QfEntropy.Deduplicated many = entropy.deduplicated(111_000);
        assertTrue(many.figures().meanLineTokens() > exact.meanLineTokens() + 1.5, "deduplication favours longer, rarer lines");
        assertEquals(Math.log(6), many.figures().firstTokenNats(), 1e-9);
    }

    @Test
    void linesOutsideTheTrainingDistributionHaveProbabilityZero() {
        QfSentence s = QfSentence.parse("my walrus that does sleep doesn't giggle");
        List<String> decl = new QfExample(s, QfTask.DECL).tokens();
        List<String> quest = new QfExample(s, QfTask.QUEST).tokens();
        // decl: the sentence's probability (see InsideTest) × 1/2 coin / Z
        double sentence = 0.5 * (1.0 / 3) * (2.0 / 6) * 0.5 / 6 / 13 / 2 / 2 / 9 / 2 / 9;
        assertEquals(Math.log(0.5 * sentence / (5.0 / 6)), entropy.logProbability(decl), 1e-9);
        assertEquals(Double.NEGATIVE_INFINITY, entropy.logProbability(quest), "a generalisation question is never a training line");
        List<String> wrongTarget = new java.util.ArrayList<>(decl);
        wrongTarget.set(wrongTarget.size() - 2, "smile");
        assertEquals(Double.NEGATIVE_INFINITY, entropy.logProbability(wrongTarget));
    }

    @Test
    void storeRecordsTheFiguresWithTheirConvention(@TempDir Path tmp) throws IOException {
        TokenStore store = QfStoreBuilder.write(new QfOptions(3000, 200, 200, 200, 3), tmp.resolve("qf"), false, s -> {});
        Map<?, ?> record = (Map<?, ?>) store.meta().source().get("entropy");
        assertEquals(QfEntropy.CONVENTION, record.get("convention"));
        Map<?, ?> closed = (Map<?, ?>) record.get("closed_form");
        assertEquals(entropy.closedForm().natsPerPredictedToken(), (Double) closed.get("nats_per_predicted_token"), 1e-12);
        Map<?, ?> train = (Map<?, ?>) record.get("train");
        assertEquals(3000L, train.get("lines"));
        assertEquals(0L, train.get("lines_outside_distribution"));
        assertEquals(store.split("train").tokens(), train.get("tokens"));
        double perPredicted = (Double) train.get("nats_per_predicted_token");
        assertTrue(perPredicted > 0.9 && perPredicted < 1.1, "train lines: " + perPredicted);
        assertTrue(record.containsKey("val") && record.containsKey("test") && !record.containsKey("gen"));
    }
}
