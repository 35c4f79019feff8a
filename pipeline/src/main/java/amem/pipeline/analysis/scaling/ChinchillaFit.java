package amem.pipeline.analysis.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresProblem;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;

/**
 * docs/THEORY.md §4's contrast fit: the Chinchilla form {@code L(N, D) = E + A/N^alpha + B/D^beta} fitted as Hoffmann et
 * al. (2022, appendix D.2) do. Parameters {@code (a, b, e, alpha, beta)} with {@code A = exp(a)}, {@code B = exp(b)},
 * {@code E = exp(e)}; prediction {@code log L̂ = LSE(a − alpha log N, b − beta log D, e)}; objective
 * {@code Σ Huber_δ(log L̂ − log L)} with δ = 10⁻³, minimised from every start of a grid (alpha, beta ∈ {0, 0.5, 1,
 * 1.5, 2}, e ∈ {−1, −0.5, 0, 0.5, 1}, a, b ∈ {0, 5, …, 25}: 4,500 starts), keeping the best.
 *
 * <p>Hoffmann et al. used L-BFGS, which commons-math3 lacks. Here each start runs commons-math3's
 * Levenberg–Marquardt on pseudo-residuals whose half sum of squares is exactly the Huber objective (see
 * {@link HuberLogLoss#pseudoResiduals}): it minimises the same function. On a 100-cell grid it converged from all
 * 4,500 starts in about 45 evaluations each, while commons-math3's nonlinear conjugate gradient (analytic gradient)
 * averaged 330, hit a 4,000-evaluation limit from a third of the starts and ended 16 times higher in objective on
 * this nearly-L1 loss, and BOBYQA stopped without converging from 70 % of the starts at about 70 times the cost.
 *
 * <p>Intervals come from a residual bootstrap over the fixed design: the grid's (N, D) cells are chosen by the
 * experimenter, so each resample keeps them and adds to the fitted {@code log L̂} residuals of the full fit drawn with
 * replacement, scaled by {@code sqrt(m / (m − 5))} for the five fitted parameters. Each resample is then refitted
 * from its own grid of starts ({@link Options#refitGrid}, by default {@link Grid#coarse()}'s 72), plus the full fit's
 * optimum and the {@code bootstrapStarts} grid starts that did best on the full data, keeping the best, so that a
 * resample whose optimum lies elsewhere finds it. The percentile intervals (95 % by default) are over the converged
 * resamples.
 *
 * <p>Why not the case bootstrap over cells used before: resampling the cells of a designed grid drops whole N or D
 * values from a resample, and with the refit started only near the full fit's optimum the resamples stayed near it.
 * On a known law with 1 % log-normal noise (36-cell grids, {@code ChinchillaCoverageTest}) its nominal 95 % intervals
 * covered the true exponents in well under 85 % of grids; the residual bootstrap's coverage is in docs/SCALING.md.
 *
 * <p>Starts and resamples run in parallel on the common fork-join pool; results do not depend on scheduling (ties
 * between starts go to the earlier start, resample weights are drawn before the refits).
 */
public final class ChinchillaFit {

    /**
     * Relative tolerances of Levenberg–Marquardt (cost, parameters, orthogonality). MINPACK's 1e-10 adds a fifth of
     * the evaluations and moves the best objective by less than 1e-8 of itself.
     */
    static final double TOLERANCE = 1e-8;

    /** The smallest usable grid: 5 cells, at least 2 distinct N and 2 distinct D. */
    public static final int MIN_CELLS = 5;

    /**
     * Starting values of the multi-start minimisation: every combination is one start.
     *
     * @param alphas starting alpha values
     * @param betas starting beta values
     * @param es starting e = log E values
     * @param as starting a = log A values
     * @param bs starting b = log B values
     */
    public record Grid(double[] alphas, double[] betas, double[] es, double[] as, double[] bs) {

        public Grid {
            for (double[] axis : List.of(alphas, betas, es, as, bs)) {
                if (axis.length == 0) {
                    throw new IllegalArgumentException("every axis of the start grid needs at least one value");
                }
            }
            alphas = alphas.clone();
            betas = betas.clone();
            es = es.clone();
            as = as.clone();
            bs = bs.clone();
        }

