package amem.pipeline.analysis;

import java.util.Locale;

/**
 * docs/THEORY.md §3's plateau: the mean loss over the last {@code window} evaluations, once the relative change per
 * evaluation, {@code |L_i - L_(i-1)| / |L_(i-1)|}, has stayed below {@code tolerance}. Here "stayed" means for
 * each of the last {@code window} changes; the plateau starts at the earliest evaluation after which every change
 * is below the tolerance. The change is per evaluation, so it depends on how often the run evaluates: with
 * evaluations every 500 steps, a tolerance of 1 % allows a drift of up to 1 % per 500 steps.
 *
 * @param reached whether the rule is met
 * @param value the plateau loss (mean of the last {@code window} evaluations; NaN when not reached)
 * @param fromStep step of the first evaluation of the stable stretch (-1 when not reached)
 * @param window K, the evaluations averaged
 * @param tolerance the relative change allowed per evaluation
 * @param tailMean the mean of the last {@code window} evaluations whether or not the rule is met
 */
public record Plateau(boolean reached, double value, long fromStep, int window, double tolerance, double tailMean) {

    /** Defaults: the last 3 evaluations, 1 % relative change per evaluation. */
    public static final int DEFAULT_WINDOW = 3;
    public static final double DEFAULT_TOLERANCE = 0.01;

    /** Applies the rule to a loss curve sampled at {@code steps}. */
    public static Plateau find(long[] steps, double[] losses, int window, double tolerance) {
        if (window < 1 || !(tolerance > 0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "plateau window must be >= 1 and tolerance > 0, got %d and %s", window, tolerance));
        }
        int last = losses.length - 1;
        double tail = Double.NaN;
        if (losses.length >= window) {
            double sum = 0;
            for (int i = losses.length - window; i < losses.length; i++) {
                sum += losses[i];
            }
            tail = sum / window;
        }
        int start = last;
        while (start > 0 && relativeChange(losses[start - 1], losses[start]) < tolerance) {
            start--;
        }
        boolean reached = last >= 0 && last - start >= window;
        return new Plateau(reached, reached ? tail : Double.NaN, reached ? steps[start] : -1, window, tolerance, tail);
    }

    static double relativeChange(double before, double after) {
        return Math.abs(after - before) / Math.abs(before);
    }
}
