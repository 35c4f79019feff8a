package amem.pipeline.analysis;

import java.util.Arrays;

/**
 * The summary statistics docs/THEORY.md §2 asks for: min, 5th percentile, median, mean, 95th percentile, max, and the
 * number of values they summarise. Percentiles interpolate linearly between order statistics (NumPy's default,
 * Hyndman–Fan type 7). Non-finite values are left out and counted in {@link #nonFinite()}.
 *
 * @param count finite values summarised
 * @param nonFinite NaN or infinite values left out
 */
public record Summary(long count, long nonFinite, double min, double p5, double median, double mean, double p95, double max) {

    /** Summary of {@code values} (not modified). All fields but the counts are NaN when no value is finite. */
    public static Summary of(double[] values) {
        double[] sorted = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
        long nonFinite = values.length - sorted.length;
        if (sorted.length == 0) {
            return new Summary(0, nonFinite, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        return new Summary(sorted.length, nonFinite, sorted[0], quantileOfSorted(sorted, 0.05),
                quantileOfSorted(sorted, 0.5), sum / sorted.length, quantileOfSorted(sorted, 0.95),
                sorted[sorted.length - 1]);
    }

    /** The {@code q}-quantile (0 ≤ q ≤ 1) of ascending {@code sorted} values, linear interpolation (type 7). */
    public static double quantileOfSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double position = q * (sorted.length - 1);
        int lower = (int) Math.floor(position);
        int upper = Math.min(lower + 1, sorted.length - 1);
        double fraction = position - lower;
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
    }
}
