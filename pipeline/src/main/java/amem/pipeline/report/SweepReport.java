package amem.pipeline.report;

import amem.pipeline.analysis.Tables;
import amem.pipeline.analysis.scaling.ChinchillaFit;
import amem.pipeline.analysis.scaling.CountKind;
import amem.pipeline.analysis.scaling.Interval;
import amem.pipeline.analysis.scaling.OptimalSizeFit;
import amem.pipeline.analysis.scaling.ScalingAnalysis;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.sweep.SweepTable;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

/**
 * The report of a sweep (docs/THEORY.md §4): the grid's cells, best validation loss against model size (one line per data
 * size) and against data size (one line per model), the optimal size N*(D) with the least-squares line through
 * log N* against log D and the slope-2 line the claim predicts, and both fits' parameters with their intervals.
 * Model size on the charts is the non-embedding count (≈ 12 L n² for GPT-2 blocks); the tables give both counts.
 * The chart factories ({@link #optimumChart}, {@link #lossChart}) are public so that {@code notebooks/03-sweep.ipynb}
 * draws exactly the report's figures.
 */
public final class SweepReport {

    private static final CountKind CHART_COUNT = CountKind.NON_EMBEDDING;

    private SweepReport() {}

    /** Writes {@code <sweep>/report.html} (or {@code out}) for the sweep in {@code dir}, analysing it first. */
    public static ReportWriter.Result write(Path dir, Path out, ScalingAnalysis.Options options) throws IOException {
        SweepPlan plan = SweepPlan.open(dir);
        Table cells = SweepTable.write(plan);
        ScalingAnalysis.Result scaling = ScalingAnalysis.analyse(dir, options);
        ScalingAnalysis.write(scaling, dir.resolve("analysis"));
        return ReportWriter.writePage(out != null ? out : dir.resolve("report.html"),
                plots -> page(plan, cells, scaling, plots));
    }

    private static String page(SweepPlan plan, Table cells, ScalingAnalysis.Result scaling, Plots plots) throws IOException {
        Html html = new Html();
        String name = plan.dir().toAbsolutePath().normalize().getFileName().toString();
        ReportWriter.head(html, "amem sweep report: " + name);
        html.element("h1", "amem sweep report: " + name);
        html.element("p", plan.describe() + ". Generated " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + " by amem from " + plan.dir().resolve(SweepTable.FILE) + ". Theory: docs/THEORY.md \u00a74 (the optimal model "
                + "size grows as N = O(D\u00b2)). Losses are best validation losses in nats per token (the early-stopping "
                + "minimum of each cell).", "class", "meta");

        html.element("h2", "Fits", "id", "fits");
        html.open("ul");
        for (String line : ScalingAnalysis.summaryLines(scaling)) {
            html.element("li", line.strip());
        }
        html.close("ul");
        fitsTable(html, scaling);

        html.element("h2", "Optimal model size against data size", "id", "optimal");
        OptimalSizeFit.Result fit = scaling.optimalSize().get(CHART_COUNT);
        if (fit != null) {
            plots.embed(html, Figure.of(optimumChart(fit)), "n-star-vs-d",
                    "N* (non-embedding parameters of the cell with the lowest best validation loss) against D, log-log: "
                            + "the least-squares line and, for comparison, a line of slope 2 through its centre. Hollow "
                            + "points are optima at the edge of the N grid (bounds, not estimates).");
        }

        html.element("h2", "Loss against model size and data size", "id", "loss");
        plots.embed(html, Figure.of(lossChart(cells, "n_non_embedding", "d_tokens", "D = ", true,
                        "Best validation loss against model size", "non-embedding parameters N (log)")), "loss-vs-n",
                "Best validation loss against N, one line per data size D: where a line turns up, larger models overfit "
                        + "that much data (the minimum is N*(D)).");
        plots.embed(html, Figure.of(lossChart(cells, "d_tokens", "n_non_embedding", "", false,
                        "Best validation loss against data size", "training tokens D (log)")), "loss-vs-d",
                "Best validation loss against D, one line per model.");

        html.element("h2", "Cells", "id", "cells");
        cellsTable(html, cells);
        html.raw("</body>\n</html>\n");
        return html.toString();
    }

