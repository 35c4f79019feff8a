package amem.pipeline.cli;

import ai.djl.Device;
import amem.models.LossPath;
import amem.pipeline.bench.BenchResult;
import amem.pipeline.bench.BenchRunner;
import amem.pipeline.bench.BenchShape;
import amem.pipeline.bench.MatmulPeak;
import amem.pipeline.run.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import amem.pipeline.train.MklDispatch;
import amem.pipeline.train.Precision;
import amem.pipeline.train.Tf32Environment;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amem bench}: training throughput and model-FLOPs utilisation on this machine. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Measure training throughput and model-FLOPs utilisation on this device.",
            "Measures the engine's float32 matmul peak (before and after the runs; the better one counts), then for",
            "each shape forward-only and forward+backward+AdamW tokens/s through the real training loop,",
            "MFU = tokens/s x (6N + 12 L n T) / peak,",
            "once per --loss path (the output layer and loss fused in chunks of positions, or logits then loss),",
            "the share of step time outside the model, and memory. Medians over the timed steps after warm-up.",
            "Shapes: tiny, qf-vanilla, gpt2-peer, gpt2-n256, gpt2-small."
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--shapes", split = ",", defaultValue = "tiny,qf-vanilla,gpt2-peer,gpt2-n256",
            description = "shapes to run (default: ${DEFAULT-VALUE}; gpt2-small takes minutes on a CPU)")
    List<String> shapes;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps per shape (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Mixin
    DeviceOption device = DeviceOption.defaultingTo("auto");

    @Option(names = "--precision", defaultValue = "auto",
            description = "auto | fp32 | tf32 | fp16: the products of the peak and the training steps (auto: tf32 on a GPU, "
                    + "fp32 on a CPU; tf32 restarts the JVM with TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1; default: ${DEFAULT-VALUE})")
    String precision;

    @Option(names = "--peak-sizes", split = ",", defaultValue = "512,1024,2048",
            description = "square matmul sizes for the peak (default: ${DEFAULT-VALUE})")
    int[] peakSizes;

    @Option(names = "--loss", split = ",", defaultValue = "fused,unfused", paramLabel = "fused|unfused",
            description = "loss paths to run each shape with: fused (output layer and cross-entropy in chunks of "
                    + "positions, no full logits) and/or unfused (logits, then the loss) (default: ${DEFAULT-VALUE})")
    List<String> losses;

    @Option(names = "--loss-chunk-rows", defaultValue = "0",
            description = "positions per chunk of the fused loss; 0: automatic, at most 32M logits per chunk on a GPU, 64M on a CPU (default: ${DEFAULT-VALUE})")
    int lossChunkRows;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of every shape's run config, e.g. --set data.line_order=bucketed (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--out", defaultValue = "bench.csv", description = "CSV output (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || warmup < 0) {
            throw new amem.pipeline.config.ConfigException("--steps must be >= 1 and --warmup >= 0");
        }
        if (lossChunkRows < 0) {
            throw new amem.pipeline.config.ConfigException("--loss-chunk-rows must be >= 0 (0: automatic)");
        }
        List<LossPath> paths = new ArrayList<>();
        for (String loss : losses) {
            switch (loss.trim()) {
                case "fused" -> paths.add(LossPath.fused(lossChunkRows));
                case "unfused" -> paths.add(LossPath.UNFUSED);
                default -> throw new amem.pipeline.config.ConfigException(
                        "--loss " + loss + " is not fused or unfused (e.g. --loss fused,unfused)");
            }
        }
        for (String assignment : overrides) {
            amem.pipeline.config.RunConfig.defaults().withAssignment(assignment); // a bad key fails before any work
        }
        List<BenchShape> selected = shapes.stream().map(String::trim).map(BenchShape::named).toList();
        Device target = device.resolve();
        Precision arithmetic = Precision.resolve(precision, target);
        try {
            Tf32Environment.check(arithmetic, target);
        } catch (Tf32Environment.Mismatch mismatch) {
            return Tf32Environment.relaunch(mismatch);
        }
        // The peak is measured before and after the runs and the better one kept: on a shared host a whole window can
        // be slow (a 0.5 s window once gave 96 GFLOP/s where the machine's products reach 214-226), and a low peak
        // would report an MFU above what the steps achieved.
        MatmulPeak.Point before = MatmulPeak.measure(target, peakSizes, 5, arithmetic.parameterType());
        System.out.printf(Locale.ROOT, "device %s: %s matmul peak %.1f GFLOP/s (at %d x %d); measured again after the runs%n",
                target, arithmetic.label(), before.gflops(), before.size(), before.size());
        System.out.printf(Locale.ROOT, "MKL kernel choice: %s%n", MklDispatch.describe());
        BenchRunner runner = new BenchRunner(target, before.gflops(), warmup, steps, arithmetic);
        List<BenchResult> results = new ArrayList<>();
        Path work = Files.createTempDirectory("amem-bench");
        try {
            for (BenchShape shape : selected) {
                for (LossPath path : paths) {
                    BenchResult result = runner.run(shape, path, overrides, work);
                    System.out.printf(Locale.ROOT, "%s (%s): %.1f ms/step%n", result.shape(), result.loss(), result.msPerStep());
                    results.add(result);
                }
            }
        } finally {
            AtomicFiles.deleteTree(work);
        }
        MatmulPeak.Point after = MatmulPeak.measure(target, peakSizes, 5, arithmetic.parameterType());
        MatmulPeak.Point peak = after.gflops() > before.gflops() ? after : before;
        System.out.printf(Locale.ROOT, "matmul peak after the runs %.1f GFLOP/s; MFU is against the better, %.1f GFLOP/s (at %d x %d)%n%n",
                after.gflops(), peak.gflops(), peak.size(), peak.size());
        System.out.println(BenchResult.tableHeader());
        List<String> rows = new ArrayList<>();
        rows.add(BenchResult.CSV_HEADER);
        for (BenchResult result : results) {
            BenchResult measured = result.withPeak(peak.gflops());
            System.out.println(measured.tableRow());
            rows.add(measured.csvRow());
        }
        AtomicFiles.writeString(out, String.join("\n", rows) + "\n");
        System.out.println("\nwrote " + out);
        return 0;
    }
}
