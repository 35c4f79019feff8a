package amem.pipeline.analysis.scaling;

import java.util.Arrays;

/**
 * The objective of Hoffmann et al.'s Chinchilla fit: {@code Σ w_i Huber_δ(log L̂_i − log L_i)} with
 * {@code log L̂ = LSE(a − alpha log N, b − beta log D, e)}, over parameters {@code (a, b, e, alpha, beta)}
 * ({@code a = log A}, {@code b = log B}, {@code e = log E}), and the same objective as half a sum of squares with
 * its Jacobian, for a least-squares optimizer. Weights are cell multiplicities, so a
 * bootstrap resample costs no more than the original cells.
 *
 * <p>The model terms are computed once per distinct N and per distinct D and shifted by their common maximum, so
 * one evaluation costs one logarithm per cell and stays finite however far an optimizer wanders (a cell whose three
 * terms all underflow after the shift falls back to its own log-sum-exp).
 */
final class HuberLogLoss {

    static final int A = 0;
    static final int B = 1;
    static final int E = 2;
    static final int ALPHA = 3;
    static final int BETA = 4;
    static final int PARAMETERS = 5;

    private final double[] logNs;
    private final double[] logDs;
    private final int[] nIndex;
    private final int[] dIndex;
    private final double[] logL;
    private final double[] weight;
    private final double delta;

    /**
     * @param logN log N per cell
     * @param logD log D per cell
     * @param logL log loss per cell
     * @param weight multiplicity per cell (0 drops a cell)
     * @param delta Huber threshold δ
     */
    HuberLogLoss(double[] logN, double[] logD, double[] logL, double[] weight, double delta) {
        int n = logL.length;
        if (logN.length != n || logD.length != n || weight.length != n) {
            throw new IllegalArgumentException("objective needs one log N, log D, log L and weight per cell, got "
                    + logN.length + ", " + logD.length + ", " + n + ", " + weight.length);
        }
        if (!(delta > 0)) {
            throw new IllegalArgumentException("Huber delta must be positive, got " + delta);
        }
        this.logNs = distinct(logN);
        this.logDs = distinct(logD);
        this.nIndex = indices(logN, logNs);
        this.dIndex = indices(logD, logDs);
        this.logL = logL.clone();
        this.weight = weight.clone();
        this.delta = delta;
    }

    private static double[] distinct(double[] values) {
        return Arrays.stream(values).distinct().sorted().toArray();
    }

    private static int[] indices(double[] values, double[] distinct) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Arrays.binarySearch(distinct, values[i]);
        }
        return out;
    }

    /** The shifted terms of one parameter vector: per distinct N, per distinct D, E, and the shift. */
    private final class Terms {
        final double[] tN = new double[logNs.length];
        final double[] tD = new double[logDs.length];
        final double tE;
        final double shift;
        final double[] p;

        Terms(double[] p) {
            this.p = p;
            double max = p[E];
            for (int j = 0; j < logNs.length; j++) {
                tN[j] = p[A] - p[ALPHA] * logNs[j];
                max = Math.max(max, tN[j]);
            }
            for (int k = 0; k < logDs.length; k++) {
                tD[k] = p[B] - p[BETA] * logDs[k];
                max = Math.max(max, tD[k]);
            }
            for (int j = 0; j < tN.length; j++) {
                tN[j] = Math.exp(tN[j] - max);
            }
            for (int k = 0; k < tD.length; k++) {
                tD[k] = Math.exp(tD[k] - max);
            }
            tE = Math.exp(p[E] - max);
            shift = max;
        }

        /** log L̂ of cell i and its three softmax weights in {@code w} (N term, D term, E term). */
        double logPrediction(int i, double[] w) {
            double n = tN[nIndex[i]];
            double d = tD[dIndex[i]];
            double s = tE + n + d;
            if (s > 1e-300) {
                if (w != null) {
                    w[0] = n / s;
                    w[1] = d / s;
                    w[2] = tE / s;
                }
                return Math.log(s) + shift;
            }
            // all three terms underflowed after the common shift: this cell's own log-sum-exp
            double u = p[A] - p[ALPHA] * logNs[nIndex[i]];
            double v = p[B] - p[BETA] * logDs[dIndex[i]];
            double m = Math.max(p[E], Math.max(u, v));
            double eu = Math.exp(u - m);
            double ev = Math.exp(v - m);
            double ee = Math.exp(p[E] - m);
            double t = eu + ev + ee;
            if (w != null) {
                w[0] = eu / t;
                w[1] = ev / t;
                w[2] = ee / t;
            }
            return Math.log(t) + m;
        }
    }

    int cells() {
        return logL.length;
    }

    /** {@code log L̂} of every cell at parameters {@code p}. */
    double[] predictions(double[] p) {
        Terms terms = new Terms(p);
        double[] out = new double[logL.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = terms.logPrediction(i, null);
        }
        return out;
    }

    double value(double[] p) {
        Terms terms = new Terms(p);
        double sum = 0;
        for (int i = 0; i < logL.length; i++) {
            if (weight[i] != 0) {
                sum += weight[i] * huber(terms.logPrediction(i, null) - logL[i]);
            }
        }
        return sum;
    }

    /**
     * Pseudo-residuals {@code ρ_i} with {@code ½ Σ ρ_i² = value(p)}, and their Jacobian (rows: cells, columns:
     * parameters), so that a least-squares optimizer minimises exactly the Huber objective:
     * {@code ρ = √w r} within δ of zero and {@code ρ = √w sign(r) √(2δ|r| − δ²)} beyond, which is continuous with
     * its first derivative at {@code |r| = δ}.
     */
    void pseudoResiduals(double[] p, double[] rho, double[][] jacobian) {
        Terms terms = new Terms(p);
        double[] w = new double[3];
        for (int i = 0; i < logL.length; i++) {
            double r = terms.logPrediction(i, w) - logL[i];
            double root = Math.sqrt(weight[i]);
            double abs = Math.abs(r);
            double slope;
            if (abs <= delta) {
                rho[i] = root * r;
                slope = root;
            } else {
                double s = Math.sqrt(2 * delta * abs - delta * delta);
                rho[i] = Math.copySign(root * s, r);
                slope = root * delta / s;
            }
            double[] row = jacobian[i];
            row[A] = slope * w[0];
            row[B] = slope * w[1];
            row[E] = slope * w[2];
            row[ALPHA] = -slope * w[0] * logNs[nIndex[i]];
            row[BETA] = -slope * w[1] * logDs[dIndex[i]];
        }
    }

    /** Huber's loss: quadratic within δ of zero, linear beyond, continuous with its first derivative. */
    double huber(double r) {
        double abs = Math.abs(r);
        return abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
    }
}
