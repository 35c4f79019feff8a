package amem.datasets.qf;

import amem.datasets.grammar.Pcfg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The weighted context-free grammar of docs/THEORY.md §6 (McCoy et al.'s {@code cfgs/question.gr}), sampled top-down,
 * with the rule weights of docs/THEORY.md ({@link #theory()}) or any other {@link QfWeights} ({@link #of}).
 *
 * <p>The rules below are docs/THEORY.md's text, parsed at class load, so the two can be compared line by line
 * ({@code ROOT -> S .} is the sentence plus the period {@link QfSentence#declarative()} appends). A rule's
 * probability is its weight (default 1) over the sum of weights of its left-hand side; a lexical category
 * picks each of its words with equal probability. Sampling keeps the derivation tree just long enough to
 * locate the main auxiliary (the first word after the subject noun phrase) and the auxiliary of a relative
 * clause on the subject. The parsed rules are a {@link Pcfg}, which the entropy computation ({@link QfEntropy})
 * shares, so the sampler and the probabilities cannot disagree.
 */
public final class QfGrammar {
    static final String RULES = """
            S      -> NP_M_S VP_M_S | NP_M_P VP_M_P
            NP_M_S -> Det N_S | Det N_S Prep Det N | Det N_S RC_S
            NP_M_P -> Det N_P | Det N_P Prep Det N | Det N_P RC_P
            NP_O   -> Det N_S | Det N_P | Det N_S Prep Det N | Det N_P Prep Det N | Det N_S RC_S | Det N_P RC_P
            N      -> N_S | N_P
            VP_M_S -> Aux_S V_intrans | Aux_S V_trans NP_O
            VP_M_P -> Aux_P V_intrans | Aux_P V_trans NP_O
            RC_S   -> 2: Rel Aux_S V_intrans | 1: Rel Det N_S Aux_S V_trans | 1: Rel Det N_P Aux_P V_trans | 2: Rel Aux_S V_trans Det N
            RC_P   -> 2: Rel Aux_P V_intrans | 1: Rel Det N_S Aux_S V_trans | 1: Rel Det N_P Aux_P V_trans | 2: Rel Aux_P V_trans Det N
            """;

    private record Node(String symbol, int start, int end, List<Node> children) {}

    private static final QfGrammar THEORY = new QfGrammar(Pcfg.parse(RULES, lexicon()));

    private final Pcfg grammar;

    private QfGrammar(Pcfg grammar) {
        this.grammar = grammar;
    }

    /** The grammar with docs/THEORY.md §6's weights (McCoy et al.'s {@code question.gr}): weight 1 except the relative clauses'. */
    public static QfGrammar theory() {
        return THEORY;
    }

    /** The grammar with the rule probabilities of {@code weights}. */
    public static QfGrammar of(QfWeights weights) {
        return new QfGrammar(THEORY.grammar.reweighted(weights.rules()));
    }

    /** The grammar, its start symbol {@code S} deriving the words of a declarative (without its period). */
    public Pcfg pcfg() {
        return grammar;
    }

    /** Lexical category symbol → its words, in docs/THEORY.md order. */
    private static Map<String, List<String>> lexicon() {
        Map<String, List<String>> lexicon = new LinkedHashMap<>();
        for (QfCategory c : QfCategory.values()) {
            lexicon.put(c.symbol(), c.words());
        }
        return lexicon;
    }

    /** Draws one declarative sentence. */
    public QfSentence sample(RandomGenerator rng) {
        List<String> words = new ArrayList<>(16);
        Node root = expand("S", rng, words);
        Node subject = root.children().get(0);
        String relativeClauseAux = null;
        for (Node child : subject.children()) {
            if (child.symbol().startsWith("RC_")) {
                relativeClauseAux = auxiliaryOf(child, words);
            }
        }
        return new QfSentence(words, subject.end(), relativeClauseAux);
    }

    private Node expand(String symbol, RandomGenerator rng, List<String> words) {
        int start = words.size();
        QfCategory category = QfCategory.bySymbol(symbol);
        if (category != null) {
            words.add(category.words().get(rng.nextInt(category.words().size())));
            return new Node(symbol, start, start + 1, List.of());
        }
        Pcfg.Rule rule = grammar.rule(symbol);
        // integer weights draw an integer ticket, as before fractional weights existed, so a seed's §6 corpus is unchanged
        boolean integral = rule.alternatives().stream().allMatch(a -> a.weight() == Math.rint(a.weight()));
        double ticket = integral ? rng.nextInt((int) rule.totalWeight()) : rng.nextDouble() * rule.totalWeight();
        Pcfg.Alternative chosen = null;
        for (Pcfg.Alternative a : rule.alternatives()) {
            chosen = a;
            ticket -= a.weight();
            if (ticket < 0) {
                break;
            }
        }
        List<Node> children = new ArrayList<>(chosen.symbols().size());
        for (String s : chosen.symbols()) {
            children.add(expand(s, rng, words));
        }
        return new Node(symbol, start, words.size(), children);
    }

    private static String auxiliaryOf(Node relativeClause, List<String> words) {
        for (Node child : relativeClause.children()) {
            if (QfCategory.bySymbol(child.symbol()) != null && QfCategory.bySymbol(child.symbol()).isAuxiliary()) {
                return words.get(child.start());
            }
        }
        throw new IllegalStateException("relative clause without auxiliary: every RC rule has one");
    }
}
