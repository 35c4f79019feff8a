package amem.pipeline.cli;

import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfStoreBuilder;
import amem.pipeline.config.Presets;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.RunDirectory;
import amem.pipeline.train.Progress;
import amem.pipeline.train.StopSignal;
import amem.pipeline.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code amem quickstart}: the main job on the embedded default. Generates the Question-Formation corpus if it
 * is not there, trains the {@code qf-vanilla-tiny} preset on the CPU, evaluates, and says where the run is and
 * what loss it reached. Re-running it resumes an interrupted quickstart run, or starts a new numbered one.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = {
            "The main job: train a small transformer on Question-Formation and report its loss.",
            "Generates the corpus into --data if it is missing, trains preset qf-vanilla-tiny (about 5 minutes",
            "on 2 CPU cores), evaluates, and prints the run directory and the final train/validation loss."
        })
final class QuickstartCommand implements Callable<Integer> {

    static final String PRESET = "qf-vanilla-tiny";

    @Option(names = "--data", defaultValue = "data/qf", description = "token store to use or create (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--run", defaultValue = "runs/quickstart", description = "run directory; taken -N suffixes if it holds a finished run (default: ${DEFAULT-VALUE})")
    Path run;

    @Option(names = "--steps", description = "training steps (preset default: see `amem presets " + PRESET + "`)")
    Long steps;

    @Option(names = "--layers", description = "number of transformer blocks")
    Integer layers;

    @Option(names = "--width", description = "embedding dimension n (must be a multiple of the head count, 4)")
    Integer width;

    @Mixin
    DeviceOption device = DeviceOption.defaultingTo("cpu");

    @Override
    public Integer call() throws Exception {
        Progress progress = Progress.onStderr();
        if (!Files.exists(data)) {
            progress.message("generating the Question-Formation corpus into " + data);
            QfStoreBuilder.write(QfOptions.defaults(), data, false, progress::message).close();
        }
        TrainingRun.Result result;
        try (StopSignal stop = StopSignal.install()) {
            result = train(progress, TrainingRun.Options.defaults().stop(stop));
        }
        if (!result.outcome().finished()) {
            System.out.println(StopReport.summary(result.outcome(), result.runDir()));
            return StopReport.exitCode(result.outcome(), result.runDir());
        }
        report(result);
        analyseAndReport(result.runDir());
        return 0;
    }

    /** Loss against the theory (analysis/loss.csv) and the HTML report (amem analyze + amem report). */
    private static void analyseAndReport(Path runDir) throws java.io.IOException {
        var run = amem.pipeline.analysis.RunFiles.open(runDir);
        amem.pipeline.analysis.RunAnalysis.analyse(run, amem.pipeline.analysis.LossAnalysis.Options.defaults(), null,
                run.analysisDir(), () -> null, System.out::println);
        var written = amem.pipeline.report.ReportWriter.write(List.of(runDir), runDir.resolve("report.html"));
        System.out.println("report: " + written.report());
    }

    /** Resumes an unfinished quickstart run, or starts the next free run directory. */
    private TrainingRun.Result train(Progress progress, TrainingRun.Options options) throws java.io.IOException {
        if (RunDirectory.holdsRun(run) && !RunDirectory.open(run).isDone()) {
            return TrainingRun.resume(run, List.of(), progress, options);
        }
        Path target = run;
        for (int n = 2; RunDirectory.holdsRun(target); n++) {
            target = run.resolveSibling(run.getFileName() + "-" + n);
        }
        RunConfig base = Presets.get(PRESET).resolve();
        RunConfig config = base
                .with("data.dir", data.toString())
                .with("train.device", device.spec());
        if (steps != null) {
            config = config.with("train.steps", steps.toString());
        }
        if (layers != null) {
            config = config.with("model.n_layer", layers.toString());
        }
        if (width != null) {
            config = config.with("model.n_embd", width.toString());
        }
        amem.pipeline.config.StepScaling.Result fitted = amem.pipeline.config.StepScaling.fit(base, config, java.util.Set.of());
        if (fitted.message() != null) {
            progress.message(fitted.message());
        }
        return TrainingRun.start(fitted.config(), target, progress, options);
    }

    private static void report(TrainingRun.Result result) {
        var outcome = result.outcome();
        System.out.printf(Locale.ROOT, "%nrun directory: %s%n", result.runDir());
        System.out.printf(Locale.ROOT, "final train loss %.4f, validation loss %.4f nats/token after %d steps in %.1f min%n",
                outcome.evalTrainLoss(), outcome.evalValLoss(), outcome.step(), outcome.seconds() / 60);
        System.out.printf(Locale.ROOT, "(uniform guessing over the 68-word vocabulary: log 68 = %.3f)%n", Math.log(68));
        System.out.println("metrics: " + result.runDir().resolve("metrics.csv") + ", evaluations: " + result.runDir().resolve("eval.csv"));
    }
}