    /** N*(D) of one parameter count on log-log axes, the least-squares line and a slope-2 line through its centre. */
    public static XYChart optimumChart(OptimalSizeFit.Result fit) {
        XYChart chart = Charts.xy("Optimal model size N*(D)", "training tokens D (log)",
                "N* " + (fit.count() == CountKind.TOTAL ? "total" : "non-embedding") + " (log)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        List<double[]> inside = new ArrayList<>();
        List<double[]> edge = new ArrayList<>();
        for (OptimalSizeFit.Optimum o : fit.optima()) {
            (o.atGridEdge() ? edge : inside).add(new double[] {o.d(), o.nStar()});
        }
        addPoints(chart, "N* inside the grid", inside, Charts.PALETTE[0], true);
        addPoints(chart, "N* at the grid's edge", edge, Charts.PALETTE[0], false);
        double lo = fit.optima().stream().mapToDouble(OptimalSizeFit.Optimum::d).min().orElse(1);
        double hi = fit.optima().stream().mapToDouble(OptimalSizeFit.Optimum::d).max().orElse(1);
        double[] xs = {lo, hi};
        double slope = fit.line().slope();
        Interval s = fit.slope();
        addLine(chart, String.format(Locale.ROOT, "fit: slope %.2f (%.2f to %.2f)", slope, s.low(), s.high()), xs,
                new double[] {fit.nStarAt(lo), fit.nStarAt(hi)}, Charts.PALETTE[1], false);
        double centre = Math.sqrt(lo * hi);
        double at = fit.nStarAt(centre);
        addLine(chart, "slope 2 (the claim)", xs, new double[] {at * Math.pow(lo / centre, ScalingAnalysis.CLAIMED_SLOPE),
            at * Math.pow(hi / centre, ScalingAnalysis.CLAIMED_SLOPE)}, Color.BLACK, true);
        return chart;
    }

    private static void addPoints(XYChart chart, String name, List<double[]> points, Color color, boolean filled) {
        if (points.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(filled ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
        s.setMarkerColor(filled ? color : Charts.PALETTE[3]);
    }

    private static void addLine(XYChart chart, String name, double[] x, double[] y, Color color, boolean dashed) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f) : new BasicStroke(2f));
    }

    /**
     * Best validation loss against {@code xColumn} (log axis), one series per value of {@code groupColumn}, from the
     * finished cells of a sweep.csv table ({@link SweepTable}).
     */
    public static XYChart lossChart(Table cells, String xColumn, String groupColumn, String prefix, boolean groupIsData,
            String title, String xTitle) {
        Map<Double, List<double[]>> groups = new TreeMap<>();
        double[] x = Tables.doubles(cells, xColumn);
        double[] group = Tables.doubles(cells, groupColumn);
        double[] loss = Tables.doubles(cells, "best_val_loss");
        for (int i = 0; i < x.length; i++) {
            if (cells.stringColumn("status").get(i).equals("done") && x[i] > 0 && Double.isFinite(loss[i])) {
                groups.computeIfAbsent(group[i], k -> new ArrayList<>()).add(new double[] {x[i], loss[i]});
            }
        }
        List<String> names = new ArrayList<>();
        List<double[][]> series = new ArrayList<>();
        for (Map.Entry<Double, List<double[]>> e : groups.entrySet()) {
            List<double[]> points = e.getValue();
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            names.add(prefix + (groupIsData ? Fmt.large(e.getKey()) + " tokens" : "N = " + Fmt.large(e.getKey())));
            series.add(new double[][] {points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray()});
        }
        XYChart chart = Charts.lines(title, xTitle, "best validation loss (nats/token)", names, series);
        chart.getStyler().setXAxisLogarithmic(true);
        if (series.isEmpty()) {
            chart.addSeries("no finished cells yet", new double[] {1}, new double[] {0});
        }
        return chart;
    }

