package amem.pipeline.analysis.scaling;

import java.util.Locale;

/**
 * Ordinary least squares of {@code y = intercept + slope x}: a line through points too few for anything more
 * than the textbook formulas (centred sums, so exact data gives exact coefficients to rounding).
 *
 * @param slope fitted slope
 * @param intercept fitted intercept
 * @param stderrSlope the usual OLS standard error of the slope, {@code sqrt(RSS / (n - 2) / Sxx)}; NaN for 2 points
 * @param r2 coefficient of determination, {@code 1 - RSS / TSS} (1 when the y values are all equal and fitted
 *     exactly)
 * @param points number of points
 */
public record LineFit(double slope, double intercept, double stderrSlope, double r2, int points) {

    /** Fits {@code y} against {@code x}; needs at least 2 points and 2 distinct x values. */
    public static LineFit of(double[] x, double[] y) {
        return of(x, y, x.length);
    }

    /** Fits the first {@code n} points of {@code x} and {@code y}. */
    public static LineFit of(double[] x, double[] y, int n) {
        if (x.length < n || y.length < n) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "line fit of %d points given %d x and %d y values", n, x.length, y.length));
        }
        if (n < 2) {
            throw new IllegalArgumentException("a line needs at least 2 points, got " + n);
        }
        double meanX = 0;
        double meanY = 0;
        for (int i = 0; i < n; i++) {
            meanX += x[i];
            meanY += y[i];
        }
        meanX /= n;
        meanY /= n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (!(sxx > 0)) {
            throw new IllegalArgumentException("a line needs at least 2 distinct x values, all " + n + " are " + x[0]);
        }
        double slope = sxy / sxx;
        double intercept = meanY - slope * meanX;
        double rss = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - intercept - slope * x[i];
            rss += r * r;
        }
        double stderr = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : Double.NaN;
        double r2 = syy > 0 ? 1 - rss / syy : 1.0;
        return new LineFit(slope, intercept, stderr, r2, n);
    }

    /** The line at {@code x}. */
    public double at(double x) {
        return intercept + slope * x;
    }
}
