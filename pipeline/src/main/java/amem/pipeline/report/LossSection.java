package amem.pipeline.report;

import amem.pipeline.analysis.EntropyReference;
import amem.pipeline.analysis.EvalLog;
import com.google.gson.JsonElement;
import java.awt.Color;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.XYChart;

/**
 * The report's comparison table and its loss and accuracy sections (docs/THEORY.md §3). Every number comes from the
 * run's {@code analysis/loss.csv}; cells carry {@code data-col} (the CSV column) and rows {@code data-split}, so a
 * reader (or a test) can match them with the file.
 */
final class LossSection {

    static final Color BOUND = Color.BLACK;
    static final Color LARGE = new Color(0x888888);
    static final Color ENTROPY = new Color(0x2e8b57);

    private LossSection() {}

    /**
     * The tables of all runs, one row each: what each run is, then its losses against the references. One table of
     * sixteen columns scrolled sideways at 1,400 px; two of six and eleven fit a laptop screen.
     */
    static void comparison(Html html, List<RunData> runs) {
        html.open("div", "class", "scroll");
        tableHead(html, "comparison-runs", "run", "status", "model", "parameters (non-embedding)", "training tokens",
                "last step");
        for (RunData run : runs) {
            String val = run.validationSplit();
            html.open("tr", "data-run", run.name(), "data-split", val);
            html.element("td", run.name());
            html.element("td", run.run().isDone() ? "finished" : "unfinished");
            html.element("td", modelText(run));
            html.element("td", Fmt.large(number(run, "parameters.total")) + " ("
                    + Fmt.large(number(run, "parameters.non_embedding")) + ")");
            html.element("td", Fmt.large(number(run, "data.train_tokens")));
            cell(html, Fmt.count(run.lossValue(val, "last_step")), "last_step", val);
            html.close("tr");
        }
        html.close("tbody").close("table");
        tableHead(html, "comparison", "run", "final train loss", "final val loss", "min val loss (step)",
                "val plateau (from step)", "gap to bound", "gap to 2.2", "entropy rate", "gap to entropy",
                "overfitting gap", "r\u0302 (last hook)");
        for (RunData run : runs) {
            String val = run.validationSplit();
            html.open("tr", "data-run", run.name(), "data-split", val);
            html.element("td", run.name());
            cell(html, Fmt.loss(run.lossValue("train", "final_loss")), "final_loss", "train");
            cell(html, Fmt.loss(run.lossValue(val, "final_loss")), "final_loss", val);
            minAndPlateauCells(html, run, val);
            cell(html, Fmt.gap(run.lossValue(val, "gap_to_paper_bound")), "gap_to_paper_bound", val);
            cell(html, Fmt.gap(run.lossValue(val, "gap_to_large_model")), "gap_to_large_model", val);
            cell(html, Fmt.loss(run.lossValue(val, "entropy_rate")), "entropy_rate", val);
            cell(html, Fmt.gap(run.lossValue(val, "gap_to_entropy_rate")), "gap_to_entropy_rate", val);
            cell(html, Fmt.gap(run.lossValue(val, "overfitting_gap")), "overfitting_gap", val);
            html.element("td", lastRadius(run));
            html.close("tr");
        }
        html.close("tbody").close("table").close("div");
        html.element("p", "Gaps are the reached level (the plateau when the rule holds, else the final loss) minus "
                + "the reference; the overfitting gap is validation minus training loss at the last common evaluation. "
                + "All losses in nats per token.", "class", "note");
    }

    /** Validation curves of all runs on one chart (only for two runs or more). */
    static void comparisonChart(Html html, List<RunData> runs, Plots plots) throws IOException {
        List<String> names = new ArrayList<>();
        List<EvalLog.Series> curves = new ArrayList<>();
        for (RunData run : runs) {
            run.eval().loss(run.validationSplit()).ifPresent(curve -> {
                names.add(run.name());
                curves.add(curve);
            });
        }
        if (curves.size() < 2) {
            return;
        }
        XYChart chart = Charts.comparison(names, curves, comparisonReferences(runs));
        plots.embed(html, Figure.of(chart), "comparison-val-loss",
                "Validation loss of every run against the optimizer step, with the reference lines.");
    }

