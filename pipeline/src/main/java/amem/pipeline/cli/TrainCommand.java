package amem.pipeline.cli;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.Presets;
import amem.pipeline.config.RunConfig;
import amem.pipeline.config.StepScaling;
import amem.pipeline.train.Progress;
import amem.pipeline.train.StopSignal;
import amem.pipeline.train.Tf32Environment;
import amem.pipeline.train.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amem train}: a new run from a preset or config file, or the continuation of one. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train a model from a preset or config file, or resume a run.",
            "A new run takes its configuration from --preset or --config, changed by --set;",
            "--resume continues a run from its newest checkpoint so the losses equal an uninterrupted run's.",
            "Config keys: `amem presets --keys`."
        })
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--preset", description = "bundled preset (see `amem presets`)")
    String preset;

    @Option(names = "--config", description = "JSON config file ({\"model\": {...}, \"data\": {...}, \"train\": {...}})")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key, e.g. --set train.lr=3e-4 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--run", description = "directory of the new run, e.g. runs/my-run")
    Path run;

    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue this run from its newest checkpoint")
    Path resume;

    @Option(names = "--device", description = "auto | cpu | gpu | gpu:N (same as --set train.device=...)")
    String device;

    @Option(names = "--steps", paramLabel = "N", description = "optimizer steps (same as --set train.steps=N); fewer"
            + " than the preset's also scale its warm-up and evaluation interval where they no longer fit")
    Long steps;

    @Option(names = "--data", paramLabel = "DIR", description = "token store to train on (same as --set data.dir=DIR)")
    String data;

    @Option(names = "--pause-at", paramLabel = "STEP", description = "stop after this step with a checkpoint; continue later with --resume")
    Long pauseAt;

    @Option(names = "--skip-bad-batch", description = "with --resume: skip the batches of the step that gave a non-finite loss (recorded in FAULT.json)")
    boolean skipBadBatch;

    @Override
    public Integer call() throws Exception {
        List<String> sets = new ArrayList<>(overrides);
        if (device != null) {
            sets.add("train.device=" + device);
        }
        if (steps != null) {
            sets.add("train.steps=" + steps);
        }
        if (data != null) {
            sets.add("data.dir=" + data);
        }
        Progress progress = Progress.onStderr();
        if (skipBadBatch && resume == null) {
            throw new ConfigException("--skip-bad-batch goes with --resume RUN_DIR");
        }
        TrainingRun.Result result;
        try (StopSignal stop = StopSignal.install()) {
            TrainingRun.Options options = TrainingRun.Options.defaults()
                    .pauseAt(pauseAt == null ? Long.MAX_VALUE : pauseAt)
                    .stop(stop)
                    .skipBadBatch(skipBadBatch);
            result = resume != null ? resumeRun(sets, progress, options) : startRun(sets, progress, options);
        } catch (Tf32Environment.Mismatch mismatch) {
            // train.precision needs TORCH_ALLOW_TF32_CUBLAS_OVERRIDE set otherwise before libtorch starts
            return Tf32Environment.relaunch(mismatch);
        }
        var outcome = result.outcome();
        System.out.println(StopReport.summary(outcome, result.runDir()));
        return StopReport.exitCode(outcome, result.runDir());
    }

    private TrainingRun.Result resumeRun(List<String> sets, Progress progress, TrainingRun.Options options)
            throws java.io.IOException {
        if (preset != null || config != null || run != null) {
            throw new ConfigException("--resume takes the run's own config: do not combine it with --preset, --config or --run");
        }
        return TrainingRun.resume(resume, sets, progress, options);
    }

    private TrainingRun.Result startRun(List<String> sets, Progress progress, TrainingRun.Options options)
            throws java.io.IOException {
        if ((preset == null) == (config == null)) {
            throw new ConfigException("give exactly one of --preset NAME or --config FILE (or --resume RUN_DIR)");
        }
        if (run == null) {
            throw new ConfigException("--run DIR is required for a new run, e.g. --run runs/my-run");
        }
        RunConfig base = preset != null ? Presets.get(preset).resolve() : RunConfig.fromFile(config);
        RunConfig resolved = base;
        for (String assignment : sets) {
            resolved = resolved.withAssignment(assignment);
        }
        StepScaling.Result fitted = StepScaling.fit(base, resolved, StepScaling.keysOf(overrides));
        if (fitted.message() != null) {
            progress.message(fitted.message());
        }
        return TrainingRun.start(fitted.config(), run, progress, options);
    }
}