    private static void fitsTable(Html html, ScalingAnalysis.Result scaling) {
        html.open("div", "class", "scroll").open("table", "class", "numbers").open("thead").open("tr");
        for (String head : new String[] {"fit", "N counted", "parameter", "estimate", "95 % interval"}) {
            html.element("th", head);
        }
        html.close("tr").close("thead").open("tbody");
        for (CountKind count : CountKind.values()) {
            OptimalSizeFit.Result o = scaling.optimalSize().get(count);
            if (o != null) {
                row(html, "log N* = a + b log D", count, "slope b (claim: 2)", o.slope());
                row(html, "log N* = a + b log D", count, "intercept a", o.intercept());
            }
            ChinchillaFit.Result c = scaling.chinchilla().get(count);
            if (c != null) {
                row(html, "Chinchilla", count, "E", c.e());
                row(html, "Chinchilla", count, "A", c.a());
                row(html, "Chinchilla", count, "B", c.b());
                row(html, "Chinchilla", count, "alpha", c.alpha());
                row(html, "Chinchilla", count, "beta", c.beta());
            } else if (scaling.chinchillaMissing().containsKey(count)) {
                html.open("tr").element("td", "Chinchilla").element("td", count.label())
                        .element("td", "not fitted: " + scaling.chinchillaMissing().get(count)).element("td", "")
                        .element("td", "").close("tr");
            }
        }
        html.close("tbody").close("table").close("div");
        html.element("p", "Intervals are bootstrap percentiles: over data sizes for the slope (each resample refits "
                + "the line to resampled (D, N*) pairs), over cells for the Chinchilla form (each resample refits from the "
                + "best starts). The published Chinchilla fit is E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28.",
                "class", "note");
    }

    private static void row(Html html, String fit, CountKind count, String parameter, Interval value) {
        html.open("tr").element("td", fit).element("td", count.label()).element("td", parameter)
                .element("td", Fmt.number(value.estimate()))
                .element("td", value.hasInterval() ? Fmt.number(value.low()) + " to " + Fmt.number(value.high()) : Fmt.MISSING)
                .close("tr");
    }

    private static void cellsTable(Html html, Table cells) {
        html.open("div", "class", "scroll").open("table", "id", "cells", "class", "numbers").open("thead").open("tr");
        for (String head : new String[] {"#", "cell", "status", "N total", "N non-embedding", "D tokens", "steps",
            "best val loss (step)", "final train loss", "final val loss", "train plateau", "note"}) {
            html.element("th", head);
        }
        html.close("tr").close("thead").open("tbody");
        double[] total = Tables.doubles(cells, "n_total");
        double[] nonEmbedding = Tables.doubles(cells, "n_non_embedding");
        double[] d = Tables.doubles(cells, "d_tokens");
        double[] steps = Tables.doubles(cells, "steps");
        double[] best = Tables.doubles(cells, "best_val_loss");
        double[] bestStep = Tables.doubles(cells, "early_stop_step");
        double[] finalTrain = Tables.doubles(cells, "final_train_loss");
        double[] finalVal = Tables.doubles(cells, "final_val_loss");
        double[] plateau = Tables.doubles(cells, "plateau");
        for (int i = 0; i < cells.rowCount(); i++) {
            html.open("tr", "data-cell", cells.stringColumn("cell").get(i));
            html.element("td", Integer.toString(i));
            html.element("td", cells.stringColumn("cell").get(i));
            html.element("td", cells.stringColumn("status").get(i));
            html.element("td", Fmt.count(total[i]));
            html.element("td", Fmt.count(nonEmbedding[i]));
            html.element("td", Fmt.count(d[i]));
            html.element("td", Fmt.count(steps[i]));
            html.element("td", Fmt.loss(best[i]) + " (" + Fmt.count(bestStep[i]) + ")");
            html.element("td", Fmt.loss(finalTrain[i]));
            html.element("td", Fmt.loss(finalVal[i]));
            html.element("td", Fmt.loss(plateau[i]));
            html.element("td", cells.stringColumn("note").get(i));
            html.close("tr");
        }
        html.close("tbody").close("table").close("div");
    }
}