    /** One run's loss charts and its loss.csv table. */
    static void run(Html html, RunData run, Plots plots) throws IOException {
        String val = run.validationSplit();
        Charts.Marks marks = new Charts.Marks(run.lossValue(val, "plateau_loss"),
                (long) orZero(run.lossValue(val, "plateau_from_step")), (long) orZero(run.lossValue(val, "last_step")),
                (long) orMinus(run.lossValue(val, "min_step")), run.lossValue(val, "min_loss"));
        List<Charts.Reference> references = references(run);
        var metrics = run.metrics().orElse(null);
        plots.embed(html, Figure.of(Charts.loss(run.name() + ": loss during training", metrics, run.eval(), val, marks,
                references, false)), run.name() + "-loss",
                "Loss of " + run.name() + ": training batches (moving mean), evaluations of each split, the "
                        + val + " plateau and minimum, and the reference lines.");
        long later = run.eval().loss(val).map(curve -> java.util.Arrays.stream(curve.steps()).filter(s -> s > 0).count())
                .orElse(0L);
        if (later >= 2) {
            plots.embed(html, Figure.of(Charts.loss(run.name() + ": loss after the first evaluation", metrics, run.eval(),
                    val, marks, references, true)), run.name() + "-loss-zoom",
                    "The same curves from the second evaluation on, scaled to show the approach to the references "
                            + "(references far outside this range are left out).");
        } else {
            html.element("p", "No zoomed chart: the " + val + " split has " + later + " evaluation(s) after step 0,"
                    + " too few to show an approach (evaluate more often with --set train.eval_interval=N).", "class", "note");
        }
        lossTable(html, run);
        html.open("p", "class", "note").text(referenceNote(run)).close("p");
        if (run.lossComputed()) {
            html.element("p", "analysis/loss.csv was not there; this report computed it with the default plateau rule "
                    + "and references (amem analyze run " + run.run().root() + " sets them).", "class", "note");
        }
    }

    /** Accuracy chart of a run with task-accuracy rows in eval.csv (false when it has none). */
    static boolean accuracy(Html html, RunData run, Plots plots) throws IOException {
        List<EvalLog.Series> accuracies = run.eval().accuracies();
        if (accuracies.isEmpty()) {
            return false;
        }
        html.element("h3", run.name());
        plots.embed(html, Figure.of(Charts.accuracy(run.name() + ": task accuracy", accuracies)),
                run.name() + "-accuracy", "Task accuracy of " + run.name() + " per evaluation (fraction correct).");
        html.open("table", "class", "numbers").open("thead").open("tr");
        html.element("th", "task set").element("th", "evaluations").element("th", "last step")
                .element("th", "final accuracy").element("th", "best accuracy (step)");
        html.close("tr").close("thead").open("tbody");
        for (EvalLog.Series a : accuracies) {
            int best = 0;
            for (int i = 1; i < a.size(); i++) {
                best = a.values()[i] > a.values()[best] ? i : best;
            }
            html.open("tr").element("td", a.name()).element("td", Integer.toString(a.size()))
                    .element("td", Fmt.count(a.steps()[a.size() - 1])).element("td", Fmt.share(a.last()))
                    .element("td", Fmt.share(a.values()[best]) + " (" + Fmt.count(a.steps()[best]) + ")").close("tr");
        }
        html.close("tbody").close("table");
        return true;
    }

    /** Opens a numbers table with its header row and body. */
    private static void tableHead(Html html, String id, String... heads) {
        html.open("table", "id", id, "class", "numbers");
        html.open("thead").open("tr");
        for (String head : heads) {
            html.element("th", head);
        }
        html.close("tr").close("thead").open("tbody");
    }

    private static void lossTable(Html html, RunData run) {
        tableHead(html, "loss-" + Plots.slug(run.name()), "split", "evaluations", "final", "min (step)",
                "plateau (from step)", "level", "gap to bound", "gap to 2.2", "gap to entropy", "overfitting gap",
                "rise after min");
        for (int row = 0; row < run.loss().rowCount(); row++) {
            String split = run.loss().stringColumn("split").get(row);
            html.open("tr", "data-split", split);
            html.element("td", split);
            cell(html, Fmt.count(run.lossValue(split, "evaluations")), "evaluations", split);
            cell(html, Fmt.loss(run.lossValue(split, "final_loss")), "final_loss", split);
            minAndPlateauCells(html, run, split);
            cell(html, Fmt.loss(run.lossValue(split, "level")), "level", split);
            cell(html, Fmt.gap(run.lossValue(split, "gap_to_paper_bound")), "gap_to_paper_bound", split);
            cell(html, Fmt.gap(run.lossValue(split, "gap_to_large_model")), "gap_to_large_model", split);
            cell(html, Fmt.gap(run.lossValue(split, "gap_to_entropy_rate")), "gap_to_entropy_rate", split);
            cell(html, Fmt.gap(run.lossValue(split, "overfitting_gap")), "overfitting_gap", split);
            cell(html, Fmt.gap(run.lossValue(split, "rise_after_min")), "rise_after_min", split);
            html.close("tr");
        }
        html.close("tbody").close("table");
    }

