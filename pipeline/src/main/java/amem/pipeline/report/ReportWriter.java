package amem.pipeline.report;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import amem.pipeline.analysis.EnergyLandscape;
import amem.pipeline.run.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes one self-contained HTML report (XHTML, charts embedded as {@code data:} URIs, no scripts, no network) for
 * one run or a comparison of runs, and saves every chart as PNG and SVG under {@code plots/} beside it. The page
 * and the charts are built in temporary files and moved into place when complete, the page last.
 */
public final class ReportWriter {

    /** The two commands that put a run's radius into its report, as they are pasted. */
    static String radiusHint(Path runDir) {
        return "./amem collect --run " + runDir + " --hooks 'blocks.*.hook_resid_post' --tokens 20000, then ./amem analyze run "
                + runDir + ", then ./amem report " + runDir + ".";
    }

    /** Grid points per axis of docs/THEORY.md §1's two-dimensional illustration. */
    static final int LANDSCAPE_POINTS = 121;

    /**
     * @param report the HTML file
     * @param charts the chart files written (PNG and SVG)
     */
    public record Result(Path report, List<Path> charts) {}

    private ReportWriter() {}

    /** Writes the report for the runs at {@code runDirs} to {@code out}. */
    public static Result write(List<Path> runDirs, Path out) throws IOException {
        if (runDirs.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one run directory");
        }
        List<RunData> runs = new ArrayList<>();
        for (Path dir : runDirs) {
            runs.add(RunData.load(dir));
        }
        return writePage(out, plots -> page(runs, plots));
    }

    /** Builds a page from its figures. */
    interface Page {
        String build(Plots plots) throws IOException;
    }

