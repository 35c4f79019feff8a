package amem.pipeline.cli;

import amem.pipeline.analysis.scaling.OptimalSizeFit;
import amem.pipeline.analysis.scaling.ScalingAnalysis;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.sweep.SweepTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem analyze sweep DIR}: N*(D) and the Chinchilla fit of a sweep (docs/THEORY.md §4). */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Scaling fits of a sweep (amem sweep): refresh DIR/sweep.csv, fit log N* against log D (bootstrap "
                    + "interval) and the Chinchilla form; writes DIR/analysis/optimal_size.csv and scaling_fits.csv.",
            "  amem analyze sweep sweeps/scaling-grid-tiny",
        })
final class AnalyzeSweepCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "sweep directory (or its sweep.json)")
    Path sweep;

    @Option(names = "--bootstrap", defaultValue = "2000", paramLabel = "B",
            description = "bootstrap resamples of the N* slope (default: ${DEFAULT-VALUE})")
    int bootstrap;

    @Mixin
    AnalysisOutput out;

    @Override
    public Integer call() throws Exception {
        if (bootstrap < 100) {
            throw new IllegalArgumentException("--bootstrap must be at least 100, got " + bootstrap);
        }
        Path dir = Files.isRegularFile(sweep) ? sweep.toAbsolutePath().getParent() : sweep;
        if (Files.isRegularFile(dir.resolve(SweepPlan.FILE))) {
            SweepTable.write(SweepPlan.open(dir)); // the cells may have moved on since the sweep last wrote it
        }
        ScalingAnalysis.Options defaults = ScalingAnalysis.Options.defaults();
        OptimalSizeFit.Options optimal = new OptimalSizeFit.Options(bootstrap, defaults.optimalSize().seed(),
                defaults.optimalSize().level());
        ScalingAnalysis.Result result = ScalingAnalysis.analyse(dir, new ScalingAnalysis.Options(optimal, defaults.chinchilla()));
        Path target = out.or(dir.resolve("analysis"));
        ScalingAnalysis.write(result, target);
        for (String line : ScalingAnalysis.summaryLines(result)) {
            System.out.println(line);
        }
        System.out.println("wrote " + target.resolve(ScalingAnalysis.OPTIMAL_SIZE_FILE) + " and "
                + target.resolve(ScalingAnalysis.FITS_FILE));
        return 0;
    }
}
