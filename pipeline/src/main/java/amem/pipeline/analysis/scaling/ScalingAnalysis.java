package amem.pipeline.analysis.scaling;

import amem.pipeline.analysis.AnalysisInputException;
import amem.pipeline.analysis.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * docs/THEORY.md §4 for one sweep: reads the sweep's {@code sweep.csv}, keeps the finished cells, runs the optimal-size
 * fit ({@link OptimalSizeFit}) and the Chinchilla fit ({@link ChinchillaFit}) under both parameter counts, and
 * writes {@code optimal_size.csv} (the per-D optima) and {@code scaling_fits.csv} (every fitted parameter with its
 * interval). A grid too small for the Chinchilla fit still gets the optimal-size fit; the result says why the other
 * is missing.
 */
public final class ScalingAnalysis {

    public static final String SWEEP_FILE = "sweep.csv";
    public static final String OPTIMAL_SIZE_FILE = "optimal_size.csv";
    public static final String FITS_FILE = "scaling_fits.csv";

    /** Text columns of sweep.csv (as amem sweep writes them); the rest are read as numbers. */
    public static final Set<String> TEXT_COLUMNS = Set.of("cell", "model", "data", "status", "run", "note");
    static final String[] REQUIRED = {"cell", "status", "n_total", "n_non_embedding", "d_tokens", "best_val_loss"};
    static final String DONE = "done";

    /** What the claim N = O(D²) predicts for the slope of log N* on log D. */
    public static final double CLAIMED_SLOPE = 2.0;

    /**
     * @param optimalSize options of the optimal-size fit
     * @param chinchilla options of the Chinchilla fit
     */
    public record Options(OptimalSizeFit.Options optimalSize, ChinchillaFit.Options chinchilla) {

        public static Options defaults() {
            return new Options(OptimalSizeFit.Options.defaults(), ChinchillaFit.Options.defaults());
        }
    }

    /**
     * The usable cells of a sweep.csv.
     *
     * @param file the file read
     * @param rows its rows
     * @param cells finished cells with a loss and sizes
     * @param notDone rows skipped because their status is not {@code done}
     * @param noLoss finished rows skipped for a missing, NaN, infinite or non-positive best_val_loss
     * @param noSize finished rows skipped for a missing or non-positive n_total, n_non_embedding or d_tokens
     */
    public record SweepCells(Path file, int rows, List<ScalingCell> cells, int notDone, int noLoss, int noSize) {

        public int skipped() {
            return notDone + noLoss + noSize;
        }
    }

    /**
     * @param input the cells used and the rows skipped
     * @param optimalSize the optimal-size fit per parameter count
     * @param chinchilla the Chinchilla fit per parameter count, where it could run
     * @param chinchillaMissing per parameter count without a Chinchilla fit, why
     * @param options options used
     */
    public record Result(SweepCells input, Map<CountKind, OptimalSizeFit.Result> optimalSize,
            Map<CountKind, ChinchillaFit.Result> chinchilla, Map<CountKind, String> chinchillaMissing,
            Options options) {}

    private ScalingAnalysis() {}

    /** {@code sweep} itself when it is a file, else its {@code sweep.csv}. */
    public static Path sweepFile(Path sweep) {
        return Files.isDirectory(sweep) ? sweep.resolve(SWEEP_FILE) : sweep;
    }

