package amem.datasets.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.qf.QfGrammar;
import amem.datasets.qf.QfSentence;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InsideTest {
    /** Prepositional-phrase attachment, recursion through NP and PP, and a word ("saw") in two categories. */
    private static final Pcfg TOY = Pcfg.parse("""
            S  -> NP VP
            VP -> 3: V NP | 1: V NP PP | 1: V
            NP -> 2: D N | 1: D N PP
            PP -> P NP
            """, lexicon());

    private static Map<String, List<String>> lexicon() {
        Map<String, List<String>> lex = new LinkedHashMap<>();
        lex.put("D", List.of("the", "a"));
        lex.put("N", List.of("man", "dog", "telescope", "saw"));
        lex.put("V", List.of("saw", "barked"));
        lex.put("P", List.of("with", "near"));
        return lex;
    }

    private static List<String> words(String s) {
        return List.of(s.split(" "));
    }

    @Test
    void insideEqualsTheSumOverBruteForceDerivationsOfAnAmbiguousGrammar() {
        Inside inside = new Inside(TOY);
        String[] sentences = {
            "the man barked",
            "the man saw a dog",
            "the man saw a dog with the telescope",             // two attachments
            "the man saw a dog with the telescope near a saw",  // three
            "the saw saw the saw",                              // lexical ambiguity resolved by position
            "a dog with a man near the telescope barked"};
        long[] parses = {1, 1, 2, 3, 1, 1};
        for (int i = 0; i < sentences.length; i++) {
            BruteForce.Total brute = BruteForce.derivations(TOY, "S", words(sentences[i]));
            assertEquals(parses[i], brute.derivations(), sentences[i]);
            assertEquals(brute.probability(), inside.probability("S", words(sentences[i])), 1e-15 * brute.probability(), sentences[i]);
        }
        // "the man saw a dog with the telescope": (3/5·VP -> V NP with NP -> D N PP) + (1/5·VP -> V NP PP)
        double np = 2.0 / 3 / 2 / 4;         // NP -> D N: rule 2/3, each word 1/2 and 1/4
        double npPp = 1.0 / 3 / 2 / 4;       // NP -> D N PP, before the PP
        double pp = 1.0 / 2 * np;            // PP -> P NP
        double v = 1.0 / 2;
        double expected = np * (3.0 / 5 * v * npPp * pp + 1.0 / 5 * v * np * pp);
        assertEquals(expected, inside.probability("S", words("the man saw a dog with the telescope")), 1e-18);
        assertEquals(0, inside.probability("S", words("the man saw a")));
        assertEquals(0, inside.probability("S", words("the unicorn barked")));
    }

    @Test
    void insideEqualsBruteForceOnQuestionFormationSentences() {
        Pcfg qf = QfGrammar.theory().pcfg();
        Inside inside = new Inside(qf);
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < 60; i++) {
            QfSentence s = QfGrammar.theory().sample(rng);
            BruteForce.Total brute = BruteForce.derivations(qf, "S", s.words());
            assertEquals(1, brute.derivations(), "the grammar is unambiguous: " + s);
            assertEquals(brute.probability(), inside.probability("S", s.words()), 1e-12 * brute.probability(), s.toString());
        }
        // docs/THEORY.md's example: S -> NP_M_S VP_M_S (1/2); NP_M_S -> Det N_S RC_S (1/3); RC_S -> Rel Aux_S V_intrans (2/6);
        // VP_M_S -> Aux_S V_intrans (1/2); words: Det 1/6, N_S 1/13, Rel 1/2, Aux 1/2 twice, V_intrans 1/9 twice
        double expected = 0.5 * (1.0 / 3) * (2.0 / 6) * 0.5 / 6 / 13 / 2 / 2 / 9 / 2 / 9;
        assertEquals(expected, inside.probability("S", words("my walrus that does sleep doesn't giggle")), 1e-12 * expected);
    }

    @Test
    void preterminalSequencesOfTheGrammarSumToOne() {
        Map<List<String>, Double> all = QfGrammar.theory().pcfg().preterminalSequences("S");
        assertEquals(1.0, all.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
        assertEquals(272, all.size(), "2 × 8 subjects × 17 verb phrases, all distinct");
        Pcfg kept = QfGrammar.theory().pcfg().restrict("NP_M_S", s -> s.contains("RC_S")).restrict("NP_M_P", s -> s.contains("RC_P"));
        assertEquals(2.0 / 3, kept.preterminalSequences("S").values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
        assertThrows(IllegalStateException.class, () -> TOY.preterminalSequences("S"), "recursive grammars cannot be enumerated");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pcfg.parse("A -> B | x\nB -> A", Map.of("x", List.of("x"))));
        assertTrue(e.getMessage().contains("cycle of unary rules"), e.getMessage());
    }
}
