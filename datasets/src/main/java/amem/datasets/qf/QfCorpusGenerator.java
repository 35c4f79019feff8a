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
        // McCoy's generalisation set follows their grammar file's own weights (docs/THEORY.md §6), not the training lines'
        // distribution (docs/DATA.md), so it is drawn from that grammar once the in-distribution pool is full
        int wantedGen = mccoy ? 0 : options.genLines();
        for (long draws = 0; in.size() < wantedIn || gen.size() < wantedGen; draws++) {
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
            } else if (!sentence.relativeClauseAux().equals(sentence.mainAux()) && gen.size() < wantedGen) {
                gen.add(example);
            }
        }
        if (mccoy) {
            drawMccoyGeneralisation(gen, options.genLines(), seen, rng, maxDraws);
        }
        if (!mccoy) {
            // sentences met early are the frequent, short ones: a sequential cut would give train shorter lines than test
            shuffle(in, rng);
        }
        int train = options.trainLines();
        int dev = options.devLines();
        return new QfCorpus(in.subList(0, train), in.subList(train, train + dev), in.subList(train + dev, in.size()), gen);
    }

    /**
     * McCoy's generalisation set: sentences of the docs/THEORY.md §6 grammar (their {@code question.gr}), fair coin, kept when
     * the line is a question about a subject whose relative clause has another auxiliary than the main one, the object
     * has no relative clause, and the line is new. McCoy's set keeps §6's one third per relative-clause type after the
     * auxiliary condition; rejection alone would not (an object relative's auxiliary agrees with its own noun and
     * differs from the main one 3/4 of the time, a subject relative's 1/2), so object relatives are kept with
     * probability 2/3 on top.
     */
    private static void drawMccoyGeneralisation(List<QfExample> gen, int wanted, Set<List<String>> seen, SplittableRandom rng,
                                                long maxDraws) {
        QfGrammar grammar = QfGrammar.theory();
        for (long draws = 0; gen.size() < wanted; draws++) {
            if (draws == maxDraws) {
                throw new IllegalStateException("found only " + gen.size() + " of " + wanted + " generalisation lines in " + maxDraws
                        + " draws");
            }
            QfSentence sentence = grammar.sample(rng);
            QfExample example = new QfExample(sentence, rng.nextBoolean() ? QfTask.QUEST : QfTask.DECL);
            if (!example.isGeneralisationCase() || sentence.relativeClauseAux().equals(sentence.mainAux())
                    || objectHasRelativeClause(sentence)) {
                continue;
            }
            boolean objectRelative = QfCategory.of(sentence.words().get(3)) == QfCategory.DET; // Det N Rel Det N Aux V_trans
            if ((!objectRelative || rng.nextInt(3) < 2) && seen.add(example.tokens())) {
                gen.add(example);
            }
        }
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
