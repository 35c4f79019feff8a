package amem.datasets.qf;

import amem.datasets.grammar.Pcfg;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every derivation of the Question-Formation grammar from {@code S} (the grammar is not recursive: 272 of them), each
 * with its pre-terminal sequence and how often it uses each rule alternative. Since no word is in two categories, a
 * sentence's category sequence is fixed by its words, and the derivations of a sentence are the derivations of its
 * sequence; that is what lets {@link QfWeightFit} count rule uses (and share them out where a sequence has several
 * derivations) without a chart.
 */
final class QfDerivations {
    /** One derivation: its pre-terminal sequence, its use count of each alternative (by {@link #index}), and whether its subject has a relative clause. */
    record Derivation(List<String> categories, int[] uses, boolean subjectRelativeClause) {}

    private final Pcfg grammar;
    private final List<String> lhs = new ArrayList<>();
    /** First alternative index of each non-terminal, in {@link #lhs} order; {@code offsets[last] = alternatives}. */
    private final int[] offsets;
    private final Map<String, Integer> first = new HashMap<>();
    private final List<Derivation> derivations;
    private final Map<List<String>, List<Derivation>> bySequence = new HashMap<>();

    QfDerivations(Pcfg grammar) {
        this.grammar = grammar;
        lhs.addAll(grammar.nonTerminals());
        offsets = new int[lhs.size() + 1];
        for (int i = 0; i < lhs.size(); i++) {
            first.put(lhs.get(i), offsets[i]);
            offsets[i + 1] = offsets[i] + grammar.rule(lhs.get(i)).alternatives().size();
        }
        List<Derivation> all = new ArrayList<>();
        for (Partial p : expand("S")) {
            all.add(new Derivation(List.copyOf(p.categories), p.uses, subjectRelativeClause(p.uses)));
        }
        derivations = List.copyOf(all);
        for (Derivation d : derivations) {
            bySequence.computeIfAbsent(d.categories(), k -> new ArrayList<>()).add(d);
        }
    }

    private record Partial(List<String> categories, int[] uses) {}

    private List<Partial> expand(String symbol) {
        if (grammar.isPreterminal(symbol)) {
            return List.of(new Partial(List.of(symbol), new int[alternatives()]));
        }
        List<Partial> out = new ArrayList<>();
        List<Pcfg.Alternative> alts = grammar.rule(symbol).alternatives();
        for (int a = 0; a < alts.size(); a++) {
            int[] own = new int[alternatives()];
            own[index(symbol, a)] = 1;
            List<Partial> partial = List.of(new Partial(List.of(), own));
            for (String child : alts.get(a).symbols()) {
                List<Partial> next = new ArrayList<>();
                for (Partial left : partial) {
                    for (Partial right : expand(child)) {
                        List<String> seq = new ArrayList<>(left.categories);
                        seq.addAll(right.categories);
                        int[] uses = left.uses.clone();
                        for (int i = 0; i < uses.length; i++) {
                            uses[i] += right.uses[i];
                        }
                        next.add(new Partial(seq, uses));
                    }
                }
                partial = next;
            }
            out.addAll(partial);
        }
        return out;
    }

    private boolean subjectRelativeClause(int[] uses) {
        for (String np : List.of("NP_M_S", "NP_M_P")) {
            List<Pcfg.Alternative> alts = grammar.rule(np).alternatives();
            for (int a = 0; a < alts.size(); a++) {
                if (uses[index(np, a)] > 0 && alts.get(a).symbols().stream().anyMatch(s -> s.startsWith("RC_"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Global index of alternative {@code a} of {@code lhs}. */
    int index(String lhs, int a) {
        return first.get(lhs) + a;
    }

    /** Number of alternatives over all non-terminals. */
    int alternatives() {
        return offsets[offsets.length - 1];
    }

    List<String> nonTerminals() {
        return lhs;
    }

    /** The range {@code [from, to)} of global indices of {@code lhs}'s alternatives. */
    int[] range(String symbol) {
        int i = lhs.indexOf(symbol);
        return new int[] {offsets[i], offsets[i + 1]};
    }

    List<Derivation> all() {
        return derivations;
    }

    /** The derivations that yield {@code categories} (empty when none does). */
    List<Derivation> of(List<String> categories) {
        return bySequence.getOrDefault(categories, List.of());
    }

    /** Probability of a derivation under per-alternative probabilities {@code theta} (global index). */
    static double probability(Derivation d, double[] theta) {
        double p = 1;
        for (int i = 0; i < theta.length; i++) {
            if (d.uses()[i] > 0) {
                p *= Math.pow(theta[i], d.uses()[i]);
            }
        }
        return p;
    }
}
