package amem.pipeline.analysis.scaling;

import java.util.Locale;

/**
 * One finished cell of a model-size × data-size grid (docs/THEORY.md §4): the data size D in training tokens, the model
 * size counted two ways (see {@link CountKind}), and the loss the fits use (the best validation loss, i.e. the
 * loss at the early-stopping point). Sizes must be positive and the loss positive and finite, since every fit works
 * on their logarithms.
 *
 * @param cell the cell's name in the sweep (for tables and for finding the run again)
 * @param d training tokens D
 * @param nTotal all parameters, embeddings included
 * @param nNonEmbedding parameters outside the token and position embeddings
 * @param loss best validation loss (nats per token)
 */
public record ScalingCell(String cell, long d, long nTotal, long nNonEmbedding, double loss) {

    public ScalingCell {
        if (cell == null) {
            throw new IllegalArgumentException("a scaling cell needs a name");
        }
        if (d <= 0 || nTotal <= 0 || nNonEmbedding <= 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "cell %s: D, total N and non-embedding N must be positive, got D=%d, N_total=%d, N_non_embedding=%d",
                    cell, d, nTotal, nNonEmbedding));
        }
        if (!(loss > 0) || Double.isInfinite(loss)) {
            throw new IllegalArgumentException("cell " + cell + ": the loss must be positive and finite, got " + loss);
        }
    }

    /** The model size {@code count} selects. */
    public long n(CountKind count) {
        return count.of(this);
    }
}
