package amem.pipeline.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.analysis.EvalLog;
import amem.pipeline.analysis.LossAnalysis;
import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RunFiles;
import amem.pipeline.analysis.scaling.ChinchillaFit;
import amem.pipeline.analysis.scaling.CountKind;
import amem.pipeline.analysis.scaling.LineFit;
import amem.pipeline.analysis.scaling.OptimalSizeFit;
import amem.pipeline.analysis.scaling.ScalingCell;
import amem.pipeline.config.RunConfig;
import amem.pipeline.hooks.ActivationSnapshots;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.sweep.SweepRunner;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every notebook of the repository's {@code notebooks/} directory (DESIGN.md: "their code is executed by
 * tests"), so they cannot rot: for each {@code *.ipynb}, in file-name order, a fresh JShell (local execution engine,
 * the test's class path, {@link JShellRunner}) runs the code cells in order, with IJava's class-path magics dropped
 * ({@link IJavaMagics}) and IJava's {@code display} standing in ({@link NotebookDisplay}), against a tiny real run
 * trained here with an activation snapshot and a tiny real sweep (3 model sizes × 2 data sizes on the run's store).
 * Any snippet that does not compile or throws fails the notebook's test, naming the cell. Every notebook must show
 * something ({@code display}); the notebooks in {@link #EXPECTATIONS} are also checked for their results, so an
 * emptied notebook cannot pass. A new notebook reads its inputs from the
 * system properties in {@link #properties()} (add one there when it needs another input) and gets an entry in
 * {@link #EXPECTATIONS} for what it must compute.
 *
 * <p>What each notebook printed and showed is written to {@code target/notebook-output/NAME/} (output.txt,
 * display-N.png) for a look at the figures.
 */
class NotebooksTest {

    private static final long STEPS = 24;
    private static final int LAYERS = 2;

    /** The tiny sweep: 3 model sizes × 2 data sizes, enough cells (≥ 5, 2 N, 2 D) for the Chinchilla fit. */
    private static final String SWEEP_GRID = """
            {"models": [{"name": "n8", "set": {"model.n_embd": 8}},
                        {"name": "n16", "set": {"model.n_embd": 16}},
                        {"name": "n32", "set": {"model.n_embd": 32}}],
             "data": [{"name": "D2k", "tokens": 2000}, {"name": "all", "fraction": 1.0}]}
            """;
    private static final long SWEEP_STEPS = 8;

    @TempDir
    static Path dir;

    private static Path run;
    private static Path sweep;

    /** Checks of one notebook's results, run in its JShell after its last cell. */
    @FunctionalInterface
    interface Expectation {
        void check(JShellRunner shell, List<Object> shown) throws Exception;
    }

    /** What the known notebooks must leave behind, by file name. */
    private static final Map<String, Expectation> EXPECTATIONS = Map.of(
            "01-run.ipynb", NotebooksTest::runNotebook,
            "02-activations.ipynb", NotebooksTest::activationsNotebook,
            "03-sweep.ipynb", NotebooksTest::sweepNotebook);

    @BeforeAll
    static void tinyRunAndSweep() throws IOException {
        Path store = TinyQf.store(dir);
        run = dir.resolve("run");
        RunConfig config = TinyQf.config(store, STEPS)
                .with("model.n_layer", Integer.toString(LAYERS))
                .with("train.checkpoint_interval", "1000")
                .with("hooks.stats_interval", "0")
                .with("hooks.snapshot_steps", "0," + STEPS)
                .with("hooks.snapshot_tokens", "300");
        long start = System.nanoTime();
        TrainingRun.start(config, run, new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9),
                Long.MAX_VALUE);
        System.out.printf(Locale.ROOT, "tiny run for the notebooks: %d steps in %.1f s%n", STEPS,
                (System.nanoTime() - start) / 1e9);
        tinySweep(store);
    }

    /**
     * The sweep 03-sweep opens: on the run's store (its whole training split and a 2,000-token subset), as few steps
     * as give a validation curve (evaluations at 0, 4 and 8), no task scoring, statistics or intermediate checkpoints.
     */
    private static void tinySweep(Path store) throws IOException {
        RunConfig base = TinyQf.config(store, SWEEP_STEPS)
                .with("train.task_items", "-1")
                .with("train.checkpoint_interval", "1000")
                .with("hooks.stats_interval", "0");
        sweep = dir.resolve("sweep");
        SweepPlan plan = SweepPlan.create(sweep, null, base, JsonParser.parseString(SWEEP_GRID).getAsJsonObject(),
                List.of());
        long start = System.nanoTime();
        SweepRunner.Result result = SweepRunner.run(plan, plan.cells(), List.of(),
                new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9), TrainingRun.Options.defaults());
        assertEquals(0, result.failed(), "cells of the tiny sweep failed: " + result.cells());
        System.out.printf(Locale.ROOT, "tiny sweep for the notebooks: %d cells of %d steps in %.1f s%n",
                plan.cells().size(), SWEEP_STEPS, (System.nanoTime() - start) / 1e9);
    }

    /** The system properties the notebooks read their inputs from. */
    private static Map<String, String> properties() {
        return Map.of(
                "amem.run", run.toString(),
                // a run's activations/ directory: the notebook opens its latest snapshot
                "amem.activations", run.resolve(ActivationSnapshots.DIR).toString(),
                "amem.sweep", sweep.toString());
    }

    @Test
    void notebooksAreCleanJavaNotebooks() throws IOException {
        for (Path file : notebooks()) {
            NotebookCells notebook = NotebookCells.read(file);
            String name = notebook.name();
            JsonObject kernel = notebook.metadata().getAsJsonObject("kernelspec");
            assertTrue(text(kernel, "name").equals("java") && text(kernel, "language").equals("java"),
                    name + ": kernelspec must be IJava's "
                    + "{\"name\": \"java\", \"display_name\": \"Java\", \"language\": \"java\"}, got " + kernel);
            JsonObject language = notebook.metadata().getAsJsonObject("language_info");
            assertTrue(text(language, "name").equals("java"),
                    name + ": language_info.name must be java, got " + language);
            assertFalse(notebook.codeCells().isEmpty(), name + ": no code cells");
            assertTrue(notebook.cells().stream().anyMatch(c -> c.type().equals("markdown")),
                    name + ": no markdown cell says what the notebook shows");
            for (NotebookCells.Cell cell : notebook.codeCells()) {
                JsonElement outputs = cell.json().get("outputs");
                JsonElement count = cell.json().get("execution_count");
                assertTrue(outputs != null && outputs.isJsonArray() && outputs.getAsJsonArray().isEmpty()
                        && count != null && count.isJsonNull(), name + ", " + where(notebook, cell)
                        + ": outputs must be empty and execution_count null in the repository (clear them: "
                        + "jupyter nbconvert --clear-output --inplace " + name + ")");
                assertFalse(cell.source().isBlank(), name + ", " + where(notebook, cell) + ": empty code cell");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyNotebookRunsTopToBottom() throws IOException {
        return notebooks().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> execute(file)));
    }

    private static void execute(Path file) throws Exception {
        NotebookCells notebook = NotebookCells.read(file);
        String name = notebook.name();
        Path out = Path.of("target", "notebook-output", name.replaceFirst("\\.ipynb$", ""));
        Files.createDirectories(out);
        Map<String, String> previous = new HashMap<>();
        properties().forEach((key, value) -> previous.put(key, System.setProperty(key, value)));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        long start = System.nanoTime();
        NotebookDisplay.drain();
        List<Object> shown = new ArrayList<>();
        int codeCells = 0;
        int snippets;
        try (JShellRunner shell = new JShellRunner(name)) {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                for (NotebookCells.Cell cell : notebook.codeCells()) {
                    String where = where(notebook, cell);
                    IJavaMagics.Stripped code;
                    try {
                        code = IJavaMagics.strip(cell.source());
                    } catch (IllegalArgumentException e) {
                        throw new AssertionError(name + ", " + where + ": " + e.getMessage());
                    }
                    System.out.println("---- " + where + (code.magics().isEmpty() ? "" : " " + code.magics()));
                    shell.run(where, code.code());
                    codeCells++;
                }
                System.out.flush();
                shown.addAll(NotebookDisplay.drain());
                assertFalse(shown.isEmpty(), name + " shows nothing: a notebook must display() at least one result");
                Expectation expectation = EXPECTATIONS.get(name);
                if (expectation != null) {
                    expectation.check(shell, shown);
                }
            } catch (AssertionError | RuntimeException e) {
                System.out.flush();
                throw new AssertionError(e.getMessage() + "\n  last output of the notebook:\n" + tail(printed, 30), e);
            } finally {
                System.setOut(stdout);
                snippets = shell.snippets();
                Files.write(out.resolve("output.txt"), printed.toByteArray());
            }
        } finally {
            previous.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
        int images = 0;
        for (Object value : shown) {
            if (value instanceof RenderedImage image) {
                assertTrue(image.getWidth() > 0 && image.getHeight() > 0, name + ": an empty image was displayed");
                ImageIO.write(image, "png", out.resolve("display-" + (++images) + ".png").toFile());
            }
        }
        System.out.printf(Locale.ROOT, "%s: %d code cells, %d snippets, %d results shown (%d images) in %.1f s; "
                + "output in %s%n", name, codeCells, snippets, shown.size(), images, (System.nanoTime() - start) / 1e9,
                out.toAbsolutePath());
    }

    /** 01-run: the loss table of both evaluated splits, the numbers amem analyze computes, the loss charts. */
    private static void runNotebook(JShellRunner shell, List<Object> shown) throws IOException {
        assertEquals("2", shell.value("lossTable.rowCount()"), "one row per evaluated split: train and val");
        assertEquals("[train, val]", shell.value("lossTable.stringColumn(\"split\").asList().toString()")
                .replace("\"", ""));
        LossAnalysis.Result direct = LossAnalysis.analyse(RunFiles.open(run), LossAnalysis.Options.defaults());
        double level = direct.split("val").orElseThrow().level();
        assertEquals(level, Double.parseDouble(shell.value("lossTable.doubleColumn(\"level\").get(1)")), 1e-12);
        assertEquals(level - 1.0, Double.parseDouble(shell.value("lossTable.doubleColumn(\"gap_to_paper_bound\").get(1)")),
                1e-12);
        assertTrue(direct.entropy().isPresent(), "the tiny store records its entropy");
        assertEquals(level - direct.entropy().get().forSplit("val").getValue(),
                Double.parseDouble(shell.value("lossTable.doubleColumn(\"gap_to_entropy_rate\").get(1)")), 1e-12);
        assertEquals("6", shell.value("plateauRule.rowCount()"));
        // loss, zoomed loss, task accuracy (the QF store has dev/test/gen task sets)
        assertEquals(3, images(shown), "images shown");
    }

    /** 02-activations: the latest snapshot, one radius row per hook point with r_hat as amem analyze finds it. */
    private static void activationsNotebook(JShellRunner shell, List<Object> shown) throws IOException {
        Path latest = ActivationSnapshots.directory(run, STEPS);
        assertEquals("\"" + latest.getFileName() + "\"", shell.value("dataset.getFileName().toString()"),
                "the latest snapshot of the run's activations/");
        ActivationSet set = ActivationSet.open(latest);
        int hooks = set.hooks().size();
        assertEquals(LAYERS + 1, hooks, "blocks.*.hook_resid_post and ln_final.hook_normalized");
        assertEquals(Integer.toString(hooks), shell.value("hookTable.rowCount()"));
        assertEquals(Integer.toString(hooks), shell.value("radiusTable.rowCount()"));
        RadiusAnalysis.SetResult direct;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            direct = RadiusAnalysis.analyse(set, RadiusAnalysis.Options.defaults(), manager, line -> {});
        }
        for (int i = 0; i < hooks; i++) {
            double radius = direct.hooks().get(i).radius();
            assertTrue(radius > 0, "r_hat of " + direct.hooks().get(i).hook());
            assertEquals(radius, Double.parseDouble(shell.value("radiusTable.doubleColumn(\"radius\").get(" + i + ")")),
                    1e-9 * radius, direct.hooks().get(i).hook());
        }
        // radius and ratio charts, one histogram per hook
        assertEquals(2 + hooks, images(shown), "images shown");
    }

    /**
     * 03-sweep: every cell in the tables, N*(D) and the slope as {@link OptimalSizeFit} finds them from the cells'
     * run directories (not from sweep.csv), the Chinchilla fit or the reason it is missing as {@link ChinchillaFit}
     * gives it on the same cells, the validation curves of the smallest data size, the charts.
     */
    private static void sweepNotebook(JShellRunner shell, List<Object> shown) throws IOException {
        SweepPlan plan = SweepPlan.open(sweep);
        int cellCount = plan.cells().size();
        assertEquals(Integer.toString(cellCount), shell.value("cellsTable.rowCount()"));
        assertEquals(Integer.toString(cellCount), shell.value("sweepTable.rowCount()"));
        assertEquals("\"" + "done,".repeat(cellCount) + "\"",
                shell.value("String.join(\",\", sweepTable.stringColumn(\"status\").asList()) + \",\""));
        assertEquals(Integer.toString(cellCount), shell.value("scaling.input().cells().size()"));

        // the cells by hand: sizes from each run's config.json, the best validation loss from its eval.csv
        List<ScalingCell> cells = new ArrayList<>();
        Map<String, double[]> curves = new HashMap<>();
        for (SweepPlan.Cell cell : plan.cells()) {
            RunFiles files = RunFiles.open(plan.runDir(cell));
            EvalLog.Series val = EvalLog.read(files.evalFile()).loss("val").orElseThrow();
            double best = Arrays.stream(val.values()).min().orElseThrow();
            cells.add(new ScalingCell(cell.name(), files.get("data.train_tokens").orElseThrow().getAsLong(),
                    files.get("parameters.total").orElseThrow().getAsLong(),
                    files.get("parameters.non_embedding").orElseThrow().getAsLong(), best));
            curves.put(cell.name(), val.values());
        }
        ChinchillaFit.Options chinchillaOptions = ChinchillaFit.Options.defaults().withResamples(0);
        int chinchillaFits = 0;
        for (CountKind count : CountKind.values()) {
            List<OptimalSizeFit.Optimum> optima = OptimalSizeFit.optima(cells, count);
            assertEquals(2, optima.size(), "two data sizes");
            String rows = "optimalTable.where(optimalTable.stringColumn(\"count\").isEqualTo(\"" + count.label()
                    + "\"))";
            assertEquals(quoted(optima.stream().map(OptimalSizeFit.Optimum::d).toList()),
                    shell.value("String.valueOf(" + rows + ".longColumn(\"d_tokens\").asList())"), count.label());
            assertEquals(quoted(optima.stream().map(OptimalSizeFit.Optimum::nStar).toList()),
                    shell.value("String.valueOf(" + rows + ".longColumn(\"n_star\").asList())"), count.label());
            assertEquals(quoted(optima.stream().map(OptimalSizeFit.Optimum::cell).toList()),
                    shell.value("String.valueOf(" + rows + ".stringColumn(\"cell\").asList())"), count.label());
            double[] x = optima.stream().mapToDouble(o -> Math.log(o.d())).toArray();
            double[] y = optima.stream().mapToDouble(o -> Math.log(o.nStar())).toArray();
            assertEquals(LineFit.of(x, y).slope(), Double.parseDouble(shell.value(
                    "scaling.optimalSize().get(CountKind." + count.name() + ").slope().estimate()")), 1e-12);
            String fitted = "scaling.chinchilla().containsKey(CountKind." + count.name() + ")";
            try {
                ChinchillaFit.Result direct = ChinchillaFit.fit(cells, count, chinchillaOptions);
                chinchillaFits++;
                assertEquals("true", shell.value(fitted), "the Chinchilla fit of " + count.label());
                assertEquals(direct.objective(), Double.parseDouble(shell.value(
                        "scaling.chinchilla().get(CountKind." + count.name() + ").objective()")),
                        1e-9 * Math.abs(direct.objective()) + 1e-15);
                assertEquals(direct.law().alpha(), Double.parseDouble(shell.value(
                        "scaling.chinchilla().get(CountKind." + count.name() + ").law().alpha()")), 1e-9);
            } catch (IllegalArgumentException | IllegalStateException e) {
                assertEquals("false", shell.value(fitted),
                        "no Chinchilla fit of " + count.label() + ": " + e.getMessage());
                assertEquals("\"" + e.getMessage() + "\"",
                        shell.value("scaling.chinchillaMissing().get(CountKind." + count.name() + ")"));
            }
        }
        // slope, intercept, R², standard error per count; six parameters per Chinchilla fit
        assertEquals(Integer.toString(4 * CountKind.values().length + 6 * chinchillaFits),
                shell.value("fitsTable.rowCount()"));

        // the validation curves of the smallest data size, one per model, minima as in eval.csv
        assertEquals("\"D2k\"", shell.value("CURVES_DATA"));
        List<SweepPlan.Cell> small = plan.cells().stream().filter(c -> c.data().name().equals("D2k")).toList();
        assertEquals(Integer.toString(small.size()), shell.value("curvesTable.rowCount()"));
        for (int i = 0; i < small.size(); i++) {
            double[] values = curves.get(small.get(i).name());
            assertEquals("\"" + small.get(i).name() + "\"", shell.value("curveCell.get(" + i + ")"));
            assertEquals(Arrays.stream(values).min().orElseThrow(),
                    Double.parseDouble(shell.value("curveBest.get(" + i + ")")), 1e-12);
            assertEquals(values[values.length - 1] - Arrays.stream(values).min().orElseThrow(),
                    Double.parseDouble(shell.value("riseAfterBest.get(" + i + ")")), 1e-12);
        }
        // loss against N, loss against D, log N* against log D per count, the validation curves
        assertEquals(3 + CountKind.values().length, images(shown), "images shown");
    }

    private static String quoted(List<?> values) {
        return "\"" + values + "\"";
    }

    private static long images(List<Object> shown) {
        return shown.stream().filter(RenderedImage.class::isInstance).count();
    }

    /** The repository's notebooks, in file-name order; fails when there are none. */
    static List<Path> notebooks() throws IOException {
        Path directory = notebooksDirectory();
        List<Path> files;
        try (Stream<Path> entries = Files.list(directory)) {
            files = entries.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".ipynb") && !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            fail(directory + " has no .ipynb notebooks");
        }
        return files;
    }

    /** notebooks/ of the repository: looked for from the working directory (pipeline/ under Maven) upwards. */
    static Path notebooksDirectory() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            if (Files.isDirectory(at.resolve("notebooks")) && Files.isRegularFile(at.resolve("pom.xml"))) {
                return at.resolve("notebooks");
            }
        }
        return fail("no notebooks/ directory beside a pom.xml above " + Path.of("").toAbsolutePath());
    }

    private static String text(JsonObject object, String member) {
        return object != null && object.has(member) && object.get(member).isJsonPrimitive()
                ? object.get(member).getAsString() : "";
    }

    private static String where(NotebookCells notebook, NotebookCells.Cell cell) {
        int code = notebook.codeCells().indexOf(cell) + 1;
        return String.format(Locale.ROOT, "cell %d of %d (code cell %d)", cell.index() + 1, notebook.cells().size(), code);
    }

    private static String tail(ByteArrayOutputStream printed, int lines) {
        List<String> all = printed.toString(StandardCharsets.UTF_8).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
