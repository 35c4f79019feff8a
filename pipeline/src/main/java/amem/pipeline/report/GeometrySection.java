package amem.pipeline.report;

import amem.pipeline.analysis.RadiusAnalysis;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.Table;

/**
 * The report's activation-geometry section (docs/THEORY.md §2) for one run, from {@code analysis/radius.csv} and
 * {@code analysis/nn_distances.csv}: a table per hook, the radius and distance statistics per layer, the ratios
 * the theory reads them by, and the distance histograms of a few hooks. With snapshots at several steps the
 * charts show the latest and a table lists them all.
 */
final class GeometrySection {
    /** What the gap between r\u0302\u00b2/(n/2) and the reconstruction's 1 means. */
    static final String GAP = "docs/THEORY.md \u00a73's reconstruction puts the patterns' balls at r\u00b2 \u2248 n/2 (Gaussian balls "
            + "exp(\u2212\u2016y\u2016\u00b2)); r\u0302\u00b2/(n/2) far below 1 means the nearest neighbours are much closer "
            + "than balls of that size would need, so at that radius the balls overlap (the share separated at "
            + "\u221a(n/2) is near 0). Activation units carry no fitted scale (the energy's temperature is not "
            + "estimated), so the gap measures a mismatch of scale as much as of geometry: it says the reconstruction "
            + "cannot be read off raw activations, not that the bound is wrong.";

    /** Histograms shown per run at most (the first, the last and evenly spaced hooks between). */
    static final int HISTOGRAMS = 6;

    /** Activation datasets charted per run at most (all are in the table). */
    static final int MAX_SETS = 4;

    private GeometrySection() {}

    /** Writes the section for {@code run}; false when the run has no radius table. */
    static boolean write(Html html, RunData run, Plots plots) throws IOException {
        if (run.radius().isEmpty()) {
            return false;
        }
        Table radius = run.radius().get();
        html.element("h3", run.name());
        table(html, run, radius);
        List<String> sets = new ArrayList<>();
        boolean snapshots = false;
        for (int row = 0; row < radius.rowCount(); row++) {
            String set = radius.stringColumn("activations").get(row);
            if (!sets.contains(set)) {
                sets.add(set);
            }
            snapshots |= !radius.column("step").isMissing(row);
        }
        if (snapshots && sets.size() > 1) {
            throughTraining(html, run, radius, plots);
        }
        List<String> charted = snapshots ? List.of(latestSet(radius)) : sets.subList(0, Math.min(sets.size(), MAX_SETS));
        for (String set : charted) {
            charts(html, run, radius, set, sets.size() > 1, plots);
        }
        return true;
    }

    /** Radius charts and histograms of one activation dataset. */
    private static void charts(Html html, RunData run, Table radius, String set, boolean several, Plots plots)
            throws IOException {
        List<Integer> rows = rowsOf(radius, set);
        List<String> hooks = new ArrayList<>();
        for (int row : rows) {
            hooks.add(radius.stringColumn("hook").get(row));
        }
        String label = several ? " (" + shortPath(set) + ")" : "";
        String fileSuffix = several ? "-" + shortPath(set) : "";
        if (several) {
            html.element("h4", "Activations " + set);
        }
        String statistic = radius.stringColumn("radius_statistic").get(rows.get(0));
        plots.embed(html, Figure.of(Charts.perHook(run.name() + ": radius and distances per hook point" + label,
                "distance (activation units)", hooks,
                List.of("r\u0302 (" + statistic + ")", "NN distance p5", "NN distance median", "NN distance p95",
                        "pairwise distance median", "norm median"),
                List.of(column(radius, rows, "radius"), column(radius, rows, "nn_p5"), column(radius, rows, "nn_median"),
                        column(radius, rows, "nn_p95"), column(radius, rows, "pair_median"),
                        column(radius, rows, "norm_median")))),
                run.name() + "-radius" + fileSuffix, "Empirical radius r\u0302 and the nearest-neighbour, pairwise and norm "
                        + "statistics of each hook point of " + set + ".");
        plots.embed(html, Figure.of(Charts.perHook(run.name() + ": radius relative to the dimension" + label,
                "ratio (dimensionless)", hooks,
                List.of("r\u0302 / \u221an", "r\u0302\u00b2 / (n/2)", "NN distance / norm (median)",
                        "separated at r = \u221a(n/2)"),
                List.of(column(radius, rows, "radius_over_sqrt_n"), column(radius, rows, "radius_sq_over_half_n"),
                        column(radius, rows, "nn_over_norm_median"), column(radius, rows, RadiusAnalysis.curveColumn(1))))),
                run.name() + "-radius-ratios" + fileSuffix, "The ratios of docs/THEORY.md \u00a72 per hook point: r\u0302/\u221an, "
                        + "r\u0302\u00b2/(n/2) beside the Gaussian-ball reconstruction's 1 (docs/THEORY.md \u00a73), NN distance over "
                        + "norm, and the share of balls of the reconstruction's radius \u221a(n/2) that do not overlap (NN "
                        + "distance above 2\u221a(n/2)). " + GAP);
        if (run.histograms().isPresent()) {
            histograms(html, run, run.histograms().get(), set, hooks, plots);
        }
    }

