package amem.pipeline.report;

import amem.pipeline.analysis.EnergyAnalysis;
import amem.pipeline.analysis.EntropyReference;
import amem.pipeline.analysis.EvalLog;
import amem.pipeline.analysis.LossAnalysis;
import amem.pipeline.analysis.MetricsLog;
import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RunFiles;
import amem.pipeline.analysis.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import tech.tablesaw.api.Table;

/**
 * Everything a report shows about one run: its files, metrics and evaluation curves, and the analysis tables of
 * {@code RUN/analysis/}. The loss table is the one on disk when it exists (so the report shows exactly the CSV);
 * a run never analysed gets it computed with the default options and written first. Radius and energy tables are
 * shown when present (they need activations and {@code amem analyze}).
 *
 * @param run the run's files
 * @param metrics metrics.csv, when present
 * @param eval eval.csv
 * @param loss analysis/loss.csv
 * @param lossComputed whether loss.csv was computed by this report
 * @param entropy the store's entropy reference, when its meta.json has one
 * @param radius analysis/radius.csv, when present
 * @param histograms analysis/nn_distances.csv, when present
 * @param energy analysis/energy.csv, when present
 */
record RunData(RunFiles run, Optional<MetricsLog> metrics, EvalLog eval, Table loss, boolean lossComputed,
        Optional<EntropyReference> entropy, Optional<Table> radius, Optional<Table> histograms,
        Optional<Table> energy) {

    static final Set<String> LOSS_TEXT = Set.of("split", "level_source", "entropy_key", "entropy_what", "plateau_reached");
    static final Set<String> RADIUS_TEXT = Set.of("activations", "hook", "position_keys", "radius_statistic");
    static final Set<String> HISTOGRAM_TEXT = Set.of("activations", "hook", "distribution");
    static final Set<String> ENERGY_TEXT = Set.of("hook", "energy", "heldout", "stored_patterns");

    static RunData load(Path dir) throws IOException {
        RunFiles run = RunFiles.open(dir);
        Optional<MetricsLog> metrics = Files.isRegularFile(run.metricsFile())
                ? Optional.of(MetricsLog.read(run.metricsFile())) : Optional.empty();
        if (!Files.isRegularFile(run.evalFile())) {
            throw new IllegalArgumentException(run.evalFile() + ": no such file (the run has not evaluated yet)");
        }
        EvalLog eval = EvalLog.read(run.evalFile());
        Path lossFile = run.analysisDir().resolve(LossAnalysis.FILE);
        boolean computed = false;
        LossAnalysis.Result analysis = LossAnalysis.analyse(run, LossAnalysis.Options.defaults());
        if (!Files.isRegularFile(lossFile)) {
            LossAnalysis.write(analysis, run.analysisDir());
            computed = true;
        }
        Table loss = Tables.read(lossFile, LOSS_TEXT);
        return new RunData(run, metrics, eval, loss, computed, analysis.entropy(),
                optionalTable(run.analysisDir().resolve(RadiusAnalysis.RADIUS_FILE), RADIUS_TEXT),
                optionalTable(run.analysisDir().resolve(RadiusAnalysis.HISTOGRAM_FILE), HISTOGRAM_TEXT),
                optionalTable(run.analysisDir().resolve(EnergyAnalysis.FILE), ENERGY_TEXT));
    }

    private static Optional<Table> optionalTable(Path file, Set<String> text) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Table table = Tables.read(file, text);
        return table.rowCount() == 0 ? Optional.empty() : Optional.of(table);
    }

    String name() {
        return run.name();
    }

    /** The row of loss.csv for {@code split}, if any. */
    Optional<Integer> lossRow(String split) {
        for (int row = 0; row < loss.rowCount(); row++) {
            if (loss.stringColumn("split").get(row).equals(split)) {
                return Optional.of(row);
            }
        }
        return Optional.empty();
    }

    /** A numeric cell of loss.csv (NaN when missing). */
    double lossValue(String split, String column) {
        return lossRow(split).map(row -> {
            var c = loss.numberColumn(column);
            return c.isMissing(row) ? Double.NaN : c.getDouble(row);
        }).orElse(Double.NaN);
    }

    /** A text cell of loss.csv ("" when missing). */
    String lossText(String split, String column) {
        return lossRow(split).map(row -> loss.stringColumn(column).isMissing(row) ? "" : loss.stringColumn(column).get(row))
                .orElse("");
    }

    /** The split the report treats as validation: {@code val} if evaluated, else the first non-train split. */
    String validationSplit() {
        for (String candidate : new String[] {"val", "validation", "dev", "test"}) {
            if (lossRow(candidate).isPresent()) {
                return candidate;
            }
        }
        for (int row = 0; row < loss.rowCount(); row++) {
            String split = loss.stringColumn("split").get(row);
            if (!split.equals("train")) {
                return split;
            }
        }
        return "train";
    }
}
