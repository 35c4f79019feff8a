package amem.pipeline.train;

import ai.djl.Device;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import amem.pipeline.hooks.HookSettings;
import amem.pipeline.hooks.TrainingHooks;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.run.RunDirectory;
import amem.pipeline.run.RunDirectoryException;
import amem.pipeline.run.RunLock;
import amem.pipeline.session.DeviceSpec;
import amem.pipeline.session.ModelConfigs;
import amem.pipeline.session.ModelSession;
import amem.pipeline.session.TrainingObserver;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Starts or resumes a training run: checks the whole configuration (keys, shapes, data, memory) before anything
 * is written, locks the run directory against other processes, sets up the model, the optimizer and the data,
 * and hands over to the {@link TrainingLoop}.
 */
public final class TrainingRun {

    /**
     * Keys that may change when a run is resumed. Everything else (model, data, batch shape, seed) defines
     * what the checkpoint means and stays as the run started.
     */
    public static final Set<String> RESUMABLE_KEYS = Set.of(
            "train.steps", "train.decay_steps", "train.lr", "train.min_lr", "train.eval_interval",
            "train.eval_batches", "train.checkpoint_interval", "train.keep_checkpoints", "train.log_interval",
            "train.device", "train.grad_clip", "train.memory_check", "data.verify_checksums", "train.precision",
            "train.loss_scale_init", "train.fused_loss", "train.loss_chunk_rows",
            "train.fused_adamw");

    /**
     * How to run: stop after {@code pauseAt} steps (with a checkpoint), observers of the loop, the signal that
     * asks for a clean stop, and whether to skip the batches of a recorded fault on resume.
     */
    public record Options(long pauseAt, List<TrainingObserver> observers, StopSignal stop, boolean skipBadBatch,
            boolean checkpoints) {
        public static Options defaults() {
            return new Options(Long.MAX_VALUE, List.of(), StopSignal.none(), false, true);
        }

        public Options pauseAt(long step) {
            return new Options(step, observers, stop, skipBadBatch, checkpoints);
        }

        public Options observers(List<TrainingObserver> list) {
            return new Options(pauseAt, list, stop, skipBadBatch, checkpoints);
        }

        public Options stop(StopSignal signal) {
            return new Options(pauseAt, observers, signal, skipBadBatch, checkpoints);
        }

        public Options skipBadBatch(boolean skip) {
            return new Options(pauseAt, observers, stop, skip, checkpoints);
        }

        /** Benchmarks: {@code false} writes no checkpoint at all. */
        public Options checkpoints(boolean write) {
            return new Options(pauseAt, observers, stop, skipBadBatch, write);
        }
    }

    /** The result of a start or resume. */
    public record Result(Path runDir, TrainingLoop.Outcome outcome) {}

    private TrainingRun() {}

    /** Trains a new run in {@code runDir}, stopping after {@code pauseAt} steps. */
    public static Result start(RunConfig config, Path runDir, Progress progress, long pauseAt) throws IOException {
        return start(config, runDir, progress, Options.defaults().pauseAt(pauseAt));
    }

    /** Trains a new run in {@code runDir} (which must not hold a run yet). */
    public static Result start(RunConfig config, Path runDir, Progress progress, Options options) throws IOException {
        TrainSettings settings = TrainSettings.from(config);
        Device device = DeviceSpec.resolve(settings.device());
        Precision precision = settings.precisionOn(device);
        Tf32Environment.check(precision, device);
        TorchAdamW.checkKernel(settings.optimizer().kernel());
        try (TrainingData data = TrainingData.open(config, settings, config.getInt("model.context_length"))) {
            ModelConfig modelConfig = ModelConfigs.from(config, data.store().vocabSize());
            checkMemory(config, modelConfig, settings, device, precision);
            HookSettings hooks = HookSettings.from(config, modelConfig, data.store());
            RunDirectory run = RunDirectory.create(runDir);
            try (RunLock lock = RunLock.acquire(runDir, progress::message);
                    ModelSession model = ModelSession.create(modelConfig, device, settings.seed())) {
                JsonObject info = RunInfo.describe(config, modelConfig, data.store(), device);
                info.add("sessions", new JsonArray());
                addSession(info, "start", 0);
                run.writeConfig(info);
                progress.message(String.format("training %s: %s, %,d parameters, %s sampler, device %s, %s",
                        runDir, modelConfig.architecture().key(), info.getAsJsonObject("parameters").get("total").getAsLong(),
                        data.lines() ? "line" : "window", device, precision.label()));
                TorchAdamW optimizer = new TorchAdamW(model.parameters(), model.manager(), settings.optimizer(), precision.mixed());
                LossScaler scaler = precision.mixed() ? new LossScaler(settings.lossScaleInit()) : null;
                return train(run, settings, hooks, model, data, optimizer, scaler, precision, progress, 0, 0,
                        BatchSchedule.identity(), options);
            }
        }
    }

