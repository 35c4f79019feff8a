package amem.pipeline.analysis.scaling;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic model-size × data-size grids with known scaling exponents. */
final class SyntheticGrids {

    private SyntheticGrids() {}

    /** {@code count} values from {@code 10^fromExponent} to {@code 10^toExponent}, evenly spaced in log. */
    static double[] logSpaced(double fromExponent, double toExponent, int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = Math.pow(10, fromExponent + (toExponent - fromExponent) * i / (count - 1));
        }
        return values;
    }

    /**
     * A grid whose loss over N at each D is a parabola in log N with its minimum at {@code N* = c D^exponent}:
     * {@code L = 1 + k (log N − log(c D^exponent))² + noise}. The non-embedding count is the total divided by 2.
     */
    static List<ScalingCell> parabola(double[] ns, double[] ds, double c, double exponent, double k, double noise,
            long seed) {
        Random random = new Random(seed);
        List<ScalingCell> cells = new ArrayList<>();
        for (double d : ds) {
            double logOptimum = Math.log(c) + exponent * Math.log(d);
            for (double n : ns) {
                double offset = Math.log(n) - logOptimum;
                double loss = 1 + k * offset * offset + noise * random.nextGaussian();
                cells.add(cell(n, d, loss));
            }
        }
        return cells;
    }

    /** A grid with losses from {@code law}, times {@code exp(noise z)} with standard normal z. */
    static List<ScalingCell> chinchilla(ChinchillaLaw law, double[] ns, double[] ds, double noise, long seed) {
        Random random = new Random(seed);
        List<ScalingCell> cells = new ArrayList<>();
        for (double n : ns) {
            for (double d : ds) {
                cells.add(cell(n, d, law.loss(Math.round(n), Math.round(d)) * Math.exp(noise * random.nextGaussian())));
            }
        }
        return cells;
    }

    static ScalingCell cell(double n, double d, double loss) {
        long total = Math.round(n);
        return new ScalingCell(String.format(java.util.Locale.ROOT, "n%d-d%d", total, Math.round(d)), Math.round(d),
                total, Math.max(1, total / 2), loss);
    }
}
