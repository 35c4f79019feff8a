package amem.pipeline.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.util.cuda.CudaUtils;
import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.sampling.BatchSampler;
import amem.datasets.sampling.LineSampler;
import amem.datasets.sampling.TokenBatch;
import amem.datasets.sampling.WindowSampler;
import amem.datasets.store.SplitWriter;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreWriter;
import amem.models.LossPath;
import amem.models.ParameterCount;
import amem.pipeline.config.RunConfig;
import amem.pipeline.train.BatchArrays;
import amem.pipeline.session.ModelSession;
import amem.pipeline.train.Progress;
import amem.pipeline.session.StepTimings;
import amem.pipeline.session.TrainingObserver;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import amem.pipeline.train.MemoryBudget;
import amem.pipeline.train.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;

/**
 * Benchmarks one shape with the real training loop ({@link TrainingRun} on a throw-away token store, no
 * checkpoints): warm-up steps, then timed steps whose phase times come from the loop itself ({@link StepTimings}),
 * plus forward-only throughput in evaluation mode. Medians, so one slow step (a GC, another process) does not move
 * the figure.
 */
public final class BenchRunner {

    private final Device device;
    private final double peakGflops;
    private final int warmup;
    private final int steps;
    private final Precision precision;
    private int runs;

    public BenchRunner(Device device, double peakGflops, int warmup, int steps, Precision precision) {
        this.device = device;
        this.precision = precision;
        this.peakGflops = peakGflops;
        this.warmup = warmup;
        this.steps = steps;
    }

    /**
     * Benchmarks {@code shape} with the loss computed along {@code loss} ({@link LossPath#UNFUSED} or fused with
     * its rows per chunk, 0 automatic), after applying {@code overrides} ({@code KEY=VALUE}) to its config.
     */
    public BenchResult run(BenchShape shape, LossPath loss, List<String> overrides, Path workDir) throws IOException {
        Path store = shape.lines() ? qfStore(workDir) : randomStore(workDir, shape);
        RunConfig config = config(shape, store)
                .with("train.fused_loss", loss.fused() ? "on" : "off")
                .with("train.loss_chunk_rows", Integer.toString(loss.rowsPerChunk()));
        for (String assignment : overrides) {
            config = config.withAssignment(assignment);
        }
        List<StepTimings> timings = new ArrayList<>();
        TrainingObserver recorder = new TrainingObserver() {
            @Override
            public void stepTimed(StepTimings t) {
                if (t.step() > warmup) {
                    timings.add(t);
                }
            }
        };
        TrainingRun.start(config, workDir.resolve("run-" + shape.name() + "-" + (++runs)),
                new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9),
                TrainingRun.Options.defaults().observers(List.of(recorder)).checkpoints(false));
        double rss = procStatusMiB("VmRSS");
        double forward = forwardTokensPerSecond(shape, store, loss);

