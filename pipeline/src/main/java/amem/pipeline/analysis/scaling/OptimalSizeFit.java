package amem.pipeline.analysis.scaling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * docs/THEORY.md §4's test of {@code N = O(D^2)}: for each data size D the loss-minimising model size
 * {@code N*(D) = argmin_N loss} (ties go to the smaller N), then ordinary least squares of
 * {@code log N* = a + b log D} (natural logarithms) over the data sizes. The claim predicts {@code b ≈ 2}.
 *
 * <p>The slope's interval is a case bootstrap: resample the (log D, log N*) points with replacement and refit;
 * resamples in which every point has the same D have no slope and are skipped (and counted). With few data sizes
 * (a typical grid has 4 to 6) the interval is wide and the percentile interval is only a rough guide; the OLS
 * standard error is reported beside it.
 *
 * <p>An optimum at the smallest or largest N tried for its D is flagged: the loss may still fall outside the grid,
 * so N* there is only a bound and the slope is biased toward the grid's shape.
 */
public final class OptimalSizeFit {

    /**
     * @param resamples bootstrap resamples B
     * @param seed seed of the resampling ({@link SplittableRandom})
     * @param level confidence level of the percentile intervals
     */
    public record Options(int resamples, long seed, double level) {

        public static final int DEFAULT_RESAMPLES = 2000;
        public static final long DEFAULT_SEED = 20240514L;

        public Options {
            if (resamples < 0) {
                throw new IllegalArgumentException("bootstrap resamples must be >= 0, got " + resamples);
            }
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException("confidence level must lie strictly between 0 and 1, got " + level);
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_RESAMPLES, DEFAULT_SEED, 0.95);
        }
    }

    /**
     * The best cell of one data size.
     *
     * @param d data size D (tokens)
     * @param nStar the model size with the lowest loss at this D
     * @param loss the loss at N*
     * @param cell the cell that has it
     * @param atGridEdge whether N* is the smallest or the largest N tried at this D (always so with one N): the true
     *     optimum may lie outside the grid
     * @param sizes number of distinct model sizes tried at this D
     */
    public record Optimum(long d, long nStar, double loss, String cell, boolean atGridEdge, int sizes) {}

    /**
     * @param count which N
     * @param optima one per distinct D, in increasing D
     * @param line OLS of log N* on log D: slope b, intercept a, their standard error and R²
     * @param slope b with its bootstrap interval
     * @param intercept a with its bootstrap interval
     * @param resamples bootstrap resamples drawn
     * @param skippedResamples resamples skipped because all their points had the same D
     * @param options options used
     */
    public record Result(CountKind count, List<Optimum> optima, LineFit line, Interval slope, Interval intercept,
            int resamples, int skippedResamples, Options options) {

        /** The fitted optimal model size at data size {@code d}: {@code exp(a) d^b}. */
        public double nStarAt(double d) {
            if (!(d > 0)) {
                throw new IllegalArgumentException("data size must be positive, got " + d);
            }
            return Math.exp(line.at(Math.log(d)));
        }

        /** How many optima lie at the edge of their N grid. */
        public long optimaAtEdge() {
            return optima.stream().filter(Optimum::atGridEdge).count();
        }
    }

    private OptimalSizeFit() {}

    /** The per-D optima of {@code cells} under {@code count}, in increasing D. */
    public static List<Optimum> optima(List<ScalingCell> cells, CountKind count) {
        Map<Long, List<ScalingCell>> byD = new TreeMap<>();
        for (ScalingCell cell : cells) {
            byD.computeIfAbsent(cell.d(), d -> new ArrayList<>()).add(cell);
        }
        Comparator<ScalingCell> best = Comparator.comparingDouble(ScalingCell::loss)
                .thenComparingLong(c -> c.n(count)).thenComparing(ScalingCell::cell);
        List<Optimum> optima = new ArrayList<>();
        for (Map.Entry<Long, List<ScalingCell>> entry : byD.entrySet()) {
            List<ScalingCell> group = entry.getValue();
            ScalingCell winner = group.stream().min(best).orElseThrow();
            long smallest = group.stream().mapToLong(c -> c.n(count)).min().orElseThrow();
            long largest = group.stream().mapToLong(c -> c.n(count)).max().orElseThrow();
            int sizes = (int) group.stream().mapToLong(c -> c.n(count)).distinct().count();
            long nStar = winner.n(count);
            optima.add(new Optimum(entry.getKey(), nStar, winner.loss(), winner.cell(),
                    nStar == smallest || nStar == largest, sizes));
        }
        return List.copyOf(optima);
    }

    /** Fits {@code log N* = a + b log D}; needs cells at 2 or more distinct data sizes. */
    public static Result fit(List<ScalingCell> cells, CountKind count, Options options) {
        List<Optimum> optima = optima(cells, count);
        if (optima.size() < 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "the optimal-size fit needs finished cells at 2 or more distinct data sizes D, got %d cell(s) at %s",
                    cells.size(), optima.isEmpty() ? "no data size" : "the single data size D=" + optima.get(0).d()));
        }
        int m = optima.size();
        double[] x = new double[m];
        double[] y = new double[m];
        for (int i = 0; i < m; i++) {
            x[i] = Math.log(optima.get(i).d());
            y[i] = Math.log(optima.get(i).nStar());
        }
        LineFit line = LineFit.of(x, y);

        SplittableRandom random = new SplittableRandom(options.seed());
        double[] slopes = new double[options.resamples()];
        double[] intercepts = new double[options.resamples()];
        double[] rx = new double[m];
        double[] ry = new double[m];
        int kept = 0;
        int skipped = 0;
        for (int b = 0; b < options.resamples(); b++) {
            boolean varied = false;
            for (int i = 0; i < m; i++) {
                int pick = random.nextInt(m);
                rx[i] = x[pick];
                ry[i] = y[pick];
                varied |= rx[i] != rx[0];
            }
            if (!varied) {
                skipped++;
                continue;
            }
            LineFit resampled = LineFit.of(rx, ry);
            slopes[kept] = resampled.slope();
            intercepts[kept] = resampled.intercept();
            kept++;
        }
        return new Result(count, optima, line,
                Interval.percentile(line.slope(), slopes, kept, options.level()),
                Interval.percentile(line.intercept(), intercepts, kept, options.level()),
                options.resamples(), skipped, options);
    }
}