    /** Continues the run in {@code runDir} from its newest valid checkpoint. */
    public static Result resume(Path runDir, List<String> overrides, Progress progress, long pauseAt) throws IOException {
        return resume(runDir, overrides, progress, Options.defaults().pauseAt(pauseAt));
    }

    /** Continues the run in {@code runDir} from its newest valid checkpoint. */
    public static Result resume(Path runDir, List<String> overrides, Progress progress, Options options)
            throws IOException {
        RunDirectory run = RunDirectory.open(runDir);
        try (RunLock lock = RunLock.acquire(runDir, progress::message)) {
            Saved saved = savedConfig(runDir);
            JsonObject info = saved.info();
            RunConfig config = saved.config();
            for (String assignment : overrides) {
                String key = assignment.contains("=") ? assignment.substring(0, assignment.indexOf('=')).trim() : assignment;
                // hooks.* only observe the run (training is bit-identical with or without them), so they may change.
                if (!RESUMABLE_KEYS.contains(key) && !key.startsWith("hooks.")) {
                    throw new ConfigException(key + " cannot change when a run is resumed; keys that can: "
                            + String.join(", ", RESUMABLE_KEYS.stream().sorted().toList()) + " and hooks.*");
                }
                config = config.withAssignment(assignment);
            }
            TrainSettings settings = TrainSettings.from(config);
            Device device = DeviceSpec.resolve(settings.device());
            Precision precision = settings.precisionOn(device);
            Tf32Environment.check(precision, device);
            TorchAdamW.checkKernel(settings.optimizer().kernel());
            BatchSchedule schedule = schedule(info, run.configFile().toString());
            if (options.skipBadBatch()) {
                schedule = skipRecordedFault(run, info, schedule, progress);
            }
            Optional<Checkpoints.Checkpoint> checkpoint =
                    new Checkpoints(run.checkpointsDir(), settings.keepCheckpoints()).latest(progress::message);
            long step = checkpoint.map(Checkpoints.Checkpoint::step).orElse(0L);
            if (run.isDone() && step >= settings.steps()) {
                throw new ConfigException(runDir + " already finished " + step + " steps; to train longer, resume with "
                        + "--set train.steps=<more than " + step + ">");
            }
            try (TrainingData data = TrainingData.open(config, settings, config.getInt("model.context_length"))) {
                ModelConfig modelConfig = ModelConfigs.from(config, data.store().vocabSize());
                checkMemory(config, modelConfig, settings, device, precision);
                HookSettings hooks = HookSettings.from(config, modelConfig, data.store());
                try (ModelSession model = ModelSession.create(modelConfig, device, settings.seed())) {
                    long tokens = 0;
                    LossScaler scaler = precision.mixed() ? new LossScaler(settings.lossScaleInit()) : null;
                    if (checkpoint.isPresent()) {
                        // Parameters first: the optimizer's moments must be built against the loaded arrays.
                        TrainingState.loadParameters(checkpoint.get(), model);
                    }
                    // Mixed precision: the checkpoint holds float32 weights; the optimizer keeps them as its masters.
                    TorchAdamW optimizer = new TorchAdamW(model.parameters(), model.manager(), settings.optimizer(),
                            precision.mixed());
                    if (checkpoint.isPresent()) {
                        Checkpoints.Checkpoint found = checkpoint.get();
                        TrainingState.loadOptimizer(found, model, optimizer);
                        tokens = found.state().get("tokens").getAsLong();
                        if (scaler != null) {
                            scaler = LossScaler.restore(found.state(), settings.lossScaleInit());
                        }
                        progress.message("resuming " + runDir + " from step " + step + " (" + found.dir().getFileName() + ")");
                    } else {
                        progress.message("no checkpoint in " + runDir + " yet: starting it again from step 0");
                    }
                    run.clearDone();
                    info.add("config", config.toJson());
                    addSession(info, options.skipBadBatch() ? "resume, skipping the faulty batches" : "resume", step);
                    run.writeConfig(info);
                    return train(run, settings, hooks, model, data, optimizer, scaler, precision, progress, step, tokens,
                            schedule, options);
                }
            }
        }
    }

    /**
     * A run's config.json as saved: the whole record and the run's configuration.
     *
     * @param info everything config.json holds (sessions, skipped batches, versions...)
     * @param config the configuration the run trains with
     */
    public record Saved(JsonObject info, RunConfig config) {}

