package amem.pipeline.cli;

import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.analysis.EnergyAnalysis;
import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RunAnalysis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem analyze activations DIR}: the radius of an activation dataset, and energies against stored patterns. */
@Command(
        name = "activations",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Radius of an activation dataset (amem collect, or a run's activations/): radius.csv and nn_distances.csv, "
                    + "one row per hook point; with --patterns, the energies of its vectors against stored patterns "
                    + "(energy.csv).",
            "  amem analyze activations acts/gpt2-medium-owt",
            "  amem analyze activations acts/heldout --patterns acts/train --out acts/analysis",
        })
final class AnalyzeActivationsCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DIR", description = "activation dataset (DIR/<hook>/shard-NNNNN.npy)")
    Path activations;

    @Option(names = "--patterns", paramLabel = "DIR",
            description = "activation dataset of stored patterns (training activations): energies of DIR's vectors against them")
    Path patterns;

    @Option(names = "--beta", defaultValue = "1.0", description = "inverse temperature of the energies (default: ${DEFAULT-VALUE})")
    double beta;

    @Option(names = "--max-queries", defaultValue = "2000", paramLabel = "N",
            description = "held-out vectors per hook for the energies (default: ${DEFAULT-VALUE})")
    long maxQueries;

    @Mixin
    RadiusOptions radius;

    @Mixin
    AnalysisOutput out;

    @Mixin
    DeviceOption device = DeviceOption.defaultingTo("cpu");

    @Override
    public Integer call() throws Exception {
        RadiusAnalysis.Options radiusOptions = radius.options();
        if (!(beta > 0) || maxQueries < 1) {
            throw new IllegalArgumentException("--beta must be > 0 and --max-queries >= 1");
        }
        if (!Files.isDirectory(activations)) {
            throw new IllegalArgumentException(activations + ": no such directory (an activation dataset of amem collect)");
        }
        if (patterns != null && !Files.isDirectory(patterns)) {
            throw new IllegalArgumentException("--patterns " + patterns + ": no such directory");
        }
        // into the run the activations came from (inside it, or named by their manifest), where `amem report RUN`
        // reads the radius; else beside the activations
        Optional<Path> source = enclosingRun(activations);
        if (source.isEmpty()) {
            source = ActivationSet.sourceRun(activations);
        }
        Path target = out.or(source.map(r -> r.resolve("analysis")).orElse(activations.resolve("analysis")));
        try (LazyEngine engine = new LazyEngine(device)) {
            RunAnalysis.radius(List.of(activations), radiusOptions, target, engine.manager(), AnalyzeCommand::say);
            if (patterns != null) {
                EnergyAnalysis.Options energy = new EnergyAnalysis.Options(beta, maxQueries, radiusOptions.maxVectors(),
                        radiusOptions.chunk(), radiusOptions.seed());
                System.err.println("energies of " + activations + " against the stored patterns in " + patterns);
                EnergyAnalysis.Result result = EnergyAnalysis.analyse(ActivationSet.open(activations),
                        ActivationSet.open(patterns), energy, engine.manager(), System.err::println);
                EnergyAnalysis.write(result, target);
                System.out.println("wrote " + target.resolve(EnergyAnalysis.FILE));
            }
        }
        return 0;
    }

    /** The run directory holding {@code dir} (runs/NAME/activations[/step-N]), if any. */
    private static Optional<Path> enclosingRun(Path dir) {
        Path start = dir.toAbsolutePath().normalize();
        Path at = start;
        for (int up = 0; up < 3 && at != null; up++, at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("config.json")) && !at.equals(start)) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }
}