    /** Reads the finished cells of {@code sweep} (a sweep.csv or the directory holding it). */
    public static SweepCells read(Path sweep) throws IOException {
        Path file = sweepFile(sweep);
        Table table = Tables.read(file, TEXT_COLUMNS);
        Tables.require(table, file, REQUIRED);
        for (String name : new String[] {"n_total", "n_non_embedding", "d_tokens", "best_val_loss"}) {
            Column<?> column = table.column(name);
            if (!(column instanceof DoubleColumn)) {
                throw new AnalysisInputException(file + ": column " + name + " holds text that is not a number ("
                        + firstNonNumber(column) + ")");
            }
        }
        StringColumn names = table.stringColumn("cell");
        StringColumn status = table.stringColumn("status");
        double[] nTotal = Tables.doubles(table, "n_total");
        double[] nNonEmbedding = Tables.doubles(table, "n_non_embedding");
        double[] d = Tables.doubles(table, "d_tokens");
        double[] loss = Tables.doubles(table, "best_val_loss");
        List<ScalingCell> cells = new ArrayList<>();
        int notDone = 0;
        int noLoss = 0;
        int noSize = 0;
        for (int i = 0; i < table.rowCount(); i++) {
            if (!DONE.equals(status.get(i).trim())) {
                notDone++;
            } else if (!(loss[i] > 0) || Double.isInfinite(loss[i])) {
                noLoss++;
            } else if (!(nTotal[i] >= 1 && nNonEmbedding[i] >= 1 && d[i] >= 1)) {
                noSize++;
            } else {
                cells.add(new ScalingCell(names.get(i), Math.round(d[i]), Math.round(nTotal[i]),
                        Math.round(nNonEmbedding[i]), loss[i]));
            }
        }
        return new SweepCells(file, table.rowCount(), List.copyOf(cells), notDone, noLoss, noSize);
    }

    private static String firstNonNumber(Column<?> column) {
        for (int i = 0; i < column.size(); i++) {
            String cell = column.getString(i).trim();
            try {
                if (!cell.isEmpty()) {
                    Double.parseDouble(cell);
                }
            } catch (NumberFormatException e) {
                return "row " + (i + 1) + ": \"" + cell + "\"";
            }
        }
        return "column is not numeric";
    }

