package amem.pipeline.analysis.scaling;

import java.util.Locale;

/**
 * The Chinchilla form {@code L(N, D) = E + A / N^alpha + B / D^beta} (Hoffmann et al. 2022): an irreducible loss E
 * plus one power law in model size and one in data size. The fields are the constants themselves, not their
 * logarithms.
 *
 * @param e E, the loss of an infinite model trained on infinite data
 * @param a A, coefficient of the model-size term
 * @param b B, coefficient of the data-size term
 * @param alpha model-size exponent
 * @param beta data-size exponent
 */
public record ChinchillaLaw(double e, double a, double b, double alpha, double beta) {

    /** Hoffmann et al.'s published fit (docs/THEORY.md §4, notes/anchors.md). */
    public static final ChinchillaLaw PUBLISHED = new ChinchillaLaw(1.69, 406.4, 410.7, 0.34, 0.28);

    /** The predicted loss at model size {@code n} and data size {@code d}. */
    public double loss(double n, double d) {
        return e + a / Math.pow(n, alpha) + b / Math.pow(d, beta);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "E %.4g, A %.4g, B %.4g, alpha %.4g, beta %.4g", e, a, b, alpha, beta);
    }
}