        /** Hoffmann et al.'s grid, 4,500 starts. */
        public static Grid hoffmann() {
            double[] exponents = {0, 0.5, 1, 1.5, 2};
            double[] coefficients = {0, 5, 10, 15, 20, 25};
            return new Grid(exponents, exponents, new double[] {-1, -0.5, 0, 0.5, 1}, coefficients, coefficients);
        }

        /** A coarse grid of 72 starts (alpha, beta ∈ {0.2, 0.8}, e ∈ {−1, 0.5}, a, b ∈ {0, 10, 20}) for quick looks. */
        public static Grid coarse() {
            double[] exponents = {0.2, 0.8};
            double[] coefficients = {0, 10, 20};
            return new Grid(exponents, exponents, new double[] {-1, 0.5}, coefficients, coefficients);
        }

        @Override
        public double[] alphas() {
            return alphas.clone();
        }

        @Override
        public double[] betas() {
            return betas.clone();
        }

        @Override
        public double[] es() {
            return es.clone();
        }

        @Override
        public double[] as() {
            return as.clone();
        }

        @Override
        public double[] bs() {
            return bs.clone();
        }

        public int size() {
            return alphas.length * betas.length * es.length * as.length * bs.length;
        }

        /** Start {@code index} as {@code (a, b, e, alpha, beta)}. */
        double[] start(int index) {
            int i = index;
            double beta = betas[i % betas.length];
            i /= betas.length;
            double alpha = alphas[i % alphas.length];
            i /= alphas.length;
            double e = es[i % es.length];
            i /= es.length;
            double b = bs[i % bs.length];
            i /= bs.length;
            double a = as[i];
            return new double[] {a, b, e, alpha, beta};
        }
    }

    /**
     * @param grid starting values
     * @param huberDelta δ of the Huber loss on log L
     * @param maxEvaluations objective evaluations allowed per start
     * @param resamples bootstrap resamples (0: no intervals)
     * @param bootstrapStarts how many of the full fit's best grid starts each resample is refitted from (besides
     *     the full fit's optimum)
     * @param seed seed of the resampling ({@link SplittableRandom})
     * @param level confidence level of the percentile intervals
     * @param refitGrid the starts every bootstrap resample is refitted from, besides the full fit's optimum and best starts
     */
    public record Options(Grid grid, double huberDelta, int maxEvaluations, int resamples, int bootstrapStarts,
            long seed, double level, Grid refitGrid) {

        public static final double HUBER_DELTA = 1e-3;
        public static final int DEFAULT_RESAMPLES = 200;

        public Options {
            if (!(huberDelta > 0)) {
                throw new IllegalArgumentException("Huber delta must be positive, got " + huberDelta);
            }
            if (maxEvaluations < 1) {
                throw new IllegalArgumentException("evaluations per start must be >= 1, got " + maxEvaluations);
            }
            if (resamples < 0) {
                throw new IllegalArgumentException("bootstrap resamples must be >= 0, got " + resamples);
            }
            if (bootstrapStarts < 0) {
                throw new IllegalArgumentException("bootstrap starts must be >= 0, got " + bootstrapStarts);
            }
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException("confidence level must lie strictly between 0 and 1, got " + level);
            }
            if (refitGrid == null) {
                throw new IllegalArgumentException("the bootstrap needs a refit grid");
            }
        }

        public static Options defaults() {
            return new Options(Grid.hoffmann(), HUBER_DELTA, 1000, DEFAULT_RESAMPLES, 4,
                    OptimalSizeFit.Options.DEFAULT_SEED, 0.95, Grid.coarse());
        }

        public Options withGrid(Grid grid) {
            return new Options(grid, huberDelta, maxEvaluations, resamples, bootstrapStarts, seed, level, refitGrid);
        }

        public Options withResamples(int resamples) {
            return new Options(grid, huberDelta, maxEvaluations, resamples, bootstrapStarts, seed, level, refitGrid);
        }