    /** Reads {@code sweep} and fits; the optimal-size fit failing (fewer than 2 data sizes) fails the whole. */
    public static Result analyse(Path sweep, Options options) throws IOException {
        SweepCells input = read(sweep);
        if (input.cells().isEmpty()) {
            throw new AnalysisInputException(input.file() + ": no finished cell with a best validation loss ("
                    + input.rows() + " rows: " + skippedWords(input) + ")");
        }
        Map<CountKind, OptimalSizeFit.Result> optimal = new EnumMap<>(CountKind.class);
        Map<CountKind, ChinchillaFit.Result> chinchilla = new EnumMap<>(CountKind.class);
        Map<CountKind, String> missing = new EnumMap<>(CountKind.class);
        for (CountKind count : CountKind.values()) {
            try {
                optimal.put(count, OptimalSizeFit.fit(input.cells(), count, options.optimalSize()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(input.file() + ": " + e.getMessage(), e);
            }
            try {
                chinchilla.put(count, ChinchillaFit.fit(input.cells(), count, options.chinchilla()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                missing.put(count, e.getMessage());
            }
        }
        return new Result(input, Collections.unmodifiableMap(optimal), Collections.unmodifiableMap(chinchilla),
                Collections.unmodifiableMap(missing), options);
    }

    /** optimal_size.csv: one row per parameter count and data size. */
    public static Table optimalSizeTable(Result result) {
        StringColumn count = StringColumn.create("count");
        LongColumn d = LongColumn.create("d_tokens");
        LongColumn nStar = LongColumn.create("n_star");
        DoubleColumn loss = DoubleColumn.create("loss");
        StringColumn cell = StringColumn.create("cell");
        BooleanColumn edge = BooleanColumn.create("at_grid_edge");
        IntColumn sizes = IntColumn.create("sizes_tried");
        for (OptimalSizeFit.Result fit : result.optimalSize().values()) {
            for (OptimalSizeFit.Optimum o : fit.optima()) {
                count.append(fit.count().label());
                d.append(o.d());
                nStar.append(o.nStar());
                loss.append(o.loss());
                cell.append(o.cell());
                edge.append(o.atGridEdge());
                sizes.append(o.sizes());
            }
        }
        return Table.create("optimal_size", count, d, nStar, loss, cell, edge, sizes);
    }

    /** scaling_fits.csv: one row per fit, parameter count and parameter. */
    public static Table fitsTable(Result result) {
        StringColumn fit = StringColumn.create("fit");
        StringColumn count = StringColumn.create("count");
        StringColumn parameter = StringColumn.create("parameter");
        DoubleColumn estimate = DoubleColumn.create("estimate");
        DoubleColumn low = DoubleColumn.create("low");
        DoubleColumn high = DoubleColumn.create("high");
        IntColumn points = IntColumn.create("points");
        Table table = Table.create("scaling_fits", fit, count, parameter, estimate, low, high, points);
        for (OptimalSizeFit.Result r : result.optimalSize().values()) {
            int m = r.line().points();
            row(table, "optimal_size", r.count(), "slope", r.slope(), m);
            row(table, "optimal_size", r.count(), "intercept", r.intercept(), m);
            row(table, "optimal_size", r.count(), "r2", Interval.pointOnly(r.line().r2()), m);
            row(table, "optimal_size", r.count(), "stderr_slope", Interval.pointOnly(r.line().stderrSlope()), m);
        }
        for (ChinchillaFit.Result r : result.chinchilla().values()) {
            row(table, "chinchilla", r.count(), "E", r.e(), r.cells());
            row(table, "chinchilla", r.count(), "A", r.a(), r.cells());
            row(table, "chinchilla", r.count(), "B", r.b(), r.cells());
            row(table, "chinchilla", r.count(), "alpha", r.alpha(), r.cells());
            row(table, "chinchilla", r.count(), "beta", r.beta(), r.cells());
            row(table, "chinchilla", r.count(), "objective", Interval.pointOnly(r.objective()), r.cells());
        }
        return table;
    }

    private static void row(Table table, String fit, CountKind count, String parameter, Interval value,
            int points) {
        table.stringColumn("fit").append(fit);
        table.stringColumn("count").append(count.label());
        table.stringColumn("parameter").append(parameter);
        table.doubleColumn("estimate").append(value.estimate());
        table.doubleColumn("low").append(value.low());
        table.doubleColumn("high").append(value.high());
        table.intColumn("points").append(points);
    }

    /** Writes optimal_size.csv and scaling_fits.csv into {@code outputDir}. */
    public static void write(Result result, Path outputDir) throws IOException {
        Tables.write(optimalSizeTable(result), outputDir.resolve(OPTIMAL_SIZE_FILE));
        Tables.write(fitsTable(result), outputDir.resolve(FITS_FILE));
    }

    /** Lines for the console or a report: the input, then per parameter count the slope and the Chinchilla fit. */
    public static List<String> summaryLines(Result result) {
        List<String> lines = new ArrayList<>();
        SweepCells input = result.input();
        lines.add(String.format(Locale.ROOT, "%s: %d rows, %d finished cells used%s", input.file(), input.rows(),
                input.cells().size(), input.skipped() == 0 ? "" : "; skipped " + skippedWords(input)));
        for (CountKind count : CountKind.values()) {
            OptimalSizeFit.Result fit = result.optimalSize().get(count);
            if (fit != null) {
                lines.addAll(optimalSizeLines(fit));
            }
            ChinchillaFit.Result chinchilla = result.chinchilla().get(count);
            if (chinchilla != null) {
                lines.add(chinchillaLine(chinchilla));
                String warning = chinchillaWarning(chinchilla);
                if (!warning.isEmpty()) {
                    lines.add(warning);
                }
            } else if (result.chinchillaMissing().containsKey(count)) {
                lines.add("Chinchilla fit (" + count.description() + "): not fitted: "
                        + result.chinchillaMissing().get(count));
            }
        }
        return lines;
    }

    private static String skippedWords(SweepCells input) {
        List<String> words = new ArrayList<>();
        if (input.notDone() > 0) {
            words.add(input.notDone() + " not done");
        }
        if (input.noLoss() > 0) {
            words.add(input.noLoss() + " without a best validation loss");
        }
        if (input.noSize() > 0) {
            words.add(input.noSize() + " without sizes");
        }
        return words.isEmpty() ? "none skipped" : String.join(", ", words);
    }

    static List<String> optimalSizeLines(OptimalSizeFit.Result fit) {
        List<String> lines = new ArrayList<>();
        Interval b = fit.slope();
        String interval = b.hasInterval()
                ? String.format(Locale.ROOT, "%s %% bootstrap %.2f to %.2f", percent(fit.options().level()), b.low(),
                        b.high())
                : "no bootstrap interval";
        lines.add(String.format(Locale.ROOT, "N* ∝ D^%.2f (%s, %d data sizes, %s); the claim predicts %s",
                b.estimate(), interval, fit.optima().size(), fit.count().description(), number(CLAIMED_SLOPE)));
        lines.add(String.format(Locale.ROOT, "  log N* = %.3f + %.3f log D, R² %.3f, OLS standard error of the slope "
                + "%.3f; %d of %d bootstrap resamples skipped (a single data size)", fit.line().intercept(),
                fit.line().slope(), fit.line().r2(), fit.line().stderrSlope(), fit.skippedResamples(), fit.resamples()));
        long edge = fit.optimaAtEdge();
        if (edge > 0) {
            String where = fit.optima().stream().filter(OptimalSizeFit.Optimum::atGridEdge)
                    .map(o -> "D=" + o.d()).collect(Collectors.joining(", "));
            lines.add(String.format(Locale.ROOT, "  warning: %d of %d optima lie at the edge of their N grid (%s): the "
                    + "true optimum may lie outside the grid, so those N* are bounds", edge, fit.optima().size(), where));
        }
        return lines;
    }

    static String chinchillaLine(ChinchillaFit.Result fit) {
        ChinchillaLaw published = ChinchillaLaw.PUBLISHED;
        return String.format(Locale.ROOT, "Chinchilla fit (%s, %d cells): E %s, A %s, B %s, alpha %s, beta %s "
                + "(%s %% bootstrap); Huber objective %.3g, best of %d starts (%d converged), %d of %d bootstrap fits "
                + "converged (%d skipped); published E %s, A %s, B %s, alpha %s, beta %s",
                fit.count().description(), fit.cells(), withInterval(fit.e()), withInterval(fit.a()),
                withInterval(fit.b()), withInterval(fit.alpha()), withInterval(fit.beta()),
                percent(fit.options().level()), fit.objective(), fit.starts(), fit.convergedStarts(),
                fit.convergedResamples(), fit.resamples(), fit.skippedResamples(), number(published.e()),
                number(published.a()), number(published.b()), number(published.alpha()), number(published.beta()));
    }

    /** A warning when the fitted law does not fall with N or D: the form cannot describe the grid. */
    static String chinchillaWarning(ChinchillaFit.Result fit) {
        List<String> wrong = new ArrayList<>();
        if (!(fit.law().alpha() > 0)) {
            wrong.add("alpha");
        }
        if (!(fit.law().beta() > 0)) {
            wrong.add("beta");
        }
        if (wrong.isEmpty()) {
            return "";
        }
        return "  warning: " + String.join(" and ", wrong) + " <= 0, so the fitted loss does not fall with "
                + (wrong.size() == 2 ? "N or D" : wrong.get(0).equals("alpha") ? "N" : "D")
                + ": the Chinchilla form cannot describe this grid (a loss that rises past an optimal size, as "
                + "with memorisation, is outside it)";
    }

    private static String withInterval(Interval value) {
        return value.hasInterval()
                ? String.format(Locale.ROOT, "%.3g (%.3g to %.3g)", value.estimate(), value.low(), value.high())
                : String.format(Locale.ROOT, "%.3g", value.estimate());
    }

    private static String percent(double level) {
        return number(100 * level);
    }

    /** A number without trailing zeros (2, 0.34, 406.4). */
    private static String number(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