    /** Reads and checks {@code runDir/config.json}; a damaged one is refused with a message naming it. */
    public static Saved savedConfig(Path runDir) throws IOException {
        RunDirectory run = RunDirectory.open(runDir);
        JsonObject info = run.readConfig();
        String file = run.configFile().toString();
        if (!info.has("config") || !info.get("config").isJsonObject()) {
            throw new RunDirectoryException(file + " is damaged: no \"config\" object");
        }
        RunConfig config;
        try {
            config = RunConfig.defaults().merge(info.getAsJsonObject("config"));
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        schedule(info, file); // checked now, used when training starts
        return new Saved(info, config);
    }

    private static Result train(RunDirectory run, TrainSettings settings, HookSettings hooks, ModelSession model,
            TrainingData data, TorchAdamW optimizer, LossScaler scaler, Precision precision, Progress progress, long step,
            long tokens, BatchSchedule schedule, Options options) throws IOException {
        model.setLossPath(settings.lossPath(model.config().vocabSize(), precision));
        TrainingLoop trainer = new TrainingLoop(
                run, settings, model, data, optimizer, progress, step, tokens, schedule, options.stop(), scaler);
        options.observers().forEach(trainer::addObserver);
        if (!options.checkpoints()) {
            trainer.disableCheckpoints();
        }
        TrainingLoop.Outcome outcome;
        try (TrainingHooks observers = TrainingHooks.open(hooks, run.root(), step, model, data.store(), progress::message)) {
            observers.observers().forEach(trainer::addObserver);
            outcome = trainer.run(options.pauseAt());
        }
        if (outcome.finished()) {
            JsonObject summary = new JsonObject();
            summary.addProperty("steps", outcome.step());
            summary.addProperty("final_train_loss", outcome.evalTrainLoss());
            summary.addProperty("final_val_loss", outcome.evalValLoss());
            summary.addProperty("finished", Instant.now().toString());
            run.markDone(summary);
        }
        return new Result(run.root(), outcome);
    }

    private static void checkMemory(RunConfig config, ModelConfig model, TrainSettings settings, Device device,
            Precision precision) {
        if (config.getBoolean("train.memory_check")) {
            MemoryBudget.check(model, settings.batchSize(), model.contextLength(), device, precision);
        }
    }

    /** The batches skipped so far, as recorded in config.json. */
    private static BatchSchedule schedule(JsonObject info, String file) {
        List<BatchSchedule.Range> ranges = new ArrayList<>();
        if (info.has("skipped_batches")) {
            JsonElement skipped = info.get("skipped_batches");
            if (!skipped.isJsonArray()) {
                throw new RunDirectoryException(file + " is damaged: skipped_batches is not a list");
            }
            for (JsonElement element : skipped.getAsJsonArray()) {
                long start = wholeNumber(element, "start", file);
                long count = wholeNumber(element, "count", file);
                if (start < 0 || count < 1) {
                    throw new RunDirectoryException(file + " is damaged: skipped_batches holds " + element);
                }
                ranges.add(new BatchSchedule.Range(start, count));
            }
        }
        return new BatchSchedule(ranges);
    }

    /** {@code element.field} as a whole number, or a refusal naming the file. */
    private static long wholeNumber(JsonElement element, String field, String file) {
        if (element.isJsonObject() && element.getAsJsonObject().has(field)
                && element.getAsJsonObject().get(field).isJsonPrimitive()
                && element.getAsJsonObject().get(field).getAsJsonPrimitive().isNumber()) {
            try {
                return element.getAsJsonObject().get(field).getAsBigDecimal().longValueExact();
            } catch (ArithmeticException notWhole) {
                // refused below
            }
        }
        throw new RunDirectoryException(file + " is damaged: no whole number \"" + field + "\" in " + element);
    }

    /** Adds the batches of the fault in FAULT.json to the schedule and to config.json, and retires FAULT.json. */
    private static BatchSchedule skipRecordedFault(RunDirectory run, JsonObject info, BatchSchedule schedule,
            Progress progress) throws IOException {
        Path faultFile = run.root().resolve(FaultReport.FILE);
        if (!Files.exists(faultFile)) {
            throw new ConfigException("--skip-bad-batch: " + run.root() + " has no " + FaultReport.FILE
                    + "; it applies after a run stopped on a non-finite loss or gradient");
        }
        JsonObject fault = JsonParser.parseString(Files.readString(faultFile)).getAsJsonObject();
        BatchSchedule.Range range = new BatchSchedule.Range(
                fault.get("sampler_batch_start").getAsLong(), fault.get("sampler_batch_count").getAsLong());
        JsonArray skipped = info.has("skipped_batches") ? info.getAsJsonArray("skipped_batches") : new JsonArray();
        JsonObject entry = new JsonObject();
        entry.addProperty("start", range.start());
        entry.addProperty("count", range.count());
        entry.addProperty("fault_step", fault.get("step").getAsLong());
        skipped.add(entry);
        info.add("skipped_batches", skipped);
        Files.move(faultFile, run.root().resolve(FaultReport.FILE + ".handled-" + Instant.now().toEpochMilli()));
        progress.message("skipping sampler batches " + range.start() + " to " + (range.start() + range.count() - 1)
                + " (they gave a non-finite loss at step " + fault.get("step").getAsLong() + ")");
        return schedule.skipping(range);
    }

    private static void addSession(JsonObject info, String kind, long step) {
        JsonObject session = new JsonObject();
        session.addProperty("kind", kind);
        session.addProperty("from_step", step);
        session.addProperty("at", Instant.now().toString());
        session.addProperty("git_commit", RunInfo.gitCommit());
        info.getAsJsonArray("sessions").add(session);
    }
}
