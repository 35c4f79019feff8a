package amem.datasets.qf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How {@link QfCorpusGenerator} turns grammar samples into splits. Both draw a sentence, toss a fair decl/quest coin and
 * keep questions about subjects with relative clauses out of train/dev/test; they differ as follows.
 */
public enum QfProcedure {
    /**
     * McCoy et al.'s, as their published files show it (docs/DATA.md): a line (sentence and task) seen before is
     * skipped, so no line repeats but a sentence may occur once as decl and once as quest; the in-distribution lines go
     * to train, then dev, then test in the order drawn (which is why McCoy's train has ten times the 4-word sentences of
     * their dev and test: the short lines are used up early); the generalisation set holds the questions whose subject's
     * relative clause has an auxiliary other than the main one and whose object has no relative clause, drawn from
     * docs/THEORY.md §6's weights (McCoy's {@code question.gr}), whatever weights the other splits use: McCoy's generalisation
     * set matches those weights' proportions exactly (docs/DATA.md).
     */
    MCCOY("mccoy"),
    /**
     * amem's earlier procedure: a sentence seen before is skipped (no sentence occurs twice anywhere), the
     * in-distribution pool is shuffled before it is cut into train, dev and test (so the three are exchangeable), and
     * the generalisation set takes every question whose subject's relative clause has another auxiliary than the main one.
     */
    DISTINCT_SENTENCES("distinct-sentences");

    private final String id;

    QfProcedure(String id) {
        this.id = id;
    }

    /** The name on the command line and in meta.json. */
    public String id() {
        return id;
    }

    public static QfProcedure of(String id) {
        for (QfProcedure p : values()) {
            if (p.id.equals(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("--procedure " + id + ": expected one of "
                + Arrays.stream(values()).map(QfProcedure::id).collect(Collectors.joining(", ")));
    }
}
