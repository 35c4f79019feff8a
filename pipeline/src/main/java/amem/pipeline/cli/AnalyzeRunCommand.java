package amem.pipeline.cli;

import amem.pipeline.analysis.RunAnalysis;
import amem.pipeline.analysis.RunFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem analyze run RUN...}: each run's loss against the bounds and the radius of its own activations. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Loss of each run against the theory's bounds (RUN/analysis/loss.csv) and, when the run recorded "
                    + "activations (RUN/activations), their radius (radius.csv, nn_distances.csv).",
            "  amem analyze run runs/qf-tiny",
            "  amem analyze run runs/a runs/b --plateau-tolerance 0.005",
        })
final class AnalyzeRunCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "run directories (runs/NAME)")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--no-radius", description = "skip the radius of a run's own activations (loss analysis only)")
    boolean noRadius;

    @Mixin
    LossOptions loss;

    @Mixin
    RadiusOptions radius;

    @Mixin
    AnalysisOutput out;

    @Mixin
    DeviceOption device = DeviceOption.defaultingTo("cpu");

    @Override
    public Integer call() throws Exception {
        if (out.dir != null && runs.size() > 1) {
            throw new IllegalArgumentException("--out goes with one run directory: each run writes its own analysis/");
        }
        var radiusOptions = noRadius ? null : radius.options();
        var lossOptions = loss.options();
        List<RunFiles> opened = new ArrayList<>();
        for (Path run : runs) {
            opened.add(RunFiles.open(run));
        }
        try (LazyEngine engine = new LazyEngine(device)) {
            for (RunFiles run : opened) {
                RunAnalysis.analyse(run, lossOptions, radiusOptions, out.or(run.analysisDir()), engine::manager,
                        AnalyzeCommand::say);
            }
        }
        return 0;
    }
}
