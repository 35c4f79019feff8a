package amem.pipeline.sweep;

import amem.datasets.store.TokenStoreMeta;
import amem.pipeline.config.ConfigException;
import amem.models.ParameterCount;
import amem.pipeline.analysis.LossAnalysis;
import amem.pipeline.analysis.RunFiles;
import amem.pipeline.analysis.Tables;
import amem.pipeline.run.RunDirectory;
import amem.pipeline.train.FaultReport;
import amem.pipeline.session.ModelConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * {@code sweep.csv}: one row per cell of the grid, read back from the cells' run directories (so it is right however
 * the cells ran: one after another here, as Slurm array tasks elsewhere, partly twice after a crash).
 *
 * <p>Columns: the cell ({@code cell, index, model, data, status, run}); its shape ({@code n_layer, n_embd, n_head,
 * ffn_width}); N counted both ways of docs/THEORY.md §4 ({@code n_total, n_non_embedding}); D ({@code d_tokens}, the
 * training split's tokens); and from eval.csv {@code steps} (last evaluated), {@code best_val_loss} and
 * {@code early_stop_step} (the step of the lowest validation loss: where early stopping would have kept the model),
 * {@code final_train_loss}, {@code final_val_loss}, and the training loss {@code plateau} and {@code plateau_step}
 * (LossAnalysis's rule; empty when the curve has not flattened). Status is {@code done}, {@code failed} (a
 * non-finite loss, or a configuration refused before training, e.g. too large for the device: {@code note} says which),
 * {@code partial} (started, not finished: resumable) or {@code pending}.
 */
public final class SweepTable {

    public static final String FILE = "sweep.csv";

    /** Columns whose values are text when the table is read back. */
    public static final java.util.Set<String> TEXT_COLUMNS =
            java.util.Set.of("cell", "model", "data", "status", "run", "note");

    /** Where a cell's last failure is recorded, so the table says so until the cell runs again. */
    static Path failureFile(SweepPlan plan, SweepPlan.Cell cell) {
        return plan.dir().resolve("failures").resolve(cell.name() + ".txt");
    }

    private SweepTable() {}

    /** The table of {@code plan}'s cells as they stand on disk. */
    public static Table build(SweepPlan plan) throws IOException {
        StringColumn cell = StringColumn.create("cell");
        IntColumn index = IntColumn.create("index");
        StringColumn model = StringColumn.create("model");
        StringColumn data = StringColumn.create("data");
        StringColumn status = StringColumn.create("status");
        IntColumn nLayer = IntColumn.create("n_layer");
        IntColumn nEmbd = IntColumn.create("n_embd");
        IntColumn nHead = IntColumn.create("n_head");
        IntColumn ffn = IntColumn.create("ffn_width");
        LongColumn nTotal = LongColumn.create("n_total");
        LongColumn nNonEmbedding = LongColumn.create("n_non_embedding");
        LongColumn dTokens = LongColumn.create("d_tokens");
        LongColumn steps = LongColumn.create("steps");
        DoubleColumn bestVal = DoubleColumn.create("best_val_loss");
        LongColumn earlyStop = LongColumn.create("early_stop_step");
        DoubleColumn finalTrain = DoubleColumn.create("final_train_loss");
        DoubleColumn finalVal = DoubleColumn.create("final_val_loss");
        DoubleColumn plateau = DoubleColumn.create("plateau");
        LongColumn plateauStep = LongColumn.create("plateau_step");
        StringColumn run = StringColumn.create("run");
        StringColumn note = StringColumn.create("note");
        for (SweepPlan.Cell c : plan.cells()) {
            Path dir = plan.runDir(c);
            var config = plan.config(c);
            cell.append(c.name());
            index.append(c.index());
            model.append(c.model().name());
            data.append(c.data().name());
            nLayer.append(config.getInt("model.n_layer"));
            nEmbd.append(config.getInt("model.n_embd"));
            nHead.append(config.getInt("model.n_head"));
            int width = config.getInt("model.ffn_width");
            ffn.append(width == 0 ? 4 * config.getInt("model.n_embd") : width);
            run.append(plan.dir().relativize(dir).toString());
            Sizes sizes = RunDirectory.holdsRun(dir) ? Sizes.ofRun(dir) : Sizes.ofStore(plan, c);
            appendOrMissing(nTotal, sizes.total);
            appendOrMissing(nNonEmbedding, sizes.nonEmbedding);
            appendOrMissing(dTokens, sizes.trainTokens);
            Optional<LossAnalysis.Result> losses = losses(dir);
            Path failure = failureFile(plan, c);
            String failed = Files.isRegularFile(failure) ? Files.readString(failure).strip() : "";
            String state = status(dir);
            status.append(!failed.isEmpty() && !state.equals("done") ? "failed" : state);
            note.append(state.equals("done") ? "" : failed.replace('\n', ' '));
            var val = losses.flatMap(r -> r.split("val"));
            var train = losses.flatMap(r -> r.split("train"));
            appendOrMissing(steps, val.map(v -> v.curve().steps()[v.curve().size() - 1]).orElse(null));
            bestVal.append(val.map(LossAnalysis.SplitLoss::minLoss).orElse(Double.NaN));
            appendOrMissing(earlyStop, val.map(LossAnalysis.SplitLoss::minStep).orElse(null));
            finalTrain.append(train.map(LossAnalysis.SplitLoss::finalLoss).orElse(Double.NaN));
            finalVal.append(val.map(LossAnalysis.SplitLoss::finalLoss).orElse(Double.NaN));
            var reached = train.map(LossAnalysis.SplitLoss::plateau).filter(p -> p.reached());
            plateau.append(reached.map(p -> p.value()).orElse(Double.NaN));
            appendOrMissing(plateauStep, reached.map(p -> p.fromStep()).orElse(null));
        }
        return Table.create("sweep", cell, index, model, data, status, nLayer, nEmbd, nHead, ffn, nTotal, nNonEmbedding,
                dTokens, steps, bestVal, earlyStop, finalTrain, finalVal, plateau, plateauStep, run, note);
    }

    /** Rebuilds and writes {@code <sweep>/sweep.csv}; returns the table. */
    public static Table write(SweepPlan plan) throws IOException {
        Table table = build(plan);
        Tables.write(table, plan.dir().resolve(FILE));
        return table;
    }

    static String status(Path dir) {
        if (!RunDirectory.holdsRun(dir)) {
            return "pending";
        }
        if (Files.exists(dir.resolve("DONE"))) {
            return "done";
        }
        return Files.exists(dir.resolve(FaultReport.FILE)) ? "failed" : "partial";
    }

    private static Optional<LossAnalysis.Result> losses(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve("eval.csv"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(LossAnalysis.analyse(RunFiles.open(dir), LossAnalysis.Options.defaults()));
        } catch (IllegalArgumentException | amem.pipeline.analysis.AnalysisInputException e) {
            return Optional.empty(); // header only: the run has not evaluated yet
        }
    }

    private static void appendOrMissing(LongColumn column, Long value) {
        if (value == null) {
            column.appendMissing();
        } else {
            column.append(value);
        }
    }

    /** N both ways and D, from a run's config.json or, before it starts, from the cell's config and store. */
    private record Sizes(Long total, Long nonEmbedding, Long trainTokens) {

        static Sizes ofRun(Path dir) throws IOException {
            RunFiles run = RunFiles.open(dir);
            return new Sizes(run.get("parameters.total").map(e -> e.getAsLong()).orElse(null),
                    run.get("parameters.non_embedding").map(e -> e.getAsLong()).orElse(null),
                    run.get("data.train_tokens").map(e -> e.getAsLong()).orElse(null));
        }

        static Sizes ofStore(SweepPlan plan, SweepPlan.Cell cell) throws IOException {
            Path meta = plan.dataDir(cell.data()).resolve(TokenStoreMeta.FILE_NAME);
            if (!Files.isRegularFile(meta)) {
                return new Sizes(null, null, null);
            }
            TokenStoreMeta store = TokenStoreMeta.fromJson(meta);
            var train = store.splits().get("train");
            Long tokens = train == null ? null : train.tokens();
            try {
                ParameterCount count = ParameterCount.of(ModelConfigs.from(plan.config(cell), store.vocabSize()));
                return new Sizes(count.total(), count.nonEmbedding(), tokens);
            } catch (ConfigException e) {
                return new Sizes(null, null, tokens); // an impossible shape: the cell fails with this message when run
            }
        }
    }
}
