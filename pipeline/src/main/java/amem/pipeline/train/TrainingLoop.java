package amem.pipeline.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import amem.datasets.sampling.TokenBatch;
import amem.models.Scalars;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.run.CsvLog;
import amem.pipeline.run.RunDirectory;
import amem.pipeline.session.ModelSession;
import amem.pipeline.session.StepTimings;
import amem.pipeline.session.TrainingObserver;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * The training loop (named so that it imports beside DJL's {@code ai.djl.training.Trainer}). Each step: gradients of {@code grad_accum} micro-batches accumulate, the global gradient
 * norm is computed on the device, the loss and the norm come to the host in one transfer, the update is skipped
 * and the run stopped if either is not finite, otherwise clipping and AdamW are applied in one fused native call
 * per parameter. Every array a step creates lives in a sub-manager closed with the step.
 *
 * <p>All randomness is a function of the seed and the step (batches: the sampler's index; dropout: the engine
 * RNG reseeded every step), so a run resumed from a checkpoint repeats exactly what the uninterrupted run does.
 */
public final class TrainingLoop {

    /**
     * How a call to {@link #run} ended: the last step's batch loss (NaN when this call trained no step), the last
     * evaluation's losses and its step ({@code evalStep} -1 when this call evaluated nothing, e.g. stopped soon after
     * a resume), and the signal that stopped it early ({@code null} when it finished or paused as asked).
     */
    public record Outcome(long step, boolean finished, double lastTrainLoss, double evalTrainLoss, double evalValLoss,
            double seconds, String stoppedBy, long evalStep) {}

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingLoop.class);

    private final RunDirectory run;
    private final TrainSettings settings;
    private final ModelSession model;
    private final TrainingData data;
    private final TorchAdamW optimizer;
    private final Progress progress;
    private final LinkedHashMap<String, Parameter> parameters;
    private final Evaluator evaluator;
    private final Checkpoints checkpoints;
    private final BatchSchedule schedule;
    private final StopSignal stop;
    /** Dynamic loss scaling in mixed precision; null otherwise. */
    private final LossScaler scaler;

    private long step;
    private long tokens;
    private double lastTrainLoss = Double.NaN;
    private double lastValLoss = Double.NaN;
    private double lastEvalTrainLoss = Double.NaN;
    private long lastEvalStep = -1;
    private boolean checkpointsEnabled = true;
    /** The step of the last checkpoint this loop wrote (-1: none yet). */
    private long lastCheckpointStep = -1;
    private final List<TrainingObserver> observers = new java.util.ArrayList<>();

    /**
     * @param step steps already done (0 for a new run, the checkpoint's step when resuming)
     * @param tokens tokens already trained on
     * @param schedule which sampler batch each micro-batch draws (bad batches skipped)
     * @param stop asks the loop to write a checkpoint and return between steps (Ctrl-C)
     */
    public TrainingLoop(RunDirectory run, TrainSettings settings, ModelSession model, TrainingData data, TorchAdamW optimizer,
            Progress progress, long step, long tokens, BatchSchedule schedule, StopSignal stop) {
        this(run, settings, model, data, optimizer, progress, step, tokens, schedule, stop,
                optimizer.mixedPrecision() ? new LossScaler(settings.lossScaleInit()) : null);
    }

    /**
     * @param scaler the loss scaler of a mixed-precision run (a checkpoint's, when resuming), null otherwise
     */
    public TrainingLoop(RunDirectory run, TrainSettings settings, ModelSession model, TrainingData data, TorchAdamW optimizer,
            Progress progress, long step, long tokens, BatchSchedule schedule, StopSignal stop, LossScaler scaler) {
        if ((scaler != null) != optimizer.mixedPrecision()) {
            throw new IllegalArgumentException("a loss scaler goes with a mixed-precision optimizer, and only with one");
        }
        this.scaler = scaler;
        this.run = run;
        this.settings = settings;
        this.model = model;
        this.data = data;
        this.optimizer = optimizer;
        this.progress = progress;
        this.parameters = model.parameters();
        this.evaluator = new Evaluator(model, data.evalSets(), new TaskEvaluator(model, data.taskSets(), data.taskItems()));
        this.checkpoints = new Checkpoints(run.checkpointsDir(), settings.keepCheckpoints());
        this.step = step;
        this.tokens = tokens;
        this.schedule = schedule;
        this.stop = stop;
    }

    public void addObserver(TrainingObserver observer) {
        observers.add(observer);
    }

    /** Benchmarks only: no checkpoint is written, not even at the end (the run cannot be resumed). */
    public void disableCheckpoints() {
        checkpointsEnabled = false;
    }

    /**
     * Trains until {@code train.steps}, or until {@code pauseAt} steps are done (then a checkpoint is written
     * and the run can be resumed later).
     */
    public Outcome run(long pauseAt) throws IOException {
        long firstStep = step;
        long stopAt = Math.min(settings.steps(), pauseAt);
        long started = System.nanoTime();
        try (CsvLog metrics = CsvLog.resume(run.metricsFile(), RunDirectory.METRICS_HEADER, step);
                CsvLog evals = CsvLog.resume(run.evalFile(), RunDirectory.EVAL_HEADER, step);
                BatchPrefetcher batches = new BatchPrefetcher(
                        data.train(), schedule, step * settings.gradAccum(), 4 * settings.gradAccum())) {
            if (step == 0) {
                evaluate(evals);
            }
            double emaMs = Double.NaN;
            while (step < stopAt && !stop.requested()) {
                long t0 = System.nanoTime();
                double lr = settings.schedule().lr(step);
                StepResult result;
                try {
                    result = trainStep(batches, lr);
                } catch (TrainingFault fault) {
                    metrics.flush();
                    evals.flush();
                    FaultReport.record(run.root(), fault, step + 1,
                            schedule.samplerIndex(step * settings.gradAccum()), settings.gradAccum());
                    throw fault;
                }
                long bookkeepingStart = System.nanoTime();
                long periodicNanos = 0; // evaluations and checkpoints, not part of a step's cost
                step++;
                tokens += result.tokens;
                double ms = (bookkeepingStart - t0) / 1e6;
                progress.measured(bookkeepingStart - t0);
                emaMs = Double.isNaN(emaMs) ? ms : 0.9 * emaMs + 0.1 * ms;
                double tokensPerSecond = result.tokens / (ms / 1000.0);
                lastTrainLoss = result.loss;
                metrics.row(step, tokens, lr, result.loss, result.gradNorm, ms, tokensPerSecond,
                        scaler == null ? 1.0 : scaler.scale());

                boolean last = step == stopAt;
                if (step % settings.logInterval() == 0 || last) {
                    metrics.flush();
                }
                boolean evaluated = false;
                long periodicStart = System.nanoTime();
                if (step % settings.evalInterval() == 0 || step == settings.steps()) {
                    evaluate(evals);
                    evaluated = true;
                }
                if (checkpointsEnabled && (step % settings.checkpointInterval() == 0 || last)) {
                    metrics.flush();
                    evals.flush();
                    saveCheckpoint();
                }
                periodicNanos += System.nanoTime() - periodicStart;
                for (TrainingObserver observer : observers) {
                    observer.afterStep(step, model);
                }
                // after a resume there is no evaluation of this session yet: say so rather than "val NaN (step -1)"
                String val = lastEvalStep < 0 ? "val -" : String.format(Locale.ROOT, "val %.4f (step %d)", lastValLoss, lastEvalStep);
                progress.update(step, settings.steps(), firstStep, String.format(Locale.ROOT,
                        "loss %.4f  %s  %,.0f tok/s  %.0f ms/step", result.loss, val,
                        result.tokens / (emaMs / 1000.0), emaMs), evaluated || last);
                if (!observers.isEmpty()) {
                    long[] phases = result.phases;
                    StepTimings timings = new StepTimings(step, phases[BATCH], phases[FORWARD], phases[BACKWARD],
                            phases[SYNC], phases[UPDATE], System.nanoTime() - bookkeepingStart - periodicNanos,
                            result.tokens);
                    for (TrainingObserver observer : observers) {
                        observer.stepTimed(timings);
                    }
                }
            }
            // A stop (Ctrl-C, SIGTERM) ends the loop at its condition, whenever in the step it arrived: the step it
            // stops at is written here, once, so that a resume starts from it (deciding inside the step left a
            // window, during the progress line and observers, where a stop went unwritten).
            if (checkpointsEnabled && stop.requested() && step > firstStep && step != lastCheckpointStep) {
                metrics.flush();
                evals.flush();
                saveCheckpoint();
            }
        }
        progress.finish();
        boolean finished = step >= settings.steps();
        return new Outcome(step, finished, lastTrainLoss, lastEvalTrainLoss, lastValLoss,
                (System.nanoTime() - started) / 1e9, finished ? null : stop.signalName(), lastEvalStep);
    }

    private record StepResult(double loss, double gradNorm, long tokens, long[] phases) {}

    /** Indices into {@link StepResult#phases}. */
    private static final int BATCH = 0;
    private static final int FORWARD = 1;
    private static final int BACKWARD = 2;
    private static final int SYNC = 3;
    private static final int UPDATE = 4;

    private StepResult trainStep(BatchPrefetcher batches, double lr) {
        LOG.debug("step begin {}", step + 1);
        Engine engine = Engine.getInstance();
        // Dropout draws from the engine RNG; reseeding per step makes it a function of (seed, step).
        engine.setRandomSeed(ModelSession.engineSeed(settings.seed(), step));
        int accumulation = settings.gradAccum();
        for (TrainingObserver observer : observers) {
            observer.beforeStep(step + 1, model);
        }
        long[] phases = new long[5];
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray lossSum = null;
            long stepTokens = 0;
            try (GradientCollector collector = engine.newGradientCollector()) {
                for (int micro = 0; micro < accumulation; micro++) {
                    long t0 = System.nanoTime();
                    TokenBatch batch = batches.next();
                    BatchArrays arrays = BatchArrays.of(batch, scope);
                    long t1 = System.nanoTime();
                    NDArray loss = model.loss(arrays.inputs(), arrays.targets(), arrays.mask(), true);
                    long t2 = System.nanoTime();
                    if (scaler != null) {
                        collector.backward(Scalars.mul(loss, scaler.scale() / accumulation));
                    } else {
                        collector.backward(accumulation == 1 ? loss : Scalars.div(loss, accumulation));
                    }
                    NDArray detached = loss.stopGradient();
                    lossSum = lossSum == null ? detached : lossSum.add(detached);
                    stepTokens += batch.lossTokens();
                    long t3 = System.nanoTime();
                    phases[BATCH] += t1 - t0;
                    phases[FORWARD] += t2 - t1;
                    phases[BACKWARD] += t3 - t2;
                }
            }
            long syncStart = System.nanoTime();
            NDList gradients = Gradients.of(parameters, scope);
            if (scaler != null) {
                gradients = Gradients.unscaled(gradients, scaler.scale());
            }
            NDArray norm = Gradients.globalNorm(gradients);
            // One device-to-host transfer per step: the loss and the gradient norm together.
            float[] stats = NDArrays.stack(new NDList(Scalars.div(lossSum, accumulation), norm)).toFloatArray();
            long updateStart = System.nanoTime();
            phases[SYNC] = updateStart - syncStart;
            double loss = stats[0];
            double gradNorm = stats[1];
            if (scaler != null && Double.isFinite(loss) && !Double.isFinite(gradNorm)) {
                // float16 overflow under the current scale: skip the update, halve the scale (GradScaler's rule)
                scaler.update(false);
                if (!scaler.collapsed()) {
                    LOG.debug("step {}: gradients not finite at loss scale {}, update skipped", step + 1, scaler.scale() * 2);
                    optimizer.skip();
                    phases[UPDATE] = System.nanoTime() - updateStart;
                    return new StepResult(loss, gradNorm, stepTokens, phases);
                }
            }
            if (!Double.isFinite(loss) || !Double.isFinite(gradNorm)) {
                throw FaultReport.fault(step + 1, loss, gradNorm, lastTrainLoss, List.copyOf(parameters.keySet()),
                        gradients, observerReports(), run.root());
            }
            double clipScale = Gradients.clipScale(gradNorm, settings.gradClip());
            for (TrainingObserver observer : observers) {
                observer.afterBackward(step + 1, gradients, gradNorm, clipScale, scope);
            }
            if (scaler != null) {
                scaler.update(true);
            }
            optimizer.update(lr, clipScale, gradients);
            phases[UPDATE] = System.nanoTime() - updateStart;
            return new StepResult(loss, gradNorm, stepTokens, phases);
        }
    }

    /** What observers (e.g. hook statistics) add to a fault message. */
    private String observerReports() {
        StringBuilder text = new StringBuilder();
        for (TrainingObserver observer : observers) {
            String report = observer.faultReport();
            if (report != null && !report.isBlank()) {
                text.append("; ").append(report);
            }
        }
        return text.toString();
    }

    /** Evaluates on the fixed sets and writes the eval.csv rows of this step. */
    private void evaluate(CsvLog evals) throws IOException {
        LOG.debug("eval begin step {}", step);
        boolean[] first = {true};
        Evaluator.Status status = (split, batch, batches) -> {
            // the first line of each evaluation is forced: a step-0 evaluation can take minutes before any step
            progress.status(batches > 0
                    ? String.format(Locale.ROOT, "step %d: evaluating %s, batch %d/%d", step, split, batch, batches)
                    : String.format(Locale.ROOT, "step %d: evaluating %s", step, split), first[0] && step == 0);
            first[0] = false;
        };
        for (Evaluator.Result result : evaluator.evaluate(status)) {
            if (result.split().equals("val")) {
                lastValLoss = result.loss();
            } else if (result.split().equals("train")) {
                lastEvalTrainLoss = result.loss();
            }
            evals.row(step, result.split(), blankIfNaN(result.loss()), result.tokens(), blankIfNaN(result.accuracy()));
        }
        lastEvalStep = step;
        evals.flush();
    }

    private static Object blankIfNaN(double value) {
        return Double.isNaN(value) ? "" : (Object) value;
    }

    private void saveCheckpoint() throws IOException {
        LOG.debug("checkpoint begin step {}", step);
        JsonObject counters = new JsonObject();
        counters.addProperty("tokens", tokens);
        counters.addProperty("seed", settings.seed());
        counters.addProperty("micro_batches_done", step * settings.gradAccum());
        counters.addProperty("last_train_loss", lastTrainLoss);
        counters.addProperty("last_val_loss", lastValLoss);
        if (scaler != null) {
            scaler.save(counters);
        }
        try {
            TrainingState.save(checkpoints, step, counters, model, optimizer);
        } catch (IOException e) {
            throw new IOException("cannot write the checkpoint of step " + step + " into " + run.checkpointsDir() + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); the previous checkpoints are intact, "
                    + "free some space and continue with `amem train --resume " + run.root() + "`", e);
        }
        lastCheckpointStep = step;
        LOG.debug("checkpoint end step {}", step);
    }
}
