package amem.datasets.grammar;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A weighted context-free grammar: rules {@code LHS -> [w:] A B | [w:] C ...} (weight 1 unless given; an
 * alternative's probability is its weight over the total weight of its left-hand side) over non-terminals and
 * pre-terminals (lexical categories), each of which emits one of its words with equal probability. No rule is empty,
 * so every symbol covers at least one word.
 *
 * <p>{@link #restrict} removes alternatives without renormalising, giving a sub-probability grammar whose inside
 * probability of a sentence is the probability mass of those derivations of the full grammar that avoid the removed
 * alternatives; the Question-Formation entropy uses it to leave out questions about subjects with relative clauses.
 */
public final class Pcfg {
    /** One right-hand side; {@code probability} is {@code weight / total weight of the left-hand side} in the full grammar. */
    public record Alternative(double weight, double probability, List<String> symbols) {}

    /** The alternatives of one left-hand side, in the order written. */
    public record Rule(String lhs, double totalWeight, List<Alternative> alternatives) {}

    private final Map<String, Rule> rules;
    private final Map<String, List<String>> lexicon;
    private final Map<String, List<String>> categoriesOfWord;

    private Pcfg(Map<String, Rule> rules, Map<String, List<String>> lexicon) {
        this.rules = rules;
        this.lexicon = lexicon;
        Map<String, List<String>> byWord = new HashMap<>();
        for (Map.Entry<String, List<String>> e : lexicon.entrySet()) {
            for (String w : e.getValue()) {
                byWord.computeIfAbsent(w, k -> new ArrayList<>()).add(e.getKey());
            }
        }
        this.categoriesOfWord = byWord;
        checkSymbols();
        checkUnaryCycles();
    }

    /**
     * Parses rule lines ({@code LHS -> [w:] A B | ...}) over the lexical categories of {@code lexicon}
     * (category → its words, in order).
     */
    public static Pcfg parse(String text, Map<String, List<String>> lexicon) {
        Map<String, Rule> rules = new LinkedHashMap<>();
        for (String line : text.strip().split("\n")) {
            String[] sides = line.split("->");
            if (sides.length != 2) {
                throw new IllegalArgumentException("grammar line '" + line.strip() + "' is not 'LHS -> alternatives'");
            }
            List<Double> weights = new ArrayList<>();
            List<List<String>> bodies = new ArrayList<>();
            double total = 0;
            for (String alt : sides[1].split("\\|")) {
                String body = alt.strip();
                double weight = 1;
                int colon = body.indexOf(':');
                if (colon >= 0) {
                    weight = Double.parseDouble(body.substring(0, colon).strip());
                    body = body.substring(colon + 1).strip();
                }
                if (!(weight > 0) || Double.isInfinite(weight) || body.isEmpty()) {
                    throw new IllegalArgumentException("grammar line '" + line.strip() + "': alternatives need a positive weight and symbols");
                }
                weights.add(weight);
                bodies.add(List.of(body.split("\\s+")));
                total += weight;
            }
            List<Alternative> alternatives = new ArrayList<>();
            for (int i = 0; i < bodies.size(); i++) {
                alternatives.add(new Alternative(weights.get(i), weights.get(i) / total, bodies.get(i)));
            }
            String lhs = sides[0].strip();
            if (rules.put(lhs, new Rule(lhs, total, List.copyOf(alternatives))) != null) {
                throw new IllegalArgumentException("grammar has two rule lines for '" + lhs + "'");
            }
        }
        Map<String, List<String>> lex = new LinkedHashMap<>();
        lexicon.forEach((k, v) -> lex.put(k, List.copyOf(v)));
        return new Pcfg(Collections.unmodifiableMap(rules), Collections.unmodifiableMap(lex));
    }

    /**
     * The same rules with new weights: {@code weights} maps a non-terminal to one positive weight per alternative, in
     * the order written (only the ratios matter); non-terminals it does not name keep theirs.
     */
    public Pcfg reweighted(Map<String, double[]> weights) {
        Map<String, Rule> copy = new LinkedHashMap<>(rules);
        for (Map.Entry<String, double[]> e : weights.entrySet()) {
            Rule rule = rule(e.getKey());
            double[] w = e.getValue();
            if (w.length != rule.alternatives().size()) {
                throw new IllegalArgumentException("'" + e.getKey() + "' has " + rule.alternatives().size() + " alternatives, got "
                        + w.length + " weights");
            }
            double total = 0;
            for (double x : w) {
                if (!(x > 0) || Double.isInfinite(x)) {
                    throw new IllegalArgumentException("weights of '" + e.getKey() + "' must be positive and finite, got " + x);
                }
                total += x;
            }
            List<Alternative> alternatives = new ArrayList<>();
            for (int i = 0; i < w.length; i++) {
                alternatives.add(new Alternative(w[i], w[i] / total, rule.alternatives().get(i).symbols()));
            }
            copy.put(e.getKey(), new Rule(e.getKey(), total, List.copyOf(alternatives)));
        }
        return new Pcfg(Collections.unmodifiableMap(copy), lexicon);
    }

    /**
     * The grammar without the alternatives of {@code lhs} that {@code drop} accepts; the others keep their
     * probabilities (no renormalisation).
     */
    public Pcfg restrict(String lhs, Predicate<List<String>> drop) {
        Rule rule = rule(lhs);
        List<Alternative> kept = rule.alternatives().stream().filter(a -> !drop.test(a.symbols())).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("restricting '" + lhs + "' would remove all its alternatives");
        }
        Map<String, Rule> copy = new LinkedHashMap<>(rules);
        copy.put(lhs, new Rule(lhs, rule.totalWeight(), kept));
        return new Pcfg(Collections.unmodifiableMap(copy), lexicon);
    }

    /** The rule of non-terminal {@code symbol}. */
    public Rule rule(String symbol) {
        Rule rule = rules.get(symbol);
        if (rule == null) {
            throw new IllegalArgumentException("'" + symbol + "' is not a non-terminal of the grammar");
        }
        return rule;
    }

    public Set<String> nonTerminals() {
        return rules.keySet();
    }

    public boolean isPreterminal(String symbol) {
        return lexicon.containsKey(symbol);
    }

    /** The words of lexical category {@code category}. */
    public List<String> words(String category) {
        List<String> words = lexicon.get(category);
        if (words == null) {
            throw new IllegalArgumentException("'" + category + "' is not a lexical category of the grammar");
        }
        return words;
    }

    /** Probability that {@code category} emits {@code word}: 1 / its word count when the word is in it, else 0. */
    public double wordProbability(String category, String word) {
        List<String> words = words(category);
        return words.contains(word) ? 1.0 / words.size() : 0;
    }

    /** The categories that contain {@code word} (empty for a word outside the grammar). */
    public List<String> categoriesOf(String word) {
        return categoriesOfWord.getOrDefault(word, List.of());
    }

    /** Whether no word belongs to two categories; then a sentence's category sequence is determined by its words. */
    public boolean categoriesAreDisjoint() {
        return categoriesOfWord.values().stream().allMatch(c -> c.size() == 1);
    }

    /**
     * Every pre-terminal sequence the grammar derives from {@code start}, with the total probability of the derivations
     * that yield it (summed when several do). Only for grammars without recursion, whose derivations are finitely many.
     *
     * @throws IllegalStateException when a symbol derives itself
     */
    public Map<List<String>, Double> preterminalSequences(String start) {
        return expand(start, new HashSet<>());
    }

    private Map<List<String>, Double> expand(String symbol, Set<String> active) {
        if (isPreterminal(symbol)) {
            return Map.of(List.of(symbol), 1.0);
        }
        if (!active.add(symbol)) {
            throw new IllegalStateException("grammar is recursive through '" + symbol + "': its derivations cannot be enumerated");
        }
        Map<List<String>, Double> out = new LinkedHashMap<>();
        for (Alternative a : rule(symbol).alternatives()) {
            Map<List<String>, Double> partial = Map.of(List.of(), a.probability());
            for (String s : a.symbols()) {
                Map<List<String>, Double> child = expand(s, active);
                Map<List<String>, Double> next = new LinkedHashMap<>();
                for (Map.Entry<List<String>, Double> left : partial.entrySet()) {
                    for (Map.Entry<List<String>, Double> right : child.entrySet()) {
                        List<String> seq = new ArrayList<>(left.getKey());
                        seq.addAll(right.getKey());
                        next.merge(List.copyOf(seq), left.getValue() * right.getValue(), Double::sum);
                    }
                }
                partial = next;
            }
            partial.forEach((k, v) -> out.merge(k, v, Double::sum));
        }
        active.remove(symbol);
        return out;
    }

    private void checkSymbols() {
        for (Rule rule : rules.values()) {
            if (lexicon.containsKey(rule.lhs())) {
                throw new IllegalArgumentException("'" + rule.lhs() + "' is both a non-terminal and a lexical category");
            }
            for (Alternative a : rule.alternatives()) {
                for (String s : a.symbols()) {
                    if (!rules.containsKey(s) && !lexicon.containsKey(s)) {
                        throw new IllegalArgumentException("grammar symbol '" + s + "' has no rule and is no lexical category");
                    }
                }
            }
        }
    }

    /** A cycle of unary rules (A -> B, B -> A) would give a sentence infinitely many derivations. */
    private void checkUnaryCycles() {
        for (String start : rules.keySet()) {
            Set<String> seen = new HashSet<>();
            List<String> frontier = new ArrayList<>(List.of(start));
            while (!frontier.isEmpty()) {
                String s = frontier.remove(frontier.size() - 1);
                for (Alternative a : rules.get(s).alternatives()) {
                    if (a.symbols().size() == 1 && rules.containsKey(a.symbols().get(0))) {
                        String next = a.symbols().get(0);
                        if (next.equals(start)) {
                            throw new IllegalArgumentException("grammar has a cycle of unary rules through '" + start + "'");
                        }
                        if (seen.add(next)) {
                            frontier.add(next);
                        }
                    }
                }
            }
        }
    }
}