        double tokensPerStep = timings.stream().mapToLong(StepTimings::tokens).average().orElse(0);
        // Medians of per-step rates: one slow step (a collection, another process) does not move them.
        double trainTokensPerSecond = median(timings.stream().mapToDouble(t -> t.tokens() / (t.totalNanos() / 1e9)));
        double outside = median(timings.stream().mapToDouble(t -> t.outsideNanos() / (double) t.totalNanos()));
        double flopsPerToken = shape.flopsPerToken((int) Math.round(tokensPerStep / shape.batch()));
        double mfu = trainTokensPerSecond * flopsPerToken / (peakGflops * 1e9);
        String lossLabel = loss.fused()
                ? "fused/" + loss.rowsPerChunk(shape.model().vocabSize(), device.isGpu()) : "unfused";
        return new BenchResult(shape.name(), lossLabel, device.toString(), ParameterCount.of(shape.model()).total(), flopsPerToken,
                tokensPerStep, peakGflops, forward, trainTokensPerSecond, medianMs(timings, StepTimings::totalNanos), mfu,
                outside, medianMs(timings, StepTimings::batchNanos), medianMs(timings, StepTimings::forwardNanos),
                medianMs(timings, StepTimings::backwardNanos), medianMs(timings, StepTimings::syncNanos),
                medianMs(timings, StepTimings::updateNanos), medianMs(timings, StepTimings::bookkeepingNanos), rss,
                procStatusMiB("VmHWM"), gpuMiB(), precision.label(),
                MemoryBudget.trainingBytes(shape.model(), shape.batch(), shape.model().contextLength(), precision)
                        / (double) (1L << 20));
    }

    private RunConfig config(BenchShape shape, Path store) {
        var m = shape.model();
        return RunConfig.defaults()
                .with("model.architecture", m.architecture().key())
                .with("model.vocab_size", Integer.toString(m.vocabSize()))
                .with("model.context_length", Integer.toString(m.contextLength()))
                .with("model.n_layer", Integer.toString(m.nLayer()))
                .with("model.n_head", Integer.toString(m.nHead()))
                .with("model.n_embd", Integer.toString(m.nEmbd()))
                .with("model.ffn_width", Integer.toString(m.ffnWidth()))
                .with("model.dropout", Float.toString(m.dropout()))
                .with("data.dir", store.toString())
                .with("data.sampler", shape.lines() ? "lines" : "windows")
                .with("train.steps", Integer.toString(warmup + steps))
                .with("train.batch_size", Integer.toString(shape.batch()))
                .with("train.lr", "1e-4")
                .with("train.warmup_steps", "0")
                .with("train.eval_interval", Integer.toString(1_000_000))
                .with("train.eval_batches", "1")
                .with("train.log_interval", "10")
                .with("train.device", device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu")
                .with("train.precision", precision.label());
    }

    /** Evaluation-mode forward passes and losses over training batches, median tokens per second. */
    private double forwardTokensPerSecond(BenchShape shape, Path storeDir, LossPath loss) throws IOException {
        try (TokenStore store = TokenStore.open(storeDir);
                ModelSession model = ModelSession.create(shape.model(), device, 1)) {
            model.setLossPath(loss);
            BatchSampler sampler = shape.lines()
                    ? new LineSampler(store.split("train"), shape.batch(), shape.model().contextLength(), 1,
                            LineSampler.Order.SHUFFLED)
                    : new WindowSampler(store.split("train"), shape.batch(), shape.model().contextLength(), 1);
            double[] rates = new double[steps];
            for (int i = -warmup; i < steps; i++) {
                TokenBatch batch = sampler.batch(i + warmup);
                try (NDManager scope = model.manager().newSubManager()) {
                    BatchArrays arrays = BatchArrays.of(batch, scope);
                    long start = System.nanoTime();
                    model.loss(arrays.inputs(), arrays.targets(), arrays.mask(), false).getFloat(); // waits for completion
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (i >= 0) {
                        rates[i] = batch.lossTokens() / seconds;
                    }
                }
            }
            Arrays.sort(rates);
            return rates[rates.length / 2];
        }
    }

    private static Path qfStore(Path workDir) throws IOException {
        Path dir = workDir.resolve("qf");
        if (!Files.exists(dir)) {
            QfStoreBuilder.write(new QfOptions(20_000, 200, 10, 10, 1), dir, false, message -> {}).close();
        }
        return dir;
    }

    /** Uniformly random token ids: throughput does not depend on which ids they are. */
    private static Path randomStore(Path workDir, BenchShape shape) throws IOException {
        int vocab = shape.model().vocabSize();
        Path dir = workDir.resolve("random-v" + vocab);
        if (Files.exists(dir)) {
            return dir;
        }
        SplittableRandom random = new SplittableRandom(7);
        try (TokenStoreWriter writer = TokenStoreWriter.create(dir, "random", vocab, false)) {
            for (String split : new String[] {"train", "val"}) {
                SplitWriter out = writer.split(split, false);
                int[] chunk = new int[4096];
                for (int c = 0; c < (split.equals("train") ? 64 : 8); c++) {
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = random.nextInt(vocab);
                    }
                    out.write(chunk, 0, chunk.length);
                }
                out.endDocument();
            }
            writer.commit().close();
        }
        return dir;
    }

    private static double median(java.util.stream.DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    private static double medianMs(List<StepTimings> timings, ToLongFunction<StepTimings> phase) {
        long[] values = timings.stream().mapToLong(phase).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2] / 1e6;
    }

    /** A field of /proc/self/status in MiB (VmRSS: now; VmHWM: the peak so far), NaN where unavailable. */
    static double procStatusMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }

    private double gpuMiB() {
        if (!device.isGpu()) {
            return Double.NaN;
        }
        try {
            return CudaUtils.getGpuMemory(device).getCommitted() / (1024.0 * 1024.0);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
