package amem.datasets.qf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QfGrammarTest {
    @Test
    void theoryExampleMovesTheMainAuxiliary() {
        QfSentence s = QfSentence.parse("my walrus that does sleep doesn't giggle .");
        assertEquals(5, s.mainAuxIndex());
        assertEquals("doesn't", s.mainAux());
        assertEquals("does", s.relativeClauseAux());
        assertEquals("doesn't my walrus that does sleep giggle ?", String.join(" ", s.question()));

        QfExample quest = new QfExample(s, QfTask.QUEST);
        assertEquals("my walrus that does sleep doesn't giggle . quest\tdoesn't my walrus that does sleep giggle ?",
                quest.toReferenceLine());
        assertEquals("my walrus that does sleep doesn't giggle . quest doesn't my walrus that does sleep giggle ?",
                String.join(" ", quest.tokens()));
        assertEquals("quest", quest.tokens().get(quest.taskIndex()));
        assertTrue(quest.isGeneralisationCase());
        QfExample decl = new QfExample(s, QfTask.DECL);
        assertEquals("my walrus that does sleep doesn't giggle . decl\tmy walrus that does sleep doesn't giggle .",
                decl.toReferenceLine());
        assertEquals(quest, QfExample.fromReferenceLine(quest.toReferenceLine()));
        assertEquals(decl, QfExample.fromReferenceLine(decl.toReferenceLine()));
    }

    @Test
    void parserFindsAuxiliariesAfterPrepositionsAndObjectRelatives() {
        QfSentence pp = QfSentence.parse("the newts near your yak do applaud some quail who doesn't swim");
        assertEquals(5, pp.mainAuxIndex());
        assertNull(pp.relativeClauseAux(), "a relative clause on the object does not count");
        QfSentence objectRelative = QfSentence.parse("her unicorn that our ravens don't admire does read");
        assertEquals("don't", objectRelative.relativeClauseAux());
        assertEquals(7, objectRelative.mainAuxIndex());
    }

    @Test
    void parserRejectsAgreementErrorsNamingThePosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QfSentence.parse("the newts near your yak does giggle"));
        assertEquals("not a Question-Formation declarative: expected Aux_P at word 6, got 'does',"
                + " in 'the newts near your yak does giggle'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> QfSentence.parse("the newt does giggle your yak"));
        assertThrows(IllegalArgumentException.class, () -> QfExample.fromReferenceLine(
                "the newt does giggle . quest\tthe newt does giggle ?"));
    }

    @Test
    void everySampleParsesBackToTheSameAnalysis() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++) {
            QfSentence s = QfGrammar.theory().sample(rng);
            assertEquals(s, QfSentence.parse(String.join(" ", s.words())));
            int n = s.words().size();
            assertTrue(n >= 4 && n <= 16, "sentence of " + n + " words: " + s);
        }
    }

    /** Empirical rule frequencies against the probabilities the docs/THEORY.md weights imply. */
    @Test
    void samplesFollowTheRuleWeights() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 60_000;
        int plural = 0;
        int subjectRelative = 0;
        int subjectPreposition = 0;
        int transitive = 0;
        int relativeIntransitive = 0;
        int objectRelative = 0;
        int firstWordThe = 0;
        for (int i = 0; i < n; i++) {
            QfSentence s = QfGrammar.theory().sample(rng);
            List<String> w = s.words();
            plural += QfCategory.of(w.get(1)) == QfCategory.N_P ? 1 : 0;
            subjectPreposition += QfCategory.of(w.get(2)) == QfCategory.PREP ? 1 : 0;
            transitive += QfCategory.of(w.get(s.mainAuxIndex() + 1)) == QfCategory.V_TRANS ? 1 : 0;
            firstWordThe += w.get(0).equals("the") ? 1 : 0;
            if (s.subjectHasRelativeClause()) {
                subjectRelative++;
                boolean intransitive = QfCategory.of(w.get(4)) == QfCategory.V_INTRANS;
                relativeIntransitive += intransitive ? 1 : 0;
                objectRelative += QfCategory.of(w.get(3)) == QfCategory.DET ? 1 : 0;
            }
        }
        assertNear(0.5, plural / (double) n, "plural subject (S -> two equal rules)");
        assertNear(1 / 3.0, subjectRelative / (double) n, "subject with relative clause");
        assertNear(1 / 3.0, subjectPreposition / (double) n, "subject with prepositional phrase");
        assertNear(0.5, transitive / (double) n, "transitive main verb");
        assertNear(1 / 6.0, firstWordThe / (double) n, "Det 'the'");
        assertNear(2 / 6.0, relativeIntransitive / (double) subjectRelative, "RC weight 2: Rel Aux V_intrans");
        assertNear(2 / 6.0, objectRelative / (double) subjectRelative, "RC weights 1+1: object relatives");
    }

    private static void assertNear(double expected, double actual, String what) {
        assertTrue(Math.abs(expected - actual) < 0.012, what + ": expected ≈ " + expected + ", measured " + actual);
    }

    @Test
    void questionOfASimpleSentence() {
        QfSentence s = QfSentence.parse("some yaks don't read");
        assertEquals(List.of("don't", "some", "yaks", "read", "?"), s.question());
        assertEquals(List.of("some", "yaks", "don't", "read", "."), s.declarative());
        assertFalse(s.subjectHasRelativeClause());
        assertFalse(new QfExample(s, QfTask.QUEST).isGeneralisationCase());
    }
}
