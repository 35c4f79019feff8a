package amem.pipeline.analysis.scaling;

import java.util.Arrays;

/**
 * An estimate with a bootstrap percentile interval. The interval is NaN where there is none (a statistic without a
 * bootstrap, or no usable resample).
 *
 * @param estimate the value from the full data
 * @param low lower end of the interval
 * @param high upper end of the interval
 */
public record Interval(double estimate, double low, double high) {

    /** An estimate without an interval. */
    public static Interval pointOnly(double estimate) {
        return new Interval(estimate, Double.NaN, Double.NaN);
    }

    /** Whether {@code value} lies in [low, high] (false without an interval). */
    public boolean contains(double value) {
        return low <= value && value <= high;
    }

    public boolean hasInterval() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }

    /**
     * The percentile interval of the {@code count} first {@code samples} at confidence {@code level} (0.95 gives the
     * 2.5 % and 97.5 % quantiles), quantiles interpolated linearly between order statistics (Hyndman and Fan's
     * type 7, R's default). No samples gives NaN ends.
     */
    public static Interval percentile(double estimate, double[] samples, int count, double level) {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("confidence level must lie strictly between 0 and 1, got " + level);
        }
        if (count == 0) {
            return pointOnly(estimate);
        }
        double[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        double tail = (1 - level) / 2;
        return new Interval(estimate, quantile(sorted, tail), quantile(sorted, 1 - tail));
    }

    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(below + 1, sorted.length - 1);
        if (sorted[above] == sorted[below]) {
            return sorted[below]; // also where both are infinite (an overflowing exp(a) in a wild resample)
        }
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }
}
