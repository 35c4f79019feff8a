package amem.pipeline.report;

import amem.pipeline.analysis.EvalLog;
import amem.pipeline.analysis.MetricsLog;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, built with XChart in one style: white background, axis titles with units, a legend that
 * names every line, log scales where a curve spans more than a factor of a few. The chart factories used by the
 * notebooks ({@code notebooks/}: {@link #loss}, {@link #accuracy}, {@link #perHook}, {@link #histogram},
 * {@link #lines}) are public so that a notebook draws exactly the report's figure.
 */
public final class Charts {

    static final int WIDTH = 880;
    static final int HEIGHT = 440;

    /** Tableau 10: distinguishable, colour-blind tolerant. */
    static final Color[] PALETTE = {
        new Color(0x4e79a7), new Color(0xf28e2b), new Color(0x59a14f), new Color(0xe15759), new Color(0x76b7b2),
        new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};

    private static final BasicStroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {7f, 5f}, 0f);
    private static final BasicStroke REFERENCE_DOTTED = new BasicStroke(2.5f, BasicStroke.CAP_ROUND,
            BasicStroke.JOIN_ROUND, 10f, new float[] {0.5f, 5f}, 0f);
    private static final BasicStroke DOTTED = new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
            new float[] {1.5f, 4f}, 0f);

    /**
     * A horizontal reference line drawn across a chart, e.g. the paper's bound; {@code dotted} draws it dotted
     * instead of dashed, so two references close together (the bound 1.0 and an entropy rate of 1.0145) stay apart.
     */
    public record Reference(String label, double value, Color color, boolean dotted) {
        public Reference(String label, double value, Color color) {
            this(label, value, color, false);
        }
    }

    /** Plateau and early-stopping marks of one curve. */
    public record Marks(double plateau, long plateauFrom, long plateauTo, long minStep, double minLoss) {}

    private Charts() {}

    static XYChart xy(String title, String xTitle, String yTitle) {
        return xy(title, xTitle, yTitle, HEIGHT);
    }

    static XYChart xy(String title, String xTitle, String yTitle, int height) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(height).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return chart;
    }

    private static void style(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(new Color(0xbbbbbb));
        styler.setPlotGridLinesColor(new Color(0xe6e6e6));
        styler.setLegendBorderColor(new Color(0xdddddd));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setChartTitleBoxVisible(false);
        styler.setAntiAlias(true);
    }

    /**
     * A run's loss curves (docs/THEORY.md §3): the per-step training loss (smoothed), every evaluated split, the
     * reference lines, and for the validation split its plateau (thick segment) and minimum (early stopping).
     * With {@code zoom} the chart leaves out the first evaluation (the untrained model) and fits the y axis to
     * the rest, so the approach to the references can be read; references outside that range are left out.
     */
    public static XYChart loss(String title, MetricsLog metrics, EvalLog eval, String validation, Marks marks,
            List<Reference> references, boolean zoom) {
        XYChart chart = xy(title, "optimizer step", "loss (nats per token)", HEIGHT + 140);
        // below the plot: inside, the legend covered the last evaluations, which short runs have nowhere else
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        long lastStep = 1;
        long firstStep = 0;
        for (EvalLog.Series curve : eval.losses()) {
            lastStep = Math.max(lastStep, curve.steps()[curve.size() - 1]);
        }
        if (metrics != null && metrics.size() > 0) {
            lastStep = Math.max(lastStep, metrics.steps()[metrics.size() - 1]);
        }
        if (zoom) {
            firstStep = lastStep;
            for (EvalLog.Series curve : eval.losses()) {
                for (long step : curve.steps()) {
                    if (step > 0) {
                        firstStep = Math.min(firstStep, step);
                    }
                }
            }
            if (firstStep >= lastStep) {
                firstStep = lastStep / 10;
            }
        }
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (EvalLog.Series curve : eval.losses()) {
            for (int i = 0; i < curve.size(); i++) {
                if (curve.steps()[i] >= firstStep) {
                    extend(range, new double[] {curve.values()[i]});
                }
            }
        }
        if (!zoom && metrics != null) {
            extend(range, metrics.smoothedLoss(Math.max(1, metrics.size() / 100)));
        }
        List<Reference> shown = new ArrayList<>();
        double spread = range[1] - range[0];
        for (Reference r : references) {
            if (!zoom || (r.value() > range[0] - Math.max(0.5 * spread, 0.05 * range[0])
                    && r.value() < range[1] + Math.max(0.5 * spread, 0.05 * range[1]))) {
                shown.add(r);
                extend(range, new double[] {r.value()});
            }
        }
        double pad = 0.06 * (range[1] - range[0]);
        double low = zoom ? range[0] - pad : Math.max(0, range[0] - pad);
        double high = range[1] + (zoom ? pad : 0.25 * (range[1] - range[0]));
        if (metrics != null && metrics.size() > 0) {
            int window = Math.max(1, metrics.size() / 100);
            double[][] smooth = downsample(toDouble(metrics.steps()), metrics.smoothedLoss(window), 1500);
            double[][] inRange = clip(smooth, firstStep, low, high, true);
            if (Arrays.stream(inRange[1]).anyMatch(Double::isFinite)) {
                XYSeries s = chart.addSeries(window == 1 ? "train batches (each step)"
                        : String.format(Locale.ROOT, "train batches (mean of %d steps)", window),
                        inRange[0], inRange[1]);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(new Color(0xa0bcd8));
                s.setLineWidth(1.2f);
            }
        }
        int colour = 0;
        for (EvalLog.Series curve : eval.losses()) {
            double[][] points = clip(new double[][] {toDouble(curve.steps()), curve.values()}, firstStep,
                    Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false);
            if (points[0].length == 0) {
                continue;
            }
            // two evaluations joined by a straight line read as a measured curve: below three, points only
            boolean joined = points[0].length >= 3;
            XYSeries s = chart.addSeries(curve.name() + (joined ? " (evaluation)" : " (evaluations, not joined)"),
                    points[0], points[1]);
            Color c = curve.name().equals("train") ? PALETTE[0] : curve.name().equals(validation) ? PALETTE[1]
                    : PALETTE[2 + (colour++ % (PALETTE.length - 2))];
            s.setLineColor(c);
            s.setMarkerColor(c);
            s.setMarker(SeriesMarkers.CIRCLE);
            if (joined) {
                s.setLineWidth(2f);
            } else {
                s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE); // a line width would bring it back
            }
        }
        if (marks != null && !Double.isNaN(marks.plateau())) {
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%s plateau %.4f (steps %,d-%,d)", validation,
                    marks.plateau(), marks.plateauFrom(), marks.plateauTo()),
                    new double[] {marks.plateauFrom(), marks.plateauTo()}, new double[] {marks.plateau(), marks.plateau()});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new Color(242, 142, 43, 110));
            s.setLineWidth(9f);
        }
        if (marks != null && marks.minStep() >= firstStep) {
            // early stopping only where the loss rose after its minimum; a minimum at the last evaluation is not one
            String what = marks.minStep() < marks.plateauTo() ? "early stopping" : "the last evaluation: still falling";
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "min %s %.4f at step %,d (%s)",
                    validation, marks.minLoss(), marks.minStep(), what),
                    new double[] {marks.minStep(), marks.minStep()}, new double[] {low, high});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(PALETTE[3]);
            s.setLineStyle(DOTTED);
            s.setLineWidth(1.5f);
        }
        for (Reference r : shown) {
            addReference(chart, r, firstStep, lastStep);
        }
        chart.getStyler().setYAxisMin(low);
        chart.getStyler().setYAxisMax(high);
        chart.getStyler().setXAxisMin((double) firstStep);
        chart.getStyler().setXAxisMax((double) lastStep);
        niceXTicks(chart, "#,##0");
        chart.getStyler().setYAxisDecimalPattern(zoom ? "0.000" : "0.0#");
        return chart;
    }

    /**
     * The points with x >= {@code fromX}; y values outside [{@code low}, {@code high}] become NaN (a gap in the
     * line) when {@code gaps}, else are kept.
     */
    private static double[][] clip(double[][] points, double fromX, double low, double high, boolean gaps) {
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < points[0].length; i++) {
            double y = points[1][i];
            if (points[0][i] >= fromX && Double.isFinite(y)) {
                kept.add(new double[] {points[0][i], gaps && (y < low || y > high) ? Double.NaN : y});
            }
        }
        double[][] out = new double[2][kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            out[0][i] = kept.get(i)[0];
            out[1][i] = kept.get(i)[1];
        }
        return out;
    }

    /**
     * Validation curves of several runs on one chart, from each run's first evaluation after step 0 (the untrained
     * model's loss would flatten the rest), with the reference lines that fall near them.
     */
    static XYChart comparison(List<String> names, List<EvalLog.Series> curves, List<Reference> references) {
        XYChart chart = xy("Validation loss of the compared runs (from the second evaluation on)", "optimizer step",
                "loss (nats per token)");
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long lastStep = 1;
        List<double[][]> shown = new ArrayList<>();
        for (EvalLog.Series curve : curves) {
            double[][] points = clip(new double[][] {toDouble(curve.steps()), curve.values()}, 1,
                    Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false);
            if (points[0].length == 0) {
                points = new double[][] {toDouble(curve.steps()), curve.values()};
            }
            shown.add(points);
            extend(range, points[1]);
            lastStep = Math.max(lastStep, curve.steps()[curve.size() - 1]);
        }
        double spread = range[1] - range[0];
        List<Reference> near = new ArrayList<>();
        for (Reference r : references) {
            if (r.value() > range[0] - Math.max(0.5 * spread, 0.05 * range[0])
                    && r.value() < range[1] + Math.max(0.5 * spread, 0.05 * range[1])) {
                near.add(r);
                extend(range, new double[] {r.value()});
            }
        }
        for (int i = 0; i < shown.size(); i++) {
            XYSeries s = chart.addSeries(names.get(i) + " (" + curves.get(i).name() + ")", shown.get(i)[0], shown.get(i)[1]);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2f);
        }
        for (Reference r : near) {
            addReference(chart, r, 0, lastStep);
        }
        double pad = 0.06 * Math.max(range[1] - range[0], 1e-3);
        chart.getStyler().setYAxisMin(range[0] - pad);
        chart.getStyler().setYAxisMax(range[1] + pad);
        chart.getStyler().setXAxisMin(0.0);
        niceXTicks(chart, "#,##0");
        chart.getStyler().setYAxisDecimalPattern("0.0##");
        return chart;
    }

    /** Task accuracy per task set against steps. */
    public static XYChart accuracy(String title, List<EvalLog.Series> accuracies) {
        XYChart chart = xy(title, "optimizer step", "accuracy (fraction correct)");
        int i = 0;
        for (EvalLog.Series curve : accuracies) {
            XYSeries s = chart.addSeries(curve.name(), toDouble(curve.steps()), curve.values());
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2f);
            i++;
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setXAxisMin(0.0);
        niceXTicks(chart, "#,##0");
        chart.getStyler().setYAxisDecimalPattern("0.0#");
        return chart;
    }

    /**
     * Per-hook lines: one category per hook point in model order (labels are short hook names), one line per
     * named series.
     *
     * @param hooks hook names in model order
     * @param series named value arrays, one value per hook
     */
    public static CategoryChart perHook(String title, String yTitle, List<String> hooks, List<String> names,
            List<double[]> series) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("hook point (model order)").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true); // every series at the category's centre, not side by side
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setXAxisLabelRotation(hooks.size() > 4 ? 45 : 0);
        chart.getStyler().setYAxisDecimalPattern("0.###");
        // the hook's own name (less the "hook_" prefixes): bare block numbers 0, 1, 2 did not say which point
        List<String> labels = new ArrayList<>();
        for (String hook : hooks) {
            labels.add(hook.replace("hook_", ""));
        }
        for (int i = 0; i < series.size(); i++) {
            List<Double> values = new ArrayList<>();
            for (double v : series.get(i)) {
                values.add(Double.isFinite(v) ? v : null);
            }
            CategorySeries s = chart.addSeries(names.get(i), labels, values);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            s.setFillColor(PALETTE[i % PALETTE.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(i == 0 ? 2.5f : 1.5f);
        }
        return chart;
    }

    /** Named (x, y) series as lines with markers. */
    public static XYChart lines(String title, String xTitle, String yTitle, List<String> names,
            List<double[][]> series) {
        XYChart chart = xy(title, xTitle, yTitle);
        for (int i = 0; i < series.size(); i++) {
            XYSeries s = chart.addSeries(names.get(i), series.get(i)[0], series.get(i)[1]);
            s.setLineColor(PALETTE[i % PALETTE.length]);
            s.setMarkerColor(PALETTE[i % PALETTE.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(1.8f);
        }
        niceXTicks(chart, "#,##0");
        chart.getStyler().setYAxisDecimalPattern("0.###");
        return chart;
    }

    /** Histograms of nearest-neighbour and pairwise distances of one hook (fractions per bin, as steps). */
    public static XYChart histogram(String hook, double[] edges, double[] nearest, double[] pairwise) {
        XYChart chart = xy("Distances at " + hook, "distance (activation units)", "fraction of vectors / pairs per bin");
        addHistogram(chart, "nearest-neighbour distance", edges, nearest, PALETTE[0]);
        addHistogram(chart, "pairwise distance (subsample)", edges, pairwise, PALETTE[1]);
        chart.getStyler().setYAxisMin(0.0);
        niceXTicks(chart, "0.###");
        chart.getStyler().setYAxisDecimalPattern("0.###");
        return chart;
    }

    private static void addHistogram(XYChart chart, String name, double[] edges, double[] fractions, Color color) {
        // a step outline: up and across each bin
        double[] x = new double[2 * fractions.length + 2];
        double[] y = new double[x.length];
        x[0] = edges[0];
        y[0] = 0;
        for (int b = 0; b < fractions.length; b++) {
            x[2 * b + 1] = edges[b];
            y[2 * b + 1] = fractions[b];
            x[2 * b + 2] = edges[b + 1];
            y[2 * b + 2] = fractions[b];
        }
        x[x.length - 1] = edges[edges.length - 1];
        y[y.length - 1] = 0;
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setFillColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 90));
        s.setLineWidth(1.5f);
    }

    /**
     * X tick labels in {@code pattern} at round values. XChart puts the ticks of an axis whose data x values are equally
     * spaced (steps 1, 2, 3...; histogram bin edges) on every k-th data value, which gave ticks at 0, 7, 14 ... and
     * 0.346, 0.692 ...; with one point off that grid it uses its usual 1-2-5 spacing. Call it after the data series.
     */
    static void niceXTicks(XYChart chart, String pattern) {
        chart.getStyler().setXAxisDecimalPattern(pattern);
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        double y = Double.NaN;
        for (XYSeries series : chart.getSeriesCollection()) {
            for (int i = 0; i < series.getXData().length; i++) {
                low = Math.min(low, series.getXData()[i]);
                high = Math.max(high, series.getXData()[i]);
                y = Double.isFinite(y) ? y : series.getYData()[i];
            }
        }
        if (high > low && Double.isFinite(y)) {
            // one invisible point off the data's even grid: XChart then places ticks at round values
            XYSeries anchor = chart.addSeries(" ", new double[] {low + (high - low) * 0.5137}, new double[] {y});
            anchor.setMarker(SeriesMarkers.NONE);
            anchor.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE);
            anchor.setShowInLegend(false);
        }
    }

    private static void addReference(XYChart chart, Reference r, double from, double to) {
        XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%s (%.4f)", r.label(), r.value()),
                new double[] {from, to}, new double[] {r.value(), r.value()});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(r.color());
        s.setLineStyle(r.dotted() ? REFERENCE_DOTTED : DASHED);
        s.setLineWidth(r.dotted() ? 2.5f : 1.5f);
    }

    static double[] toDouble(long[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /** At most {@code limit} evenly spaced points (always including the last), NaNs dropped. */
    static double[][] downsample(double[] x, double[] y, int limit) {
        int stride = Math.max(1, (int) Math.ceil(x.length / (double) limit));
        List<double[]> kept = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if ((i % stride == 0 || i == x.length - 1) && Double.isFinite(y[i])) {
                kept.add(new double[] {x[i], y[i]});
            }
        }
        double[][] out = new double[2][kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            out[0][i] = kept.get(i)[0];
            out[1][i] = kept.get(i)[1];
        }
        return out;
    }

    private static void extend(double[] range, double[] values) {
        for (double v : values) {
            if (Double.isFinite(v) && v > 0) {
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
    }
}
