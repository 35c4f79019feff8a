package amem.datasets.qf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates a Question-Formation corpus with the weights and split procedure of its {@link QfOptions}.
 *
 * <p>One {@link SplittableRandom} seeded with {@link QfOptions#seed()} drives everything, so a seed gives the same
 * corpus on every machine. Sentences are drawn from {@link QfGrammar#of} the options' weights and a fair coin picks
 * {@code decl} or {@code quest}. What is skipped, which questions go to the generalisation pool, and how the
 * in-distribution pool is cut into train, dev and test is the {@link QfProcedure}'s: McCoy's skips repeated lines,
 * cuts in draw order and keeps questions with a relative clause on the object out of the generalisation pool; the
 * distinct-sentence procedure skips repeated sentences and shuffles before cutting. A question whose subject carries a
 * relative clause goes to the generalisation pool if the clause's auxiliary differs from the main one (there "move the
 * first auxiliary" and "move the main auxiliary" disagree) and is dropped otherwise. Drawing stops when both pools are
 * full.
 */
public final class QfCorpusGenerator {
    /** Draws allowed per requested line before giving up: distinct lines are plentiful, so this only stops runaway requests. */
    private static final int DRAWS_PER_LINE = 50;

    private QfCorpusGenerator() {}

    public static QfCorpus generate(QfOptions options) {
        SplittableRandom rng = new SplittableRandom(options.seed());
        QfGrammar grammar = QfGrammar.of(options.weights());
        boolean mccoy = options.procedure() == QfProcedure.MCCOY;
        long wantedIn = options.inDistributionLines();
        List<QfExample> in = new ArrayList<>((int) wantedIn);
        List<QfExample> gen = new ArrayList<>(options.genLines());
        Set<List<String>> seen = new HashSet<>();
        long maxDraws = DRAWS_PER_LINE * (wantedIn + options.genLines()) + 1_000_000L;
        for (long draws = 0; in.size() < wantedIn || gen.size() < options.genLines(); draws++) {
            if (draws == maxDraws) {
                throw new IllegalStateException("found only " + in.size() + " of " + wantedIn + " in-distribution and "
                        + gen.size() + " of " + options.genLines() + " generalisation lines in " + maxDraws + " draws");
            }
            QfSentence sentence = grammar.sample(rng);
            if (!mccoy && !seen.add(sentence.words())) {
                continue;
            }
            QfExample example = new QfExample(sentence, rng.nextBoolean() ? QfTask.QUEST : QfTask.DECL);
            if (mccoy && !seen.add(example.tokens())) {
                continue;
            }
            if (!example.isGeneralisationCase()) {
                if (in.size() < wantedIn) {
                    in.add(example);
                }
            } else if (!sentence.relativeClauseAux().equals(sentence.mainAux()) && gen.size() < options.genLines()
                    && !(mccoy && objectHasRelativeClause(sentence))) {
                gen.add(example);
            }
        }
        if (!mccoy) {
            // sentences met early are the frequent, short ones: a sequential cut would give train shorter lines than test
            shuffle(in, rng);
        }
        int train = options.trainLines();
        int dev = options.devLines();
        return new QfCorpus(in.subList(0, train), in.subList(train, train + dev), in.subList(train + dev, in.size()), gen);
    }

    /** Whether a relative pronoun follows the main auxiliary, i.e. the object noun phrase has a relative clause. */
    static boolean objectHasRelativeClause(QfSentence sentence) {
        List<String> words = sentence.words();
        for (int i = sentence.mainAuxIndex() + 1; i < words.size(); i++) {
            if (QfCategory.of(words.get(i)) == QfCategory.REL) {
                return true;
            }
        }
        return false;
    }

    private static void shuffle(List<QfExample> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            list.set(j, list.set(i, list.get(j)));
        }
    }
}