        public Options withRefitGrid(Grid refitGrid) {
            return new Options(grid, huberDelta, maxEvaluations, resamples, bootstrapStarts, seed, level, refitGrid);
        }

        public Options withSeed(long seed) {
            return new Options(grid, huberDelta, maxEvaluations, resamples, bootstrapStarts, seed, level, refitGrid);
        }
    }

    /**
     * @param count which N
     * @param cells cells fitted
     * @param law the best fit
     * @param objective its Huber objective
     * @param starts starts tried
     * @param convergedStarts starts whose optimizer converged
     * @param e E with its bootstrap interval
     * @param a A with its bootstrap interval
     * @param b B with its bootstrap interval
     * @param alpha alpha with its bootstrap interval
     * @param beta beta with its bootstrap interval
     * @param resamples bootstrap resamples drawn
     * @param skippedResamples always 0 since the residual bootstrap keeps every cell (kept for the reports' columns)
     * @param convergedResamples resamples whose refit converged (the intervals are over these)
     * @param options options used
     */
    public record Result(CountKind count, int cells, ChinchillaLaw law, double objective, int starts,
            int convergedStarts, Interval e, Interval a, Interval b, Interval alpha, Interval beta, int resamples,
            int skippedResamples, int convergedResamples, Options options) {}

    /** One local minimisation: its end point {@code (a, b, e, alpha, beta)} and objective, NaN when it failed. */
    private record Local(int start, double[] point, double objective) {

        boolean converged() {
            return !Double.isNaN(objective);
        }
    }

    private ChinchillaFit() {}

    /** Fits the Chinchilla form to {@code cells} under {@code count}. */
    public static Result fit(List<ScalingCell> cells, CountKind count, Options options) {
        Set<Long> ns = new HashSet<>();
        Set<Long> ds = new HashSet<>();
        for (ScalingCell cell : cells) {
            ns.add(cell.n(count));
            ds.add(cell.d());
        }
        if (cells.size() < MIN_CELLS || ns.size() < 2 || ds.size() < 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the Chinchilla fit needs at least %d finished cells with at least 2 distinct N and 2 distinct D,"
                            + " got %d cell(s) with %d distinct %s and %d distinct D",
                    MIN_CELLS, cells.size(), ns.size(), count.description(), ds.size()));
        }
        int m = cells.size();
        double[] logN = new double[m];
        double[] logD = new double[m];
        double[] logL = new double[m];
        for (int i = 0; i < m; i++) {
            logN[i] = Math.log(cells.get(i).n(count));
            logD[i] = Math.log(cells.get(i).d());
            logL[i] = Math.log(cells.get(i).loss());
        }
        double[] ones = new double[m];
        Arrays.fill(ones, 1.0);
        HuberLogLoss objective = new HuberLogLoss(logN, logD, logL, ones, options.huberDelta());
        Grid grid = options.grid();
        Local[] locals = IntStream.range(0, grid.size()).parallel()
                .mapToObj(s -> minimise(objective, s, grid.start(s), options.maxEvaluations()))
                .toArray(Local[]::new);
        List<Local> ranked = Arrays.stream(locals).filter(Local::converged)
                .sorted(Comparator.comparingDouble(Local::objective).thenComparingInt(Local::start)).toList();
        if (ranked.isEmpty()) {
            throw new IllegalStateException("the Chinchilla fit did not converge from any of " + grid.size() + " starts");
        }
        Local best = ranked.get(0);

        // bootstrap starts: the optimum, the grid starts that did best, then the whole refit grid
        List<double[]> refitStarts = new ArrayList<>();
        refitStarts.add(best.point());
        for (int i = 0; i < Math.min(options.bootstrapStarts(), ranked.size()); i++) {
            refitStarts.add(grid.start(ranked.get(i).start()));
        }
        for (int i = 0; i < options.refitGrid().size(); i++) {
            refitStarts.add(options.refitGrid().start(i));
        }
        double[] fitted = objective.predictions(best.point());
        double inflation = m > HuberLogLoss.PARAMETERS ? Math.sqrt((double) m / (m - HuberLogLoss.PARAMETERS)) : 1;
        double[] residuals = new double[m];
        for (int i = 0; i < m; i++) {
            residuals[i] = inflation * (logL[i] - fitted[i]);
        }
        SplittableRandom random = new SplittableRandom(options.seed());
        double[][] resampled = new double[options.resamples()][];
        for (int r = 0; r < resampled.length; r++) {
            resampled[r] = new double[m];
            for (int i = 0; i < m; i++) {
                resampled[r][i] = fitted[i] + residuals[random.nextInt(m)];
            }
        }
        Local[] refits = IntStream.range(0, resampled.length).parallel()
                .mapToObj(r -> refit(new HuberLogLoss(logN, logD, resampled[r], ones, options.huberDelta()), refitStarts, options))
                .toArray(Local[]::new);
        int skipped = 0;
        int converged = 0;
        double[][] samples = new double[5][resampled.length];
        for (Local refit : refits) {
            if (refit == null) {
                skipped++;
            } else if (refit.converged()) {
                double[] natural = natural(refit.point());
                for (int k = 0; k < 5; k++) {
                    samples[k][converged] = natural[k];
                }
                converged++;
            }
        }
        double[] estimate = natural(best.point());
        Interval[] intervals = new Interval[5];
        for (int k = 0; k < 5; k++) {
            intervals[k] = Interval.percentile(estimate[k], samples[k], converged, options.level());
        }
        ChinchillaLaw law = new ChinchillaLaw(estimate[0], estimate[1], estimate[2], estimate[3], estimate[4]);
        return new Result(count, m, law, best.objective(), grid.size(), ranked.size(), intervals[0], intervals[1],
                intervals[2], intervals[3], intervals[4], resampled.length, skipped, converged, options);
    }

    /** {@code (a, b, e, alpha, beta)} as {@code (E, A, B, alpha, beta)}. */
    private static double[] natural(double[] p) {
        return new double[] {Math.exp(p[HuberLogLoss.E]), Math.exp(p[HuberLogLoss.A]), Math.exp(p[HuberLogLoss.B]),
            p[HuberLogLoss.ALPHA], p[HuberLogLoss.BETA]};
    }

    /** The best refit of one resample over {@code starts}. */
    private static Local refit(HuberLogLoss objective, List<double[]> starts, Options options) {
        Local best = new Local(-1, null, Double.NaN);
        for (int s = 0; s < starts.size(); s++) {
            Local local = minimise(objective, s, starts.get(s), options.maxEvaluations());
            if (local.converged() && (!best.converged() || local.objective() < best.objective())) {
                best = local;
            }
        }
        return best;
    }

    /** Levenberg–Marquardt from {@code start}; NaN objective when it stops without converging. */
    private static Local minimise(HuberLogLoss objective, int index, double[] start, int maxEvaluations) {
        int m = objective.cells();
        LeastSquaresProblem problem = new LeastSquaresBuilder()
                .start(start)
                .target(new double[m])
                .maxEvaluations(maxEvaluations)
                .maxIterations(maxEvaluations)
                .model(point -> {
                    double[] rho = new double[m];
                    double[][] jacobian = new double[m][HuberLogLoss.PARAMETERS];
                    objective.pseudoResiduals(point.toArray(), rho, jacobian);
                    return new Pair<>(new ArrayRealVector(rho, false), new Array2DRowRealMatrix(jacobian, false));
                })
                .build();
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer()
                    .withCostRelativeTolerance(TOLERANCE).withParameterRelativeTolerance(TOLERANCE)
                    .withOrthoTolerance(TOLERANCE).optimize(problem);
            double[] point = optimum.getPoint().toArray();
            double value = objective.value(point);
            return new Local(index, point, Double.isFinite(value) ? value : Double.NaN);
        } catch (MathIllegalStateException e) {
            // too many evaluations, or a singular step: this start did not converge
            return new Local(index, start, Double.NaN);
        }
    }
}
