package amem.datasets.qf;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar's lexical categories and their words, in docs/THEORY.md §6 order. Each category's words are
 * equally likely; no word belongs to two categories, which keeps every sentence's parse unique.
 */
public enum QfCategory {
    DET("Det", "the", "some", "my", "your", "our", "her"),
    N_S("N_S", "newt", "orangutan", "peacock", "quail", "raven", "salamander", "tyrannosaurus", "unicorn",
            "vulture", "walrus", "xylophone", "yak", "zebra"),
    N_P("N_P", "newts", "orangutans", "peacocks", "quails", "ravens", "salamanders", "tyrannosauruses", "unicorns",
            "vultures", "walruses", "xylophones", "yaks", "zebras"),
    V_INTRANS("V_intrans", "giggle", "smile", "sleep", "swim", "wait", "move", "change", "read", "eat"),
    V_TRANS("V_trans", "entertain", "amuse", "high_five", "applaud", "confuse", "admire", "accept", "remember", "comfort"),
    AUX_S("Aux_S", "does", "doesn't"),
    AUX_P("Aux_P", "do", "don't"),
    PREP("Prep", "around", "near", "with", "upon", "by", "behind", "above", "below"),
    REL("Rel", "who", "that");

    private static final Map<String, QfCategory> BY_WORD = new HashMap<>();
    private static final Map<String, QfCategory> BY_SYMBOL = new HashMap<>();

    static {
        for (QfCategory c : values()) {
            BY_SYMBOL.put(c.symbol, c);
            for (String w : c.words) {
                if (BY_WORD.put(w, c) != null) {
                    throw new IllegalStateException("word '" + w + "' is in two categories");
                }
            }
        }
    }

    private final String symbol;
    private final List<String> words;

    QfCategory(String symbol, String... words) {
        this.symbol = symbol;
        this.words = List.of(words);
    }

    /** The grammar symbol, as written in docs/THEORY.md ({@code N_S}, {@code V_intrans}, ...). */
    public String symbol() {
        return symbol;
    }

    public List<String> words() {
        return words;
    }

    /** Whether this is an auxiliary ({@code Aux_S} or {@code Aux_P}), the words the question transform moves. */
    public boolean isAuxiliary() {
        return this == AUX_S || this == AUX_P;
    }

    /** The category of a grammar word, or null for anything else (punctuation, task tokens, unknown words). */
    public static QfCategory of(String word) {
        return BY_WORD.get(word);
    }

    /** The category with grammar symbol {@code symbol}, or null when it is a non-terminal. */
    static QfCategory bySymbol(String symbol) {
        return BY_SYMBOL.get(symbol);
    }
}
