package amem.pipeline.report;

import amem.pipeline.analysis.EnergyLandscape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.Table;

/**
 * The report's energy section (docs/THEORY.md §1): the two-dimensional illustration (three patterns, beta = 1: the
 * LogSumExp term, the regulariser, the MCHN energy and the distance energy), and per run the energies of held-out
 * activations against stored patterns from {@code analysis/energy.csv} when it exists.
 */
final class EnergySection {

    private EnergySection() {}

    static void illustration(Html html, EnergyLandscape landscape, Plots plots) throws IOException {
        StringBuilder patterns = new StringBuilder();
        for (int i = 0; i < landscape.patterns().length; i++) {
            patterns.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "\u03c1%d = (%.1f, %.1f)", i + 1,
                    landscape.patterns()[i][0], landscape.patterns()[i][1]));
        }
        html.element("p", "Three stored patterns in the plane (" + patterns + "), \u03b2 = "
                + Fmt.number(landscape.beta()) + ". The MCHN energy is the LogSumExp term plus the regulariser; "
                + "without the regulariser it has no minimum. The distance energy has a well at every pattern, and "
                + "g\u00b2 \u2212 (log m)/\u03b2 \u2264 E \u2264 g\u00b2 with g the distance to the nearest pattern.");
        html.open("div", "class", "grid");
        plots.embed(html, new LandscapePlot("LogSumExp term", landscape, landscape.logSumExpTerm()),
                "energy-landscape-lse", "\u2212(1/\u03b2) log \u03a3\u1d62 exp(\u03b2 \u03c1\u1d62\u1d40x)");
        plots.embed(html, new LandscapePlot("Regulariser", landscape, landscape.regulariser()),
                "energy-landscape-regulariser", "\u00bd x\u1d40x + (1/\u03b2) log m + \u00bd M\u00b2, M = max\u1d62 \u2016\u03c1\u1d62\u2016");
        plots.embed(html, new LandscapePlot("MCHN energy", landscape, landscape.mchn()), "energy-landscape-mchn",
                "Modern continuous Hopfield energy: the sum of the two above");
        plots.embed(html, new LandscapePlot("Distance energy", landscape, landscape.distance()),
                "energy-landscape-distance", "\u2212(1/\u03b2) log \u03a3\u1d62 exp(\u2212\u03b2 \u2016x \u2212 \u03c1\u1d62\u2016\u00b2)");
        html.close("div");
    }

    /** The run's energy.csv as a table and a chart; false when the run has none. */
    static boolean run(Html html, RunData run, Plots plots) throws IOException {
        if (run.energy().isEmpty()) {
            return false;
        }
        Table energy = run.energy().get();
        html.element("h3", run.name());
        html.open("table", "id", "energy-" + Plots.slug(run.name()), "class", "numbers");
        html.open("thead").open("tr");
        for (String head : new String[] {"hook", "energy", "n", "patterns m", "queries", "\u03b2", "mean", "median",
            "p5", "p95", "bound holds"}) {
            html.element("th", head);
        }
        html.close("tr").close("thead").open("tbody");
        List<String> hooks = new ArrayList<>();
        List<double[]> medians = new ArrayList<>();
        String[] kinds = {"distance", "nearest_sq", "mchn"};
        for (int i = 0; i < kinds.length; i++) {
            medians.add(new double[0]);
        }
        for (int row = 0; row < energy.rowCount(); row++) {
            String hook = energy.stringColumn("hook").get(row);
            String kind = energy.stringColumn("energy").get(row);
            html.open("tr", "data-row", Integer.toString(row));
            html.element("td", hook).element("td", kind);
            for (String[] c : new String[][] {{"n", "count"}, {"patterns", "count"}, {"queries", "count"},
                {"beta", "number"}, {"mean", "number"}, {"median", "number"}, {"p5", "number"}, {"p95", "number"},
                {"bound_holds_share", "share"}}) {
                double v = energy.numberColumn(c[0]).isMissing(row) ? Double.NaN : energy.numberColumn(c[0]).getDouble(row);
                String text = switch (c[1]) {
                    case "count" -> Fmt.count(v);
                    case "share" -> Fmt.share(v);
                    default -> Fmt.number(v);
                };
                html.element("td", text, "data-col", c[0]);
            }
            html.close("tr");
            if (!hook.equals("global")) {
                if (!hooks.contains(hook)) {
                    hooks.add(hook);
                }
                for (int k = 0; k < kinds.length; k++) {
                    if (kinds[k].equals(kind)) {
                        double[] grown = java.util.Arrays.copyOf(medians.get(k), hooks.size());
                        grown[hooks.size() - 1] = energy.numberColumn("median").getDouble(row);
                        medians.set(k, grown);
                    }
                }
            }
        }
        html.close("tbody").close("table");
        html.element("p", "Energies of held-out activations (" + energy.stringColumn("heldout").get(0)
                + ") against stored patterns (" + energy.stringColumn("stored_patterns").get(0) + "). "
                + "bound holds: share of queries with g\u00b2 \u2212 (log m)/\u03b2 \u2264 E \u2264 g\u00b2 (distance rows), "
                + "or with E_global \u2264 min\u2097 E\u2097 (the global row, which combines a token's energies over the hooks).",
                "class", "note");
        for (int k = 0; k < kinds.length; k++) {
            if (medians.get(k).length != hooks.size()) {
                medians.set(k, java.util.Arrays.copyOf(medians.get(k), hooks.size()));
            }
        }
        plots.embed(html, Figure.of(Charts.perHook(run.name() + ": energies of held-out activations per hook",
                "median energy (squared activation units)", hooks,
                List.of("distance energy E", "g\u00b2 (squared NN distance)", "MCHN energy"), medians)),
                run.name() + "-energy", "Median energies of held-out vectors against the stored patterns, per hook.");
        return true;
    }
}
