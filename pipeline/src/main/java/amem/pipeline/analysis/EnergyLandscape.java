package amem.pipeline.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The two-dimensional illustration of docs/THEORY.md §1: three stored patterns in the plane, beta = 1, and on a grid
 * of points x the LogSumExp term, the regulariser, their sum (the MCHN energy) and the distance energy. The
 * distance energy has a well at every pattern; the MCHN energy needs its regulariser to have minima at all.
 *
 * @param xs grid abscissae
 * @param ys grid ordinates
 * @param patterns the stored patterns (3 × 2)
 * @param beta inverse temperature
 * @param logSumExpTerm {@code [iy][ix]} values of {@code -(1/beta) log sum_i exp(beta rho_i^T x)}
 * @param regulariser {@code [iy][ix]} values of {@code 0.5 x^T x + (1/beta) log m + 0.5 M^2}
 * @param mchn {@code [iy][ix]} MCHN energy
 * @param distance {@code [iy][ix]} distance energy
 */
public record EnergyLandscape(double[] xs, double[] ys, double[][] patterns, double beta, double[][] logSumExpTerm,
        double[][] regulariser, double[][] mchn, double[][] distance) {

    /** The illustration's patterns: three points around the origin, pairwise 2.5–3.2 apart. */
    public static final double[][] PATTERNS = {{-1.5, -1.0}, {1.5, -0.5}, {0.0, 1.5}};

    /** The illustration on a {@code points} × {@code points} grid over [-3, 3]², beta = 1. */
    public static EnergyLandscape illustration(NDManager manager, int points) {
        return compute(manager, PATTERNS, 1.0, -3, 3, points);
    }

    /** Energies of {@code patterns} on a square grid over [{@code lo}, {@code hi}]². */
    public static EnergyLandscape compute(NDManager manager, double[][] patterns, double beta, double lo, double hi,
            int points) {
        double[] axis = new double[points];
        for (int i = 0; i < points; i++) {
            axis[i] = lo + (hi - lo) * i / (points - 1);
        }
        double[] grid = new double[points * points * 2];
        for (int iy = 0; iy < points; iy++) {
            for (int ix = 0; ix < points; ix++) {
                grid[(iy * points + ix) * 2] = axis[ix];
                grid[(iy * points + ix) * 2 + 1] = axis[iy];
            }
        }
        try (NDManager scope = manager.newSubManager();
                EngineVectors rho = EngineVectors.of(patterns, patterns.length, scope, DataType.FLOAT64)) {
            NDArray x = scope.create(grid, new Shape((long) points * points, 2));
            Energies.Values values = Energies.evaluate(x, rho, beta);
            return new EnergyLandscape(axis, axis.clone(), patterns, beta, square(values.logSumExpTerm(), points),
                    square(values.regulariser(), points), square(values.mchn(), points), square(values.distance(), points));
        }
    }

    private static double[][] square(double[] flat, int points) {
        double[][] out = new double[points][points];
        for (int iy = 0; iy < points; iy++) {
            System.arraycopy(flat, iy * points, out[iy], 0, points);
        }
        return out;
    }
}
