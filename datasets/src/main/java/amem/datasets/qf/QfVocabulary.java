package amem.datasets.qf;

import amem.datasets.tokenize.WordTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The 68-token word-level vocabulary, in a fixed order that token stores rely on:
 * ids 0–3 are {@code .} {@code ?} {@code quest} {@code decl}, then the 64 grammar words category by category
 * in docs/THEORY.md §6 order (6 Det, 13 N_S, 13 N_P, 9 V_intrans, 9 V_trans, 2 Aux_S, 2 Aux_P, 8 Prep, 2 Rel).
 * Id 0 ({@code .}) doubles as padding in batches, where the loss mask hides it. The ids themselves are a
 * {@link WordTokenizer} (what a store's {@code vocab.txt} holds), so any tool that reads word-level stores reads
 * these.
 */
public final class QfVocabulary {
    public static final String PERIOD = ".";
    public static final String QUESTION_MARK = "?";
    /** Number of grammar words docs/THEORY.md §6 specifies; checked when the vocabulary is built. */
    public static final int GRAMMAR_WORDS = 64;

    private static final QfVocabulary STANDARD = new QfVocabulary();

    private final WordTokenizer tokenizer;

    private QfVocabulary() {
        List<String> all = new ArrayList<>(List.of(PERIOD, QUESTION_MARK, QfTask.QUEST.token(), QfTask.DECL.token()));
        int specials = all.size();
        for (QfCategory c : QfCategory.values()) {
            all.addAll(c.words());
        }
        if (all.size() - specials != GRAMMAR_WORDS) {
            throw new IllegalStateException("the grammar has " + (all.size() - specials) + " words, docs/THEORY.md §6 has " + GRAMMAR_WORDS);
        }
        this.tokenizer = new WordTokenizer(all, "the Question-Formation vocabulary");
    }

    /** The vocabulary described above. */
    public static QfVocabulary standard() {
        return STANDARD;
    }

    /** The vocabulary as a word-level tokenizer. */
    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    public int size() {
        return tokenizer.vocabSize();
    }

    /** Token strings by id. */
    public List<String> words() {
        return tokenizer.words();
    }

    public int id(String word) {
        return tokenizer.id(word);
    }

    public String word(int id) {
        return tokenizer.word(id);
    }

    /** Ids of {@code words}, in order. */
    public int[] ids(List<String> words) {
        return tokenizer.ids(words);
    }

    /** Words of {@code ids}, in order. */
    public List<String> words(int[] ids) {
        return tokenizer.words(ids);
    }

    /** Ids of the four auxiliaries (do, does, don't, doesn't): the candidates of the question task metric. */
    public int[] auxiliaryIds() {
        List<String> aux = new ArrayList<>(QfCategory.AUX_S.words());
        aux.addAll(QfCategory.AUX_P.words());
        return ids(aux);
    }
}
