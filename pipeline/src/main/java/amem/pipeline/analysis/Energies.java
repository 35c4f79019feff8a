package amem.pipeline.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import amem.models.Scalars;

/**
 * The energies of docs/THEORY.md §1, vectorised over many query vectors x (rows of a q × n array) against a set of
 * stored patterns rho_i ({@link EngineVectors}, m × n, processed chunk by chunk with a running log-sum-exp so
 * the pattern count is not limited by memory). Notation as in docs/THEORY.md: n dimension, m patterns, beta inverse
 * temperature. Use float64 arrays for exact figures (tests, small sets); float32 on a GPU for large ones.
 *
 * <ul>
 *   <li>LogSumExp term {@code -(1/beta) log sum_i exp(beta rho_i^T x)} and regulariser
 *       {@code 0.5 x^T x + (1/beta) log m + 0.5 M^2} ({@code M = max_i ||rho_i||}); their sum is the modern
 *       continuous Hopfield (MCHN) energy of Ramsauer et al.</li>
 *   <li>Distance energy {@code E(x) = -(1/beta) log sum_i exp(-beta ||x - rho_i||^2)}, with
 *       {@code g(x)^2 - (log m)/beta <= E(x) <= g(x)^2}, {@code g(x) = min_i ||x - rho_i||}.</li>
 *   <li>Read-out {@code sum_i p_i rho_i}, {@code p = softmax(-beta ||x - rho_i||^2)} (distance energy) or
 *       {@code p = softmax(beta rho_i^T x)} (MCHN, the attention update {@code P softmax(beta P^T x)}); the
 *       distance energy's gradient is {@code 2 (x - readout)}, so a half gradient step is the read-out.</li>
 *   <li>Layered energy {@code E_global = -log sum_l exp(-E_l)}, at most {@code min_l E_l}.</li>
 * </ul>
 */
public final class Energies {

    /** Which similarity the read-out's softmax weights use. */
    public enum Kind {
        /** {@code softmax(-beta ||x - rho_i||^2)}: the distance energy's read-out. */
        DISTANCE,
        /** {@code softmax(beta rho_i^T x)}: the MCHN (attention) update. */
        MCHN
    }

    /**
     * Per-query energies, each of length q.
     *
     * @param distance the distance energy E(x)
     * @param nearestSquared g(x)², the squared distance to the nearest pattern
     * @param logSumExpTerm {@code -(1/beta) log sum_i exp(beta rho_i^T x)}
     * @param regulariser {@code 0.5 x^T x + (1/beta) log m + 0.5 M^2}
     * @param patterns m
     * @param beta the inverse temperature used
     */
    public record Values(double[] distance, double[] nearestSquared, double[] logSumExpTerm, double[] regulariser,
            long patterns, double beta) {

        /** The MCHN energy: LogSumExp term plus regulariser. */
        public double[] mchn() {
            double[] e = new double[logSumExpTerm.length];
            for (int k = 0; k < e.length; k++) {
                e[k] = logSumExpTerm[k] + regulariser[k];
            }
            return e;
        }
    }

    private Energies() {}

