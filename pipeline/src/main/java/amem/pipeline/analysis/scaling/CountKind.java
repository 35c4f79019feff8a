package amem.pipeline.analysis.scaling;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Which model size N a scaling fit uses. docs/THEORY.md §4 asks for both and for saying which: all parameters
 * (embeddings included), and the non-embedding parameters ({@code ≈ 12 L n^2} for GPT-2 blocks), the two fields of
 * {@link amem.models.ParameterCount}. For small models the embeddings are a large share of the total, so the two
 * counts can give visibly different exponents.
 */
public enum CountKind {
    TOTAL("total", "total N"),
    NON_EMBEDDING("non_embedding", "non-embedding N");

    private final String label;
    private final String description;

    CountKind(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** The name written in tables ({@code total}, {@code non_embedding}). */
    public String label() {
        return label;
    }

    /** Words for a summary line ("non-embedding N"). */
    public String description() {
        return description;
    }

    /** The count of {@code cell} this kind selects. */
    public long of(ScalingCell cell) {
        return this == TOTAL ? cell.nTotal() : cell.nNonEmbedding();
    }

    /** The count of a model this kind selects. */
    public long of(amem.models.ParameterCount count) {
        return this == TOTAL ? count.total() : count.nonEmbedding();
    }

    /** Parses a {@link #label()}. */
    public static CountKind parse(String text) {
        for (CountKind count : values()) {
            if (count.label.equals(text)) {
                return count;
            }
        }
        throw new IllegalArgumentException("parameter count \"" + text + "\" is not one of "
                + Arrays.stream(values()).map(CountKind::label).collect(Collectors.joining(", ")));
    }
}
