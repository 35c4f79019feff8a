package amem.pipeline.analysis;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.Consumer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * docs/THEORY.md §2 for every hook point of activation datasets: loads each hook's vectors onto the engine's device,
 * finds exact nearest neighbours, samples pairwise distances, and writes {@code radius.csv} (one row per hook and
 * dataset) and {@code nn_distances.csv} (histogram bins per hook, long format).
 */
public final class RadiusAnalysis {

    public static final String RADIUS_FILE = "radius.csv";
    public static final String HISTOGRAM_FILE = "nn_distances.csv";

    /**
     * @param statistic the statistic that defines the radius
     * @param chunk rows per chunk (memory per block is chunk² values)
     * @param pairwiseSample vectors in the pairwise subsample
     * @param maxVectors vectors per hook at most (a seeded random subset beyond)
     * @param bins histogram bins
     * @param seed seed of the subsets
     */
    public record Options(RadiusStatistic statistic, int chunk, int pairwiseSample, long maxVectors, int bins, long seed) {

        public static Options defaults() {
            return new Options(RadiusStatistic.MEDIAN_NN_HALF, 4096, 2000, 100_000, 60, 1);
        }

        public Options {
            if (chunk < 1 || pairwiseSample < 2 || maxVectors < 2 || bins < 1) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "chunk (%d) must be >= 1, pairwise sample (%d) >= 2, max vectors (%d) >= 2, bins (%d) >= 1",
                        chunk, pairwiseSample, maxVectors, bins));
            }
        }
    }

    /**
     * @param dir the activation dataset
     * @param step its training step, if it is a snapshot
     * @param hooks one result per hook, in model order
     */
    public record SetResult(Path dir, OptionalLong step, List<HookRadius> hooks) {}

    private RadiusAnalysis() {}

    /** Analyses every hook of {@code set}; {@code log} receives progress lines. */
    public static SetResult analyse(ActivationSet set, Options options, NDManager manager, Consumer<String> log)
            throws IOException {
        List<HookRadius> results = new ArrayList<>();
        for (ActivationSet.Hook hook : set.hooks()) {
            results.add(analyseHook(set, hook, options, manager, log));
        }
        return new SetResult(set.dir().toAbsolutePath().normalize(), set.step(), List.copyOf(results));
    }

    static HookRadius analyseHook(ActivationSet set, ActivationSet.Hook hook, Options options, NDManager manager,
            Consumer<String> log) throws IOException {
        if (hook.rows() < 2) {
            throw new AnalysisInputException("hook " + hook.name() + " in " + set.dir() + " has " + hook.rows()
                    + " vector(s); nearest-neighbour distances need at least 2");
        }
        long start = System.nanoTime();
        long[] rows = RowSelection.choose(hook.rows(), options.maxVectors(), options.seed());
        RowKeys keys = RowKeys.of(set, hook).select(rows);
        try (EngineVectors vectors = EngineVectors.load(hook, rows, options.chunk(), manager, DataType.FLOAT32)) {
            double loaded = (System.nanoTime() - start) / 1e9;
            long[] lastReport = {System.nanoTime()};
            NearestNeighbours.Result nearest = NearestNeighbours.search(vectors, keys.keys(), (done, total) -> {
                if (System.nanoTime() - lastReport[0] > 10e9) {
                    lastReport[0] = System.nanoTime();
                    log.accept(String.format(Locale.ROOT, "  %s: nearest neighbours %.0f %% (%d of %d blocks)",
                            hook.name(), 100.0 * done / total, done, total));
                }
            });
            PairwiseDistances.Result pairwise = PairwiseDistances.sample(vectors, keys.keys(), options.pairwiseSample(),
                    options.seed(), options.chunk());
            double seconds = (System.nanoTime() - start) / 1e9;
            HookRadius result = HookRadius.of(hook.name(), hook.width(), hook.rows(), keys, vectors.norms(),
                    nearest.distance(), pairwise.distances(), pairwise.sampleSize(), options.statistic(),
                    options.bins(), seconds);
            log.accept(String.format(Locale.ROOT,
                    "  %s: %d vectors of n %d, median NN distance %.4g, r_hat %.4g (%s), %.1f s (load %.1f s)",
                    hook.name(), result.vectors(), hook.width(), result.nearest().median(), result.radius(),
                    options.statistic().key(), seconds, loaded));
            return result;
        }
    }

    /** radius.csv: one row per (dataset, hook). */
    public static Table radiusTable(List<SetResult> sets) {
        StringColumn activations = StringColumn.create("activations");
        LongColumn step = LongColumn.create("step");
        StringColumn hook = StringColumn.create("hook");
        IntColumn layer = IntColumn.create("layer");
        IntColumn width = IntColumn.create("n");
        LongColumn total = LongColumn.create("vectors_total");
        IntColumn vectors = IntColumn.create("vectors");
        StringColumn keys = StringColumn.create("position_keys");
        LongColumn repeated = LongColumn.create("repeated_positions");
        IntColumn pairSample = IntColumn.create("pairwise_sample");
        LongColumn pairs = LongColumn.create("pairwise_pairs");
        List<DoubleColumn> norm = summaryColumns("norm");
        List<DoubleColumn> nn = summaryColumns("nn");
        DoubleColumn zero = DoubleColumn.create("nn_zero_share");
        LongColumn none = LongColumn.create("nn_none");
        List<DoubleColumn> pair = summaryColumns("pair");
        DoubleColumn overNormMedian = DoubleColumn.create("nn_over_norm_median");
        DoubleColumn overNormMean = DoubleColumn.create("nn_over_norm_mean");
        StringColumn statistic = StringColumn.create("radius_statistic");
        DoubleColumn radius = DoubleColumn.create("radius");
        DoubleColumn overSqrt = DoubleColumn.create("radius_over_sqrt_n");
        DoubleColumn squaredOverHalf = DoubleColumn.create("radius_sq_over_half_n");
        DoubleColumn separation = DoubleColumn.create("separation_index");
        List<DoubleColumn> curve = new ArrayList<>();
        for (double x : HookRadius.CURVE) {
            curve.add(DoubleColumn.create(curveColumn(x)));
        }
        DoubleColumn seconds = DoubleColumn.create("seconds");
        for (SetResult set : sets) {
            for (HookRadius r : set.hooks()) {
                activations.append(set.dir().toString());
                appendOptional(step, set.step());
                hook.append(r.hook());
                if (r.layer().isPresent()) {
                    layer.append(r.layer().getAsInt());
                } else {
                    layer.appendMissing();
                }
                width.append(r.width());
                total.append(r.vectorsTotal());
                vectors.append(r.vectors());
                keys.append(r.keySource());
                repeated.append(r.repeatedPositions());
                pairSample.append(r.pairwiseSample());
                pairs.append(r.pairwise().count());
                appendSummary(norm, r.norms());
                appendSummary(nn, r.nearest());
                zero.append(r.zeroNearestShare());
                none.append(r.nearest().nonFinite());
                appendSummary(pair, r.pairwise());
                overNormMedian.append(r.nearestOverNorm().median());
                overNormMean.append(r.nearestOverNorm().mean());
                statistic.append(r.statistic().key());
                radius.append(r.radius());
                overSqrt.append(r.radiusOverSqrtWidth());
                squaredOverHalf.append(r.radiusSquaredOverHalfWidth());
                separation.append(r.separationIndex());
                for (int k = 0; k < curve.size(); k++) {
                    curve.get(k).append(r.separationCurve()[k]);
                }
                seconds.append(r.seconds());
            }
        }
        Table table = Table.create("radius", activations, step, hook, layer, width, total, vectors, keys, repeated,
                pairSample, pairs);
        norm.forEach(table::addColumns);
        nn.forEach(table::addColumns);
        table.addColumns(zero, none);
        pair.forEach(table::addColumns);
        table.addColumns(overNormMedian, overNormMean, statistic, radius, overSqrt, squaredOverHalf, separation);
        curve.forEach(table::addColumns);
        table.addColumns(seconds);
        return table;
    }

    /**
     * The radius.csv column of the separation curve at {@code x} times the Gaussian-ball radius sqrt(n/2), e.g.
     * {@code separation_at_0.05_gauss}; {@code separation_at_1_gauss} is the share separated at the theory's radius.
     */
    public static String curveColumn(double x) {
        String text = x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
        return "separation_at_" + text + "_gauss";
    }

    /** nn_distances.csv: histogram bins of nearest-neighbour and pairwise distances per (dataset, hook). */
    public static Table histogramTable(List<SetResult> sets) {
        StringColumn activations = StringColumn.create("activations");
        LongColumn step = LongColumn.create("step");
        StringColumn hook = StringColumn.create("hook");
        StringColumn distribution = StringColumn.create("distribution");
        IntColumn bin = IntColumn.create("bin");
        DoubleColumn lower = DoubleColumn.create("lower");
        DoubleColumn upper = DoubleColumn.create("upper");
        LongColumn count = LongColumn.create("count");
        DoubleColumn fraction = DoubleColumn.create("fraction");
        for (SetResult set : sets) {
            for (HookRadius r : set.hooks()) {
                for (String kind : List.of("nn", "pairwise")) {
                    Histogram h = kind.equals("nn") ? r.nearestHistogram() : r.pairwiseHistogram();
                    long all = h.total();
                    for (int b = 0; b < h.bins(); b++) {
                        activations.append(set.dir().toString());
                        appendOptional(step, set.step());
                        hook.append(r.hook());
                        distribution.append(kind);
                        bin.append(b);
                        lower.append(h.binLower(b));
                        upper.append(h.binUpper(b));
                        count.append(h.counts()[b]);
                        fraction.append(all == 0 ? Double.NaN : (double) h.counts()[b] / all);
                    }
                }
            }
        }
        return Table.create("nn_distances", activations, step, hook, distribution, bin, lower, upper, count, fraction);
    }

    /**
     * Writes both tables into {@code analysisDir}. Rows of other activation datasets already in the files are kept
     * (rows of the datasets analysed now are replaced), so one run's analysis can hold its snapshots and a
     * held-out set side by side.
     */
    public static void write(List<SetResult> sets, Path analysisDir) throws IOException {
        Tables.writeMerged(radiusTable(sets), analysisDir.resolve(RADIUS_FILE), "activations");
        Tables.writeMerged(histogramTable(sets), analysisDir.resolve(HISTOGRAM_FILE), "activations");
    }

    private static List<DoubleColumn> summaryColumns(String prefix) {
        List<DoubleColumn> columns = new ArrayList<>();
        for (String stat : List.of("min", "p5", "median", "mean", "p95", "max")) {
            columns.add(DoubleColumn.create(prefix + "_" + stat));
        }
        return columns;
    }

    private static void appendSummary(List<DoubleColumn> columns, Summary s) {
        double[] values = {s.min(), s.p5(), s.median(), s.mean(), s.p95(), s.max()};
        for (int i = 0; i < values.length; i++) {
            columns.get(i).append(values[i]);
        }
    }

    private static void appendOptional(LongColumn column, OptionalLong value) {
        if (value.isPresent()) {
            column.append(value.getAsLong());
        } else {
            column.appendMissing();
        }
    }
}