    /** All energies of the queries {@code x} (q × n) against {@code patterns} at inverse temperature {@code beta}. */
    public static Values evaluate(NDArray x, EngineVectors patterns, double beta) {
        requireBeta(beta);
        int q = (int) x.getShape().get(0);
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray querySquared = Scoped.view(x, scope).square().sum(new int[] {1}).reshape(q, 1);
            LogSumExp distance = new LogSumExp(scope);
            LogSumExp similarity = new LogSumExp(scope);
            NDArray nearest = null;
            for (int c = 0; c < patterns.chunkCount(); c++) {
                // one pattern chunk's q × c temporaries live in their own scope; only running results are kept
                try (NDManager block = scope.newSubManager()) {
                    NDArray rho = Scoped.view(patterns.chunk(c), block);
                    NDArray dot = Scoped.view(x, block).matMul(rho.transpose());
                    NDArray squared = squaredDistances(dot, Scoped.view(querySquared, block),
                            Scoped.view(patterns.squaredNorms(c), block));
                    NDArray chunkNearest = squared.min(new int[] {1});
                    nearest = keep(nearest == null ? chunkNearest : chunkNearest.minimum(nearest), nearest, scope);
                    distance.add(Scalars.mul(squared, -beta));
                    similarity.add(Scalars.mul(dot, beta));
                }
            }
            double m = patterns.count();
            double maxNorm = patterns.maxNorm();
            double[] xx = toDoubles(querySquared.reshape(q));
            double[] lseDistance = distance.result();
            double[] lseSimilarity = similarity.result();
            double[] g2 = toDoubles(nearest);
            double[] e = new double[q];
            double[] lseTerm = new double[q];
            double[] regulariser = new double[q];
            for (int k = 0; k < q; k++) {
                e[k] = -lseDistance[k] / beta;
                lseTerm[k] = -lseSimilarity[k] / beta;
                regulariser[k] = 0.5 * xx[k] + Math.log(m) / beta + 0.5 * maxNorm * maxNorm;
            }
            return new Values(e, g2, lseTerm, regulariser, patterns.count(), beta);
        }
    }

    /** {@code max(0, ||x||² + ||rho||² - 2 x·rho)} from the products {@code dot} (q × c). */
    private static NDArray squaredDistances(NDArray dot, NDArray querySquared, NDArray patternSquared) {
        NDArray squared = Scalars.mul(dot, -2).add(querySquared).add(patternSquared.reshape(1, patternSquared.size()));
        return squared.maximum(Scalars.constant(squared, 0));
    }

    /** Moves {@code fresh} to {@code scope} and frees {@code old} (a running result replaced by its update). */
    private static NDArray keep(NDArray fresh, NDArray old, NDManager scope) {
        fresh.attach(scope);
        if (old != null && old != fresh) {
            old.close();
        }
        return fresh;
    }

    /** The read-out {@code sum_i p_i rho_i} for each query (q × n, in {@code x}'s manager). */
    public static NDArray readout(NDArray x, EngineVectors patterns, double beta, Kind kind) {
        requireBeta(beta);
        int q = (int) x.getShape().get(0);
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray querySquared = Scoped.view(x, scope).square().sum(new int[] {1}).reshape(q, 1);
            NDArray runningMax = null;
            NDArray weightSum = null;
            NDArray weighted = null;
            for (int c = 0; c < patterns.chunkCount(); c++) {
                try (NDManager block = scope.newSubManager()) {
                    NDArray rho = Scoped.view(patterns.chunk(c), block);
                    NDArray dot = Scoped.view(x, block).matMul(rho.transpose());
                    NDArray logits = kind == Kind.DISTANCE
                            ? Scalars.mul(squaredDistances(dot, Scoped.view(querySquared, block),
                                    Scoped.view(patterns.squaredNorms(c), block)), -beta)
                            : Scalars.mul(dot, beta);
                    NDArray chunkMax = logits.max(new int[] {1}, true);
                    NDArray newMax = runningMax == null ? chunkMax : chunkMax.maximum(Scoped.view(runningMax, block));
                    NDArray weights = logits.sub(newMax).exp();
                    NDArray chunkSum = weights.sum(new int[] {1}, true);
                    NDArray chunkWeighted = weights.matMul(rho);
                    if (runningMax != null) {
                        // rescale what was summed under the old maximum to the new one
                        NDArray rescale = Scoped.view(runningMax, block).sub(newMax).exp();
                        chunkSum = chunkSum.add(Scoped.view(weightSum, block).mul(rescale));
                        chunkWeighted = chunkWeighted.add(Scoped.view(weighted, block).mul(rescale));
                    }
                    weightSum = keep(chunkSum, weightSum, scope);
                    weighted = keep(chunkWeighted, weighted, scope);
                    runningMax = keep(newMax, runningMax, scope);
                }
            }
            NDArray result = weighted.div(weightSum);
            result.attach(x.getManager());
            return result;
        }
    }

    /** The distance energy's gradient {@code 2 (x - readout)} (q × n, in {@code x}'s manager). */
    public static NDArray distanceGradient(NDArray x, EngineVectors patterns, double beta) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray readout = readout(x, patterns, beta, Kind.DISTANCE);
            readout.attach(scope);
            NDArray gradient = Scalars.mul(Scoped.view(x, scope).sub(readout), 2);
            gradient.attach(x.getManager());
            return gradient;
        }
    }

    /**
     * Iterates the read-out {@code x <- sum_i p_i rho_i} from {@code x} for {@code steps} steps (the attention
     * update repeated; docs/THEORY.md §1), returning the final state in {@code x}'s manager.
     */
    public static NDArray iterate(NDArray x, EngineVectors patterns, double beta, Kind kind, int steps) {
        NDArray state = x;
        for (int s = 0; s < steps; s++) {
            NDArray next = readout(state, patterns, beta, kind);
            if (state != x) {
                state.close();
            }
            state = next;
        }
        return state == x ? x.duplicate() : state;
    }

    /**
     * The layered energy {@code E_global = -log sum_l exp(-E_l)} (docs/THEORY.md §1) for each query, from the layers'
     * energies {@code layerEnergies[l][k]}; computed stably around {@code min_l E_l}.
     */
    public static double[] global(double[][] layerEnergies) {
        if (layerEnergies.length == 0) {
            throw new IllegalArgumentException("the layered energy needs at least one layer");
        }
        int q = layerEnergies[0].length;
        double[] result = new double[q];
        for (int k = 0; k < q; k++) {
            double min = Double.POSITIVE_INFINITY;
            for (double[] layer : layerEnergies) {
                min = Math.min(min, layer[k]);
            }
            double sum = 0;
            for (double[] layer : layerEnergies) {
                sum += Math.exp(-(layer[k] - min));
            }
            result[k] = min - Math.log(sum);
        }
        return result;
    }

    private static void requireBeta(double beta) {
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("beta must be a positive finite number, got " + beta);
        }
    }

    static double[] toDoubles(NDArray array) {
        if (array.getDataType() == DataType.FLOAT64) {
            return array.toDoubleArray();
        }
        float[] values = array.toType(DataType.FLOAT32, false).toFloatArray();
        double[] out = new double[values.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = values[k];
        }
        return out;
    }

    /**
     * A row-wise log-sum-exp accumulated over column blocks: running maximum and the sum rescaled to it, kept in
     * {@code scope}; each {@link #add} may be given arrays of a shorter-lived scope.
     */
    private static final class LogSumExp {
        private final NDManager scope;
        private NDArray max;
        private NDArray sum;

        LogSumExp(NDManager scope) {
            this.scope = scope;
        }

        void add(NDArray logits) {
            NDManager block = logits.getManager();
            NDArray chunkMax = logits.max(new int[] {1});
            NDArray newMax = max == null ? chunkMax : chunkMax.maximum(Scoped.view(max, block));
            NDArray chunkSum = logits.sub(newMax.expandDims(1)).exp().sum(new int[] {1});
            if (max != null) {
                chunkSum = chunkSum.add(Scoped.view(sum, block).mul(Scoped.view(max, block).sub(newMax).exp()));
            }
            sum = keep(chunkSum, sum, scope);
            max = keep(newMax, max, scope);
        }

        double[] result() {
            double[] m = toDoubles(max);
            double[] s = toDoubles(sum);
            double[] out = new double[m.length];
            for (int k = 0; k < out.length; k++) {
                out[k] = m[k] + Math.log(s[k]);
            }
            return out;
        }
    }
}
