package amem.pipeline.cli;

import ai.djl.Device;
import amem.pipeline.bench.BenchResult;
import amem.pipeline.bench.BenchRunner;
import amem.pipeline.bench.BenchShape;
import amem.pipeline.bench.MatmulPeak;
import amem.pipeline.run.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            "Measures the engine's float32 matmul peak, then for each shape forward-only and",
            "forward+backward+AdamW tokens/s through the real training loop, MFU = tokens/s x (6N + 12 L n T) / peak,",
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

    @Option(names = "--peak-sizes", split = ",", defaultValue = "512,1024,2048",
            description = "square matmul sizes for the peak (default: ${DEFAULT-VALUE})")
    int[] peakSizes;

    @Option(names = "--out", defaultValue = "bench.csv", description = "CSV output (default: ${DEFAULT-VALUE})")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || warmup < 0) {
            throw new amem.pipeline.config.ConfigException("--steps must be >= 1 and --warmup >= 0");
        }
        List<BenchShape> selected = shapes.stream().map(String::trim).map(BenchShape::named).toList();
        Device target = device.resolve();
        MatmulPeak.Point peak = MatmulPeak.measure(target, peakSizes, 5);
        System.out.printf(Locale.ROOT, "device %s: float32 matmul peak %.1f GFLOP/s (at %d x %d)%n%n",
                target, peak.gflops(), peak.size(), peak.size());
        System.out.println(BenchResult.tableHeader());
        BenchRunner runner = new BenchRunner(target, peak.gflops(), warmup, steps);
        List<String> rows = new ArrayList<>();
        rows.add(BenchResult.CSV_HEADER);
        Path work = Files.createTempDirectory("amem-bench");
        try {
            for (BenchShape shape : selected) {
                BenchResult result = runner.run(shape, work);
                System.out.println(result.tableRow());
                rows.add(result.csvRow());
            }
        } finally {
            AtomicFiles.deleteTree(work);
        }
        AtomicFiles.writeString(out, String.join("\n", rows) + "\n");
        System.out.println("\nwrote " + out);
        return 0;
    }
}
