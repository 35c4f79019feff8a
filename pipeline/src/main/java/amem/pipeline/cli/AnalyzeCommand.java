package amem.pipeline.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.analysis.EnergyAnalysis;
import amem.pipeline.analysis.LossAnalysis;
import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RadiusStatistic;
import amem.pipeline.analysis.RunAnalysis;
import amem.pipeline.analysis.RunFiles;
import amem.pipeline.analysis.scaling.OptimalSizeFit;
import amem.pipeline.analysis.scaling.ScalingAnalysis;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.sweep.SweepTable;
import amem.pipeline.session.DeviceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code amem analyze}: docs/THEORY.md §1–3 for runs and activation datasets. For each run: loss against the bounds
 * ({@code analysis/loss.csv}) and, when the run has activations, their radius ({@code radius.csv},
 * {@code nn_distances.csv}). For {@code --activations DIR}: the radius of that dataset; with {@code --patterns},
 * the energies of its vectors against the stored patterns ({@code energy.csv}).
 */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compare runs and activations with the theory (docs/THEORY.md §1-3); writes CSV tables under analysis/.",
            "  amem analyze runs/NAME                      loss.csv (+ radius of runs/NAME/activations if any)",
            "  amem analyze --activations DIR              radius.csv and nn_distances.csv, one row per hook",
            "  amem analyze --activations HELDOUT --patterns TRAIN   also energy.csv",
            "  amem analyze --sweep DIR                    N*(D) and Chinchilla fits of a sweep (docs/THEORY.md section 4)",
        })
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "RUN", description = "run directories (runs/NAME)")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--sweep", paramLabel = "DIR",
            description = "a sweep (amem sweep): refresh DIR/sweep.csv, then fit log N* against log D (bootstrap interval) and "
                    + "the Chinchilla form; writes DIR/analysis/optimal_size.csv and scaling_fits.csv")
    Path sweep;

    @Option(names = "--bootstrap", defaultValue = "2000", paramLabel = "B",
            description = "with --sweep: bootstrap resamples of the N* slope (default: ${DEFAULT-VALUE})")
    int bootstrap;

    @Option(names = "--activations", paramLabel = "DIR",
            description = "activation dataset (DIR/<hook>/shard-NNNNN.npy) to measure; default: each RUN's activations/")
    Path activations;

    @Option(names = "--patterns", paramLabel = "DIR",
            description = "activation dataset of stored patterns (training activations): energies of the --activations vectors against them")
    Path patterns;

    @Option(names = "--out", paramLabel = "DIR",
            description = "where to write the tables (default: RUN/analysis, or the run holding --activations, else DIR/analysis)")
    Path out;

    @Option(names = "--no-radius", description = "skip the radius of a run's own activations (loss analysis only)")
    boolean noRadius;

    @Option(names = "--radius-statistic", defaultValue = "median_nn_half", paramLabel = "NAME",
            description = "statistic defining r_hat: median_nn_half, mean_nn_half, p5_nn_half, min_nn_half (default: ${DEFAULT-VALUE})")
    String radiusStatistic;

    @Option(names = "--chunk", defaultValue = "4096", paramLabel = "N",
            description = "rows per block of the distance computation; memory is about 2 N² floats (default: ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--pairwise-sample", defaultValue = "2000", paramLabel = "N",
            description = "vectors in the random subsample for pairwise distances (default: ${DEFAULT-VALUE})")
    int pairwiseSample;

    @Option(names = "--max-vectors", defaultValue = "100000", paramLabel = "N",
            description = "vectors per hook at most, a seeded random subset beyond (default: ${DEFAULT-VALUE})")
    long maxVectors;

    @Option(names = "--bins", defaultValue = "60", paramLabel = "N", description = "histogram bins (default: ${DEFAULT-VALUE})")
    int bins;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random subsets (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--beta", defaultValue = "1.0", description = "inverse temperature of the energies (default: ${DEFAULT-VALUE})")
    double beta;

    @Option(names = "--max-queries", defaultValue = "2000", paramLabel = "N",
            description = "held-out vectors per hook for the energies (default: ${DEFAULT-VALUE})")
    long maxQueries;

    @Option(names = "--plateau-window", defaultValue = "3", paramLabel = "K",
            description = "plateau: mean of the last K evaluations (default: ${DEFAULT-VALUE})")
    int plateauWindow;

    @Option(names = "--plateau-tolerance", defaultValue = "0.01", paramLabel = "TOL",
            description = "plateau: largest relative loss change per evaluation (default: ${DEFAULT-VALUE})")
    double plateauTolerance;

    @Option(names = "--paper-bound", defaultValue = "1.0", paramLabel = "NATS",
            description = "the paper's lower bound on the loss (default: ${DEFAULT-VALUE})")
    double paperBound;

    @Option(names = "--large-model-loss", defaultValue = "2.2", paramLabel = "NATS",
            description = "typical loss of large published models (default: ${DEFAULT-VALUE})")
    double largeModelLoss;

    @Option(names = "--device", defaultValue = "cpu", description = "engine device for distances: auto | cpu | gpu | gpu:N (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        if (sweep != null) {
            if (!runs.isEmpty() || activations != null) {
                throw new IllegalArgumentException("--sweep DIR analyses a whole sweep; give runs or --activations separately");
            }
            return analyseSweep();
        }
        if (patterns != null && activations == null) {
            throw new IllegalArgumentException("--patterns needs --activations (the held-out vectors to compare with them)");
        }
        if (runs.isEmpty() && activations == null) {
            throw new IllegalArgumentException("nothing to analyse: give a run directory (runs/NAME) or --activations DIR");
        }
        if (activations != null && runs.size() > 1) {
            throw new IllegalArgumentException("--activations goes with at most one run directory, got " + runs.size());
        }
        if (out != null && runs.size() > 1) {
            throw new IllegalArgumentException("--out goes with at most one run directory: each run writes its own analysis/");
        }
        RadiusAnalysis.Options radius = new RadiusAnalysis.Options(RadiusStatistic.parse(radiusStatistic), chunk,
                pairwiseSample, maxVectors, bins, seed);
        LossAnalysis.Options loss = new LossAnalysis.Options(plateauWindow, plateauTolerance, paperBound, largeModelLoss);
        if (!(beta > 0) || maxQueries < 1) {
            throw new IllegalArgumentException("--beta must be > 0 and --max-queries >= 1");
        }
        List<RunFiles> opened = new ArrayList<>();
        for (Path run : runs) {
            opened.add(RunFiles.open(run));
        }
        if (activations != null && !Files.isDirectory(activations)) {
            throw new IllegalArgumentException("--activations " + activations + ": no such directory");
        }
        if (patterns != null && !Files.isDirectory(patterns)) {
            throw new IllegalArgumentException("--patterns " + patterns + ": no such directory");
        }
        Engine engine = new Engine(device);
        try {
            for (RunFiles run : opened) {
                Path target = out != null ? out : run.analysisDir();
                RunAnalysis.analyse(run, loss, activations == null && !noRadius ? radius : null, target,
                        engine::manager, AnalyzeCommand::say);
            }
            if (activations != null) {
                // into the run the activations came from (inside it, or named by their manifest), so that
                // `amem report RUN` shows the radius; else beside the activations
                Optional<Path> source = enclosingRun(activations);
                if (source.isEmpty()) {
                    source = ActivationSet.sourceRun(activations);
                }
                Path target = out != null ? out
                        : !opened.isEmpty() ? opened.get(0).analysisDir()
                                : source.map(r -> r.resolve("analysis")).orElse(activations.resolve("analysis"));
                RunAnalysis.radius(List.of(activations), radius, target, engine.manager(), AnalyzeCommand::say);
                if (patterns != null) {
                    EnergyAnalysis.Options energy = new EnergyAnalysis.Options(beta, maxQueries, maxVectors, chunk, seed);
                    System.err.println("energies of " + activations + " against the stored patterns in " + patterns);
                    EnergyAnalysis.Result result = EnergyAnalysis.analyse(ActivationSet.open(activations),
                            ActivationSet.open(patterns), energy, engine.manager(), System.err::println);
                    EnergyAnalysis.write(result, target);
                    System.out.println("wrote " + target.resolve(EnergyAnalysis.FILE));
                }
            }
        } finally {
            engine.close();
        }
        return 0;
    }

    private int analyseSweep() throws java.io.IOException {
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
        Path target = out != null ? out : dir.resolve("analysis");
        ScalingAnalysis.write(result, target);
        for (String line : ScalingAnalysis.summaryLines(result)) {
            System.out.println(line);
        }
        System.out.println("wrote " + target.resolve(ScalingAnalysis.OPTIMAL_SIZE_FILE) + " and "
                + target.resolve(ScalingAnalysis.FITS_FILE));
        return 0;
    }

    /** Results and written files go to stdout, progress (indented lines) to stderr. */
    private static void say(String line) {
        (line.startsWith(" ") || line.startsWith("radius of") ? System.err : System.out).println(line);
    }

    /** The run directory holding {@code dir} (runs/NAME/activations[/step-N]), if any. */
    private static Optional<Path> enclosingRun(Path dir) {
        Path at = dir.toAbsolutePath().normalize();
        for (int up = 0; up < 3 && at != null; up++, at = at.getParent()) {
            if (Files.isRegularFile(at.resolve("config.json")) && !at.equals(dir.toAbsolutePath().normalize())) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /** The engine's manager, created on first use so that loss-only analysis never loads libtorch. */
    private static final class Engine implements AutoCloseable {
        private final String spec;
        private NDManager manager;

        Engine(String spec) {
            this.spec = spec;
        }

        NDManager manager() {
            if (manager == null) {
                Device resolved = DeviceSpec.resolve(spec);
                manager = NDManager.newBaseManager(resolved);
            }
            return manager;
        }

        @Override
        public void close() {
            if (manager != null) {
                manager.close();
            }
        }
    }
}