    /**
     * Writes the page {@code build} makes to {@code out} and its charts to {@code plots/} beside it: everything is
     * staged in temporary files and moved into place when complete, the page last, so a failure leaves the previous
     * report as it was.
     */
    static Result writePage(Path out, Page build) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        Path directory = target.getParent();
        Files.createDirectories(directory);
        Path plotsDir = directory.resolve("plots");
        Path staging = Files.createTempDirectory(directory, ".plots-");
        try {
            Plots plots = new Plots(staging, "plots/");
            String page = build.build(plots);
            // unique, so two reports written to one file at once never share a temporary file: the last rename wins
            Path pageTemp = Files.createTempFile(staging, "." + target.getFileName() + ".", ".tmp");
            Files.writeString(pageTemp, page, StandardCharsets.UTF_8);
            Files.createDirectories(plotsDir);
            List<Path> charts = new ArrayList<>();
            for (ChartFiles.Written w : plots.written()) {
                for (Path file : List.of(w.png(), w.svg())) {
                    Path placed = plotsDir.resolve(file.getFileName());
                    Files.move(file, placed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    charts.add(placed);
                }
            }
            Files.move(pageTemp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new Result(target, List.copyOf(charts));
        } finally {
            AtomicFiles.deleteTree(staging);
        }
    }

    /** The document head with the report's style sheet, and the opening of the body. */
    static void head(Html html, String title) {
        html.raw("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                + "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        html.element("title", title).newline();
        html.raw("<style>\n" + Style.CSS + "\n</style>\n"); // CSS is raw text in HTML: no entities in it
        html.raw("</head>\n<body>\n");
    }

    private static String page(List<RunData> runs, Plots plots) throws IOException {
        String names = runs.stream().map(RunData::name).collect(Collectors.joining(", "));
        Html html = new Html();
        head(html, "amem report: " + names);
        html.element("h1", runs.size() == 1 ? "amem report: " + names : "amem report: " + runs.size() + " runs");
        html.element("p", "Runs: " + names + ". Generated " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + " by amem. Theory and formulas: docs/THEORY.md §1\u20133 (associative memory, Niu et al., arXiv 2405.08707). "
                + "Losses are in nats per token.", "class", "meta");
        contents(html, runs);

        html.element("h2", "Summary", "id", "summary");
        LossSection.comparison(html, runs);
        LossSection.comparisonChart(html, runs, plots);

        html.element("h2", "Loss against the theory (docs/THEORY.md \u00a73)", "id", "loss");
        for (RunData run : runs) {
            html.element("h3", run.name());
            LossSection.run(html, run, plots);
        }

        html.element("h2", "Task accuracy", "id", "accuracy");
        boolean anyAccuracy = false;
        for (RunData run : runs) {
            anyAccuracy |= LossSection.accuracy(html, run, plots);
        }
        if (!anyAccuracy) {
            html.element("p", "No task accuracy in eval.csv (rows with an accuracy column, *_acc columns or *_acc "
                    + "splits; see docs/GUIDE.md, amem report).", "class", "note");
        }

        html.element("h2", "Activation geometry (docs/THEORY.md \u00a72)", "id", "geometry");
        for (RunData run : runs) {
            if (!GeometrySection.write(html, run, plots)) {
                // commands that work when pasted: collect writes into RUN/activations, where analyze run RUN looks
                html.element("p", run.name() + ": no analysis/radius.csv yet. Record activations and measure them: "
                        + radiusHint(run.run().root()), "class", "note");
            }
        }

        html.element("h2", "Energies (docs/THEORY.md \u00a71)", "id", "energy");
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            EnergySection.illustration(html, EnergyLandscape.illustration(manager, LANDSCAPE_POINTS), plots);
        }
        for (RunData run : runs) {
            if (!EnergySection.run(html, run, plots)) {
                html.element("p", run.name() + ": no analysis/energy.csv (amem analyze activations HELDOUT "
                        + "--patterns TRAINING computes it).", "class", "note");
            }
        }

        html.element("h2", "Run configurations", "id", "config");
        for (RunData run : runs) {
            ConfigSection.write(html, run);
        }
        html.raw("</body>\n</html>\n");
        return html.toString();
    }

    private static void contents(Html html, List<RunData> runs) {
        html.open("nav").open("ul");
        String[][] sections = {{"summary", "Summary"}, {"loss", "Loss against the theory"}, {"accuracy", "Task accuracy"},
            {"geometry", "Activation geometry"}, {"energy", "Energies"}, {"config", "Run configurations"}};
        for (String[] s : sections) {
            html.open("li").element("a", s[1], "href", "#" + s[0]).close("li");
        }
        html.close("ul").close("nav");
    }

    /** The page's style sheet (no quotes, ampersands or angle brackets: it is inserted as it is). */
    static final class Style {
        static final String CSS = String.join("\n",
                "body { font-family: DejaVu Sans, Helvetica Neue, Arial, sans-serif; color: #222; margin: 2em auto;",
                "  max-width: 1180px; padding: 0 1.2em; line-height: 1.45; }",
                "h1 { font-size: 1.7em; margin-bottom: 0.2em; }",
                "h2 { border-bottom: 2px solid #4e79a7; padding-bottom: 0.15em; margin-top: 2em; }",
                "h3 { margin-top: 1.6em; }",
                "p.meta, p.note { color: #555; font-size: 0.92em; }",
                "nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1.2em; }",
                "nav a { color: #4e79a7; text-decoration: none; }",
                "table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.88em; }",
                "th, td { border: 1px solid #ddd; padding: 0.3em 0.55em; vertical-align: top; }",
                "thead th { background: #f2f5f9; }",
                "table.numbers td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }",
                "div.scroll { overflow-x: auto; }",
                "table.numbers th { white-space: normal; vertical-align: bottom; }",
                "table.numbers td:first-child { text-align: left; }",
                "table.config th { text-align: left; font-weight: normal; color: #555; background: #fafafa; }",
                "table.config td { font-family: DejaVu Sans Mono, monospace; }",
                "figure.chart { margin: 1em 0; }",
                "figure.chart img { max-width: 100%; height: auto; border: 1px solid #eee; }",
                "figcaption { color: #555; font-size: 0.88em; }",
                "div.grid { display: flex; flex-wrap: wrap; gap: 0.5em 1.2em; }",
                "div.grid figure.chart { margin: 0.4em 0; }");

        private Style() {}
    }
}