    /** r_hat against the training step, one line per hook (at most eight hooks, evenly chosen). */
    private static void throughTraining(Html html, RunData run, Table radius, Plots plots) throws IOException {
        Map<String, java.util.TreeMap<Double, Double>> byHook = new LinkedHashMap<>();
        for (int row = 0; row < radius.rowCount(); row++) {
            if (!radius.column("step").isMissing(row)) {
                byHook.computeIfAbsent(radius.stringColumn("hook").get(row), k -> new java.util.TreeMap<>())
                        .put(radius.numberColumn("step").getDouble(row), radius.numberColumn("radius").getDouble(row));
            }
        }
        List<String> hooks = new ArrayList<>(byHook.keySet());
        List<String> chosen = evenly(hooks, 8);
        List<String> names = new ArrayList<>();
        List<double[][]> series = new ArrayList<>();
        for (String hook : chosen) {
            var points = byHook.get(hook);
            names.add(hook);
            series.add(new double[][] {points.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                points.values().stream().mapToDouble(Double::doubleValue).toArray()});
        }
        plots.embed(html, Figure.of(Charts.lines(run.name() + ": radius through training", "optimizer step",
                "r\u0302 (activation units)", names, series)), run.name() + "-radius-steps",
                "Empirical radius r\u0302 of each hook point at the recorded training steps.");
    }

    private static List<String> evenly(List<String> items, int limit) {
        List<String> chosen = new ArrayList<>();
        int count = Math.min(limit, items.size());
        for (int i = 0; i < count; i++) {
            String item = items.get(count == 1 ? 0 : (int) Math.round(i * (items.size() - 1) / (double) (count - 1)));
            if (!chosen.contains(item)) {
                chosen.add(item);
            }
        }
        return chosen;
    }

    private static String shortPath(String path) {
        java.nio.file.Path p = java.nio.file.Path.of(path);
        int n = p.getNameCount();
        return n >= 2 ? p.subpath(n - 2, n).toString() : path;
    }

    private static void table(Html html, RunData run, Table radius) {
        boolean steps = radius.column("step").countMissing() < radius.rowCount();
        boolean datasets = radius.stringColumn("activations").unique().size() > 1;
        html.open("table", "id", "radius-" + Plots.slug(run.name()), "class", "numbers");
        html.open("thead").open("tr");
        List<String> heads = new ArrayList<>(List.of("hook"));
        if (datasets) {
            heads.add("activations");
        }
        if (steps) {
            heads.add("step");
        }
        heads.addAll(List.of("n", "vectors", "pairwise sample", "norm median", "NN median", "NN p5", "pairwise median",
                "r\u0302", "r\u0302/\u221an", "r\u0302\u00b2/(n/2)", "NN/norm", "separated at 0.1\u221a(n/2)",
                "separated at \u221a(n/2)", "NN = 0 share"));
        for (String head : heads) {
            html.element("th", head);
        }
        html.close("tr").close("thead").open("tbody");
        for (int row = 0; row < radius.rowCount(); row++) {
            String hook = radius.stringColumn("hook").get(row);
            html.open("tr", "data-row", Integer.toString(row));
            html.element("td", hook);
            if (datasets) {
                html.element("td", shortPath(radius.stringColumn("activations").get(row)));
            }
            if (steps) {
                cell(html, radius, row, "step", Fmt::count);
            }
            cell(html, radius, row, "n", Fmt::count);
            cell(html, radius, row, "vectors", Fmt::count);
            cell(html, radius, row, "pairwise_sample", Fmt::count);
            cell(html, radius, row, "norm_median", Fmt::number);
            cell(html, radius, row, "nn_median", Fmt::number);
            cell(html, radius, row, "nn_p5", Fmt::number);
            cell(html, radius, row, "pair_median", Fmt::number);
            cell(html, radius, row, "radius", Fmt::number);
            cell(html, radius, row, "radius_over_sqrt_n", Fmt::number);
            cell(html, radius, row, "radius_sq_over_half_n", Fmt::number);
            cell(html, radius, row, "nn_over_norm_median", Fmt::number);
            cell(html, radius, row, RadiusAnalysis.curveColumn(0.1), Fmt::share);
            cell(html, radius, row, RadiusAnalysis.curveColumn(1), Fmt::share);
            cell(html, radius, row, "nn_zero_share", Fmt::share);
            html.close("tr");
        }
        html.close("tbody").close("table");
        html.element("p", "Statistic of r\u0302: " + radius.stringColumn("radius_statistic").get(0)
                + "; token-position keys: " + radius.stringColumn("position_keys").get(0)
                + ". NN = nearest neighbour among the analysed vectors (same token position excluded); "
                + "NN = 0 share: vectors with an identical vector at another position. Distances in the units of "
                + "the activations. \"Separated at r\": the share of vectors whose NN distance exceeds 2r, i.e. of balls "
                + "of radius r that overlap no other; radius.csv has the whole curve (separation_at_X_gauss for r = X "
                + "\u221a(n/2)). The share at 2r\u0302 itself is not shown: for a quantile-based r\u0302 it is fixed by "
                + "construction (0.5 for the median). " + GAP, "class", "note");
    }

