package amem.pipeline.analysis;

import java.util.OptionalInt;

/**
 * The geometry of one hook point's activations (docs/THEORY.md §2): norms, nearest-neighbour and pairwise distances,
 * the ratios the theory reads them by, the chosen radius and the separation index.
 *
 * @param hook hook name
 * @param width the vector dimension n
 * @param vectorsTotal vectors the hook has on disk
 * @param vectors vectors analysed (all, or a random subset of --max-vectors)
 * @param keySource where the token-position keys came from ({@link RowKeys#source()})
 * @param repeatedPositions analysed rows whose token position an earlier row already has (excluded as neighbours)
 * @param norms summary of ||x||
 * @param nearest summary of the nearest-neighbour distances
 * @param zeroNearestShare share of vectors whose nearest neighbour is an identical vector at another position
 * @param pairwiseSample vectors in the pairwise subsample
 * @param pairwise summary of the subsample's pairwise distances
 * @param nearestOverNorm summary of each vector's nearest-neighbour distance divided by its norm
 * @param statistic the statistic that defines the radius
 * @param radius the empirical radius r_hat
 * @param separationIndex share of vectors whose nearest-neighbour distance exceeds 2 r_hat. Fixed by construction
 *     for a quantile-based r_hat (0.5 for the default median, 0.95 for p5): it says nothing about the data and the
 *     report does not show it; see {@link #separationCurve}
 * @param separationCurve share of vectors whose nearest-neighbour distance exceeds 2r, at r = x · sqrt(n/2) for each
 *     x of {@link #CURVE}: balls of radius r do not overlap for that share. sqrt(n/2) is docs/THEORY.md §3's
 *     Gaussian-ball radius (x = 1), a scale that does not come from the distances themselves
 * @param seconds wall time of the hook's analysis
 * @param nearestHistogram histogram of the nearest-neighbour distances
 * @param pairwiseHistogram histogram of the pairwise distances, same bins
 */
public record HookRadius(String hook, int width, long vectorsTotal, int vectors, String keySource,
        long repeatedPositions, Summary norms, Summary nearest, double zeroNearestShare, int pairwiseSample,
        Summary pairwise, Summary nearestOverNorm, RadiusStatistic statistic, double radius, double separationIndex,
        double seconds, Histogram nearestHistogram, Histogram pairwiseHistogram, double[] separationCurve) {

    /** Radii of the separation curve, as multiples of the Gaussian-ball radius sqrt(n/2). */
    public static final double[] CURVE = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

    /** Computes the summaries, ratios and histograms from the raw per-vector results. */
    public static HookRadius of(String hook, int width, long vectorsTotal, RowKeys keys, double[] norms,
            double[] nearest, double[] pairwise, int pairwiseSample, RadiusStatistic statistic, int bins,
            double seconds) {
        Summary nearestSummary = Summary.of(nearest);
        Summary pairwiseSummary = Summary.of(pairwise);
        double radius = statistic.radius(nearestSummary);
        double[] overNorm = new double[nearest.length];
        long zero = 0;
        long separated = 0;
        long finite = 0;
        for (int i = 0; i < nearest.length; i++) {
            overNorm[i] = norms[i] > 0 ? nearest[i] / norms[i] : Double.NaN;
            if (Double.isFinite(nearest[i])) {
                finite++;
                zero += nearest[i] == 0 ? 1 : 0;
                separated += nearest[i] > 2 * radius ? 1 : 0;
            }
        }
        double[] curve = new double[CURVE.length];
        double gaussian = Math.sqrt(width / 2.0);
        for (int k = 0; k < CURVE.length; k++) {
            long beyond = 0;
            for (double d : nearest) {
                beyond += Double.isFinite(d) && d > 2 * CURVE[k] * gaussian ? 1 : 0;
            }
            curve[k] = finite == 0 ? Double.NaN : (double) beyond / finite;
        }
        double lower = Math.min(nearestSummary.min(), pairwiseSummary.count() > 0 ? pairwiseSummary.min() : nearestSummary.min());
        double upper = Math.max(nearestSummary.max(), pairwiseSummary.count() > 0 ? pairwiseSummary.max() : nearestSummary.max());
        if (!Double.isFinite(lower) || !Double.isFinite(upper)) {
            lower = 0;
            upper = 1;
        }
        return new HookRadius(hook, width, vectorsTotal, nearest.length, keys.source(), keys.repeats(),
                Summary.of(norms), nearestSummary, finite == 0 ? Double.NaN : (double) zero / finite, pairwiseSample,
                pairwiseSummary, Summary.of(overNorm), statistic, radius,
                finite == 0 ? Double.NaN : (double) separated / finite, seconds,
                Histogram.of(nearest, lower, upper, bins), Histogram.of(pairwise, lower, upper, bins), curve);
    }

    /** The block index of the hook, if it is inside a block. */
    public OptionalInt layer() {
        return HookNames.layer(hook);
    }

    /** r_hat / sqrt(n). */
    public double radiusOverSqrtWidth() {
        return radius / Math.sqrt(width);
    }

    /** Share of balls of docs/THEORY.md §3's Gaussian radius sqrt(n/2) that do not overlap (the curve at x = 1). */
    public double separationAtGaussianRadius() {
        return separationCurve[CURVE.length - 1];
    }

    /** r_hat² / (n / 2): 1 where Gaussian balls exp(-||y||²) concentrate (docs/THEORY.md §3). */
    public double radiusSquaredOverHalfWidth() {
        return radius * radius / (width / 2.0);
    }
}