    private static String referenceNote(RunData run) {
        String val = run.validationSplit();
        StringBuilder note = new StringBuilder(String.format(Locale.ROOT,
                "Plateau rule (docs/THEORY.md §3): mean of the last %d evaluations once the relative change per evaluation "
                        + "stayed below %s. References: the paper's bound %s and the typical large-model loss %s nats per token; ",
                (int) run.lossValue(val, "plateau_window"), Fmt.number(run.lossValue(val, "plateau_tolerance")),
                Fmt.number(run.lossValue(val, "paper_bound")), Fmt.number(run.lossValue(val, "large_model_loss"))));
        Optional<EntropyReference> entropy = run.entropy();
        if (entropy.isPresent()) {
            note.append("the corpus's entropy references (from ").append(entropy.get().file())
                    .append("; each 'what' below says whether a figure is a floor or an estimate): ");
            for (int row = 0; row < run.loss().rowCount(); row++) {
                String split = run.loss().stringColumn("split").get(row);
                note.append(row == 0 ? "" : ", ").append(split).append(' ')
                        .append(Fmt.loss(run.lossValue(split, "entropy_rate"))).append(" (")
                        .append(run.lossText(split, "entropy_key")).append(")");
            }
            for (Map.Entry<String, Double> f : entropy.get().figures().entrySet()) {
                if (f.getKey().contains("closed")) {
                    note.append("; ").append(f.getKey()).append(" = ").append(Fmt.loss(f.getValue()));
                }
            }
            for (Map.Entry<String, String> n : entropy.get().notes().entrySet()) {
                note.append(". ").append(n.getKey()).append(": ").append(n.getValue());
            }
            note.append('.');
        } else {
            note.append("entropy rate of the corpus: not available (its store's meta.json records none).");
        }
        return note.toString();
    }

    /**
     * The reference lines of a comparison: the paper's bound and the large-model loss of the first run, and each
     * run's own corpus entropy rate labelled with the run, so a Question-Formation entropy line is never drawn as
     * if it applied to a text-corpus run.
     */
    static List<Charts.Reference> comparisonReferences(List<RunData> runs) {
        List<Charts.Reference> references = new ArrayList<>(references(runs.get(0)));
        references.removeIf(r -> r.color().equals(ENTROPY));
        for (RunData run : runs) {
            double entropy = run.lossValue(run.validationSplit(), "entropy_rate");
            if (Double.isFinite(entropy)) {
                references.add(new Charts.Reference("entropy rate of " + run.name() + "'s corpus", entropy, ENTROPY, true));
            }
        }
        return references;
    }

    static List<Charts.Reference> references(RunData run) {
        String val = run.validationSplit();
        List<Charts.Reference> references = new ArrayList<>();
        references.add(new Charts.Reference("paper's bound", run.lossValue(val, "paper_bound"), BOUND));
        references.add(new Charts.Reference("large-model loss", run.lossValue(val, "large_model_loss"), LARGE));
        double entropy = run.lossValue(val, "entropy_rate");
        if (Double.isFinite(entropy)) {
            references.add(new Charts.Reference("entropy rate of the " + val + " lines", entropy, ENTROPY, true));
        }
        references.removeIf(r -> !Double.isFinite(r.value()));
        return references;
    }

    /** The cells "min loss (its step)" and "plateau loss (from step)" or "not reached" of one split. */
    private static void minAndPlateauCells(Html html, RunData run, String split) {
        html.open("td");
        valueAndStep(html, run, split, "min_loss", "min_step");
        html.close("td");
        html.open("td");
        if (run.lossText(split, "plateau_reached").equals("true")) {
            valueAndStep(html, run, split, "plateau_loss", "plateau_from_step");
        } else {
            html.text("not reached");
        }
        html.close("td");
    }

    private static void valueAndStep(Html html, RunData run, String split, String lossColumn, String stepColumn) {
        html.element("span", Fmt.loss(run.lossValue(split, lossColumn)), "data-col", lossColumn, "data-split", split);
        html.text(" (");
        html.element("span", Fmt.count(run.lossValue(split, stepColumn)), "data-col", stepColumn, "data-split", split);
        html.text(")");
    }

    private static void cell(Html html, String text, String column, String split) {
        html.element("td", text, "data-col", column, "data-split", split);
    }

    private static String modelText(RunData run) {
        String architecture = run.run().get("config.model.architecture").map(JsonElement::getAsString).orElse("?");
        return String.format(Locale.ROOT, "%s L %s, n %s", architecture,
                run.run().get("config.model.n_layer").map(JsonElement::getAsString).orElse("?"),
                run.run().get("config.model.n_embd").map(JsonElement::getAsString).orElse("?"));
    }

    private static double number(RunData run, String path) {
        return run.run().get(path).filter(JsonElement::isJsonPrimitive)
                .filter(e -> e.getAsJsonPrimitive().isNumber()).map(JsonElement::getAsDouble).orElse(Double.NaN);
    }

    private static String lastRadius(RunData run) {
        if (run.radius().isEmpty()) {
            return Fmt.MISSING;
        }
        var table = run.radius().get();
        int last = table.rowCount() - 1;
        return Fmt.number(table.numberColumn("radius").getDouble(last)) + " (" + table.stringColumn("hook").get(last) + ")";
    }

    private static double orZero(double value) {
        return Double.isFinite(value) ? value : 0;
    }

    private static double orMinus(double value) {
        return Double.isFinite(value) ? value : -1;
    }
}