    private static void histograms(Html html, RunData run, Table bins, String set, List<String> hooks, Plots plots)
            throws IOException {
        List<String> chosen = evenly(hooks, HISTOGRAMS);
        html.open("div", "class", "grid");
        for (String hook : chosen) {
            Map<String, List<double[]>> byDistribution = new LinkedHashMap<>();
            for (int row = 0; row < bins.rowCount(); row++) {
                if (bins.stringColumn("activations").get(row).equals(set) && bins.stringColumn("hook").get(row).equals(hook)) {
                    byDistribution.computeIfAbsent(bins.stringColumn("distribution").get(row), k -> new ArrayList<>())
                            .add(new double[] {bins.numberColumn("lower").getDouble(row),
                                bins.numberColumn("upper").getDouble(row), bins.numberColumn("fraction").getDouble(row)});
                }
            }
            List<double[]> nearest = byDistribution.getOrDefault("nn", List.of());
            List<double[]> pairwise = byDistribution.getOrDefault("pairwise", List.of());
            if (nearest.isEmpty()) {
                continue;
            }
            double[] edges = new double[nearest.size() + 1];
            double[] nn = new double[nearest.size()];
            double[] pw = new double[nearest.size()];
            for (int b = 0; b < nearest.size(); b++) {
                edges[b] = nearest.get(b)[0];
                edges[b + 1] = nearest.get(b)[1];
                nn[b] = zeroIfNaN(nearest.get(b)[2]);
                pw[b] = b < pairwise.size() ? zeroIfNaN(pairwise.get(b)[2]) : 0;
            }
            plots.embed(html, Figure.of(Charts.histogram(hook, edges, nn, pw)),
                    run.name() + "-distances-" + shortPath(set) + "-" + hook,
                    "Nearest-neighbour and pairwise distances at " + hook + " (fraction of vectors or pairs per bin).");
        }
        html.close("div");
    }

    /** The activations column of the set with the largest step (or the last set when none has a step). */
    private static String latestSet(Table radius) {
        String latest = radius.stringColumn("activations").get(radius.rowCount() - 1);
        double bestStep = Double.NEGATIVE_INFINITY;
        for (int row = 0; row < radius.rowCount(); row++) {
            if (!radius.column("step").isMissing(row) && radius.numberColumn("step").getDouble(row) > bestStep) {
                bestStep = radius.numberColumn("step").getDouble(row);
                latest = radius.stringColumn("activations").get(row);
            }
        }
        return latest;
    }

    private static List<Integer> rowsOf(Table radius, String set) {
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < radius.rowCount(); row++) {
            if (radius.stringColumn("activations").get(row).equals(set)) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static double[] column(Table table, List<Integer> rows, String name) {
        double[] values = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            values[i] = table.numberColumn(name).isMissing(rows.get(i)) ? Double.NaN : table.numberColumn(name).getDouble(rows.get(i));
        }
        return values;
    }

    private static void cell(Html html, Table table, int row, String column, java.util.function.DoubleFunction<String> format) {
        double value = table.numberColumn(column).isMissing(row) ? Double.NaN : table.numberColumn(column).getDouble(row);
        html.element("td", format.apply(value), "data-col", column);
    }

    private static double zeroIfNaN(double value) {
        return Double.isNaN(value) ? 0 : value;
    }
}
