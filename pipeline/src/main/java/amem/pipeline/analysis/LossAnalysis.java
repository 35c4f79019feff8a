package amem.pipeline.analysis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A run's loss against docs/THEORY.md §3: per evaluated split, the final and minimum loss (the minimum-validation step
 * is the early-stopping point), the plateau ({@link Plateau}), the overfitting gap (split loss minus training loss
 * at the last step both were evaluated) and the rise after the minimum, and the distance of the reached level
 * (the plateau when there is one, else the final loss) to each reference: the paper's bound (default 1.0 nat per
 * token), the typical large-model loss (2.2), and the corpus's exact entropy rate when its store records one
 * (for each split its own figure when the store has one, see {@link EntropyReference#forSplit}).
 * Written to {@code analysis/loss.csv}, one row per split.
 */
public final class LossAnalysis {

    public static final String FILE = "loss.csv";

    /**
     * @param plateauWindow K of the plateau rule
     * @param plateauTolerance relative change per evaluation of the plateau rule
     * @param paperBound the paper's lower bound (nats per token)
     * @param largeModelLoss the typical loss of large published models (nats per token)
     */
    public record Options(int plateauWindow, double plateauTolerance, double paperBound, double largeModelLoss) {

        public static Options defaults() {
            return new Options(Plateau.DEFAULT_WINDOW, Plateau.DEFAULT_TOLERANCE, 1.0, 2.2);
        }
    }

    /**
     * One split's figures.
     *
     * @param split split name
     * @param curve its evaluations
     * @param minLoss smallest loss
     * @param minStep step of the smallest loss (first if tied): for validation, the early-stopping point
     * @param plateau the plateau rule's result
     * @param overfittingGap loss minus the training split's loss at the last step both have (NaN for train)
     * @param riseAfterMin final loss minus the minimum
     */
    public record SplitLoss(String split, EvalLog.Series curve, double minLoss, long minStep, Plateau plateau,
            double overfittingGap, double riseAfterMin) {

        public double finalLoss() {
            return curve.last();
        }

        /** The plateau when reached, else the final loss. */
        public double level() {
            return plateau.reached() ? plateau.value() : finalLoss();
        }

        public String levelSource() {
            return plateau.reached() ? "plateau" : "final";
        }
    }

    /**
     * @param run the run directory
     * @param splits one entry per evaluated split
     * @param accuracies task accuracy series from eval.csv (possibly none)
     * @param options references and plateau rule used
     * @param entropy the corpus's entropy rate, when its store records one
     * @param storeMeta the store's meta.json, when found
     */
    public record Result(Path run, List<SplitLoss> splits, List<EvalLog.Series> accuracies, Options options,
            Optional<EntropyReference> entropy, Optional<Path> storeMeta) {

        public Optional<SplitLoss> split(String name) {
            return splits.stream().filter(s -> s.split().equals(name)).findFirst();
        }
    }

    private LossAnalysis() {}

    /** Analyses {@code run}'s eval.csv. */
    public static Result analyse(RunFiles run, Options options) throws IOException {
        if (!Files.isRegularFile(run.evalFile())) {
            throw new IllegalArgumentException(run.evalFile() + ": no such file (the run has not evaluated yet)");
        }
        EvalLog log = EvalLog.read(run.evalFile());
        if (log.losses().isEmpty()) {
            throw new AnalysisInputException(run.evalFile() + ": no loss rows");
        }
        Optional<EvalLog.Series> train = log.loss("train");
        List<SplitLoss> splits = new ArrayList<>();
        for (EvalLog.Series curve : log.losses()) {
            splits.add(split(curve, curve.name().equals("train") ? Optional.empty() : train, options));
        }
        Optional<Path> meta = run.storeMeta();
        Optional<EntropyReference> entropy = meta.isPresent() ? EntropyReference.lookup(meta.get()) : Optional.empty();
        return new Result(run.root(), List.copyOf(splits), log.accuracies(), options, entropy, meta);
    }

    static SplitLoss split(EvalLog.Series curve, Optional<EvalLog.Series> train, Options options) {
        int best = 0;
        for (int i = 1; i < curve.size(); i++) {
            if (curve.values()[i] < curve.values()[best]) {
                best = i;
            }
        }
        Plateau plateau = Plateau.find(curve.steps(), curve.values(), options.plateauWindow(), options.plateauTolerance());
        double gap = Double.NaN;
        if (train.isPresent()) {
            // the last step evaluated on both splits
            EvalLog.Series t = train.get();
            for (int i = curve.size() - 1, j = t.size() - 1; i >= 0 && j >= 0; ) {
                if (curve.steps()[i] == t.steps()[j]) {
                    gap = curve.values()[i] - t.values()[j];
                    break;
                } else if (curve.steps()[i] > t.steps()[j]) {
                    i--;
                } else {
                    j--;
                }
            }
        }
        return new SplitLoss(curve.name(), curve, curve.values()[best], curve.steps()[best], plateau, gap,
                curve.last() - curve.values()[best]);
    }

    /** loss.csv: one row per split. */
    public static Table table(Result result) {
        StringColumn split = StringColumn.create("split");
        IntColumn evaluations = IntColumn.create("evaluations");
        LongColumn firstStep = LongColumn.create("first_step");
        LongColumn lastStep = LongColumn.create("last_step");
        DoubleColumn initial = DoubleColumn.create("initial_loss");
        DoubleColumn last = DoubleColumn.create("final_loss");
        DoubleColumn min = DoubleColumn.create("min_loss");
        LongColumn minStep = LongColumn.create("min_step");
        BooleanColumn reached = BooleanColumn.create("plateau_reached");
        DoubleColumn plateau = DoubleColumn.create("plateau_loss");
        LongColumn plateauFrom = LongColumn.create("plateau_from_step");
        IntColumn window = IntColumn.create("plateau_window");
        DoubleColumn tolerance = DoubleColumn.create("plateau_tolerance");
        DoubleColumn level = DoubleColumn.create("level");
        StringColumn levelSource = StringColumn.create("level_source");
        DoubleColumn bound = DoubleColumn.create("paper_bound");
        DoubleColumn gapBound = DoubleColumn.create("gap_to_paper_bound");
        DoubleColumn large = DoubleColumn.create("large_model_loss");
        DoubleColumn gapLarge = DoubleColumn.create("gap_to_large_model");
        DoubleColumn entropy = DoubleColumn.create("entropy_rate");
        StringColumn entropyKey = StringColumn.create("entropy_key");
        StringColumn entropyWhat = StringColumn.create("entropy_what");
        // the grammar's own entropy rate beside the split's figure: for an imported store the split's figure is the
        // fitted grammar's cross-entropy (an estimate) and this is that grammar's entropy rate
        DoubleColumn grammarRate = DoubleColumn.create("grammar_entropy_rate");
        DoubleColumn gapEntropy = DoubleColumn.create("gap_to_entropy_rate");
        DoubleColumn overfitting = DoubleColumn.create("overfitting_gap");
        DoubleColumn rise = DoubleColumn.create("rise_after_min");
        Options o = result.options();
        for (SplitLoss s : result.splits()) {
            var reference = result.entropy().map(e -> e.forSplit(s.split()));
            double entropyRate = reference.map(java.util.Map.Entry::getValue).orElse(Double.NaN);
            split.append(s.split());
            evaluations.append(s.curve().size());
            firstStep.append(s.curve().steps()[0]);
            lastStep.append(s.curve().steps()[s.curve().size() - 1]);
            initial.append(s.curve().values()[0]);
            last.append(s.finalLoss());
            min.append(s.minLoss());
            minStep.append(s.minStep());
            reached.append(s.plateau().reached());
            plateau.append(s.plateau().value());
            if (s.plateau().reached()) {
                plateauFrom.append(s.plateau().fromStep());
            } else {
                plateauFrom.appendMissing();
            }
            window.append(s.plateau().window());
            tolerance.append(s.plateau().tolerance());
            level.append(s.level());
            levelSource.append(s.levelSource());
            bound.append(o.paperBound());
            gapBound.append(s.level() - o.paperBound());
            large.append(o.largeModelLoss());
            gapLarge.append(s.level() - o.largeModelLoss());
            entropy.append(entropyRate);
            entropyKey.append(reference.map(java.util.Map.Entry::getKey).orElse(""));
            entropyWhat.append(reference.map(r -> result.entropy().get().what(r.getKey())).orElse(""));
            grammarRate.append(result.entropy().map(e -> e.figures().get(CLOSED_FORM_RATE)).orElse(Double.NaN));
            gapEntropy.append(s.level() - entropyRate);
            overfitting.append(s.overfittingGap());
            rise.append(s.riseAfterMin());
        }
        return Table.create("loss", split, evaluations, firstStep, lastStep, initial, last, min, minStep, reached,
                plateau, plateauFrom, window, tolerance, level, levelSource, bound, gapBound, large, gapLarge, entropy,
                entropyKey, entropyWhat, grammarRate, gapEntropy, overfitting, rise);
    }

    /** The closed-form entropy rate's key in a Question-Formation store's meta.json. */
    static final String CLOSED_FORM_RATE = "source.entropy.closed_form.nats_per_predicted_token";

    /** Writes loss.csv into {@code analysisDir}. */
    public static void write(Result result, Path analysisDir) throws IOException {
        Tables.write(table(result), analysisDir.resolve(FILE));
    }

    /** One line for the console: the validation (else first) split's level and its gaps. */
    public static String summaryLine(Result result) {
        SplitLoss s = result.split("val").orElse(result.splits().get(0));
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s loss %.4f (%s%s), min %.4f at step %d; "
                + "gap to the paper's bound %.2f: %+.4f, to the large-model loss %.2f: %+.4f",
                s.split(), s.level(), s.levelSource(),
                s.plateau().reached() ? " from step " + s.plateau().fromStep() : "", s.minLoss(), s.minStep(),
                result.options().paperBound(), s.level() - result.options().paperBound(),
                result.options().largeModelLoss(), s.level() - result.options().largeModelLoss()));
        result.entropy().map(e -> e.forSplit(s.split())).ifPresent(e -> line.append(String.format(Locale.ROOT,
                ", to the entropy reference %.4f (%s%s): %+.4f", e.getValue(), e.getKey(),
                result.entropy().get().what(e.getKey()).isEmpty() ? "" : "; " + result.entropy().get().what(e.getKey()),
                s.level() - e.getValue())));
        if (result.entropy().isEmpty()) {
            line.append("; entropy rate: not available");
        }
        return line.toString();
    }
}
