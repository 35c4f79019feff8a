package amem.pipeline.cli;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.Presets;
import amem.pipeline.config.RunConfig;
import amem.pipeline.sweep.SlurmScript;
import amem.pipeline.sweep.SweepEstimate;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.sweep.SweepRunner;
import amem.pipeline.sweep.SweepTable;
import amem.pipeline.train.Progress;
import amem.pipeline.train.StopSignal;
import amem.pipeline.train.Precision;
import amem.pipeline.train.Tf32Environment;
import amem.pipeline.train.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Table;

/** {@code amem sweep}: a grid of runs (model size × data size) from a preset, here or as a Slurm job array. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run a grid of experiments (model shapes x data sizes, docs/THEORY.md section 4) from a preset with a grid.",
            "The plan is frozen in DIR/sweep.json; cells run one after another into DIR/runs/<cell>; finished cells are",
            "skipped, interrupted ones resumed; DIR/sweep.csv gets one row per cell. Run the same command again to continue.",
            "Several processes may run one DIR at once (more cores or nodes): each cell is locked while it trains and",
            "the others skip it (DIR/locks/<cell>.lock).",
            "  amem sweep --preset scaling-grid-tiny --set data.dir=data/qf        runs every cell here",
            "  amem sweep --dir sweeps/scaling-grid-tiny --list                    the cells and their status",
            "  amem sweep --preset scaling-grid --emit slurm --gpus 1 --time 24:00:00   writes DIR/slurm.sh",
            "  amem sweep --dir DIR --cell 7                                       one cell (what each Slurm task runs)",
            "Then: amem analyze sweep DIR; amem report --sweep DIR."
        })
final class SweepCommand implements Callable<Integer> {

    @Option(names = "--preset", description = "preset with a grid (see `amem presets`); starts or continues its sweep")
    String preset;

    @Option(names = "--config", paramLabel = "FILE",
            description = "your own sweep: a JSON file laid out like a preset ({\"config\": {...}, \"grid\": {\"models\": [...], \"data\": [...]}})")
    Path config;

    @Option(names = "--dir", paramLabel = "DIR", description = "sweep directory (default: sweeps/<preset or config file name>)")
    Path dir;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a key of the base config for every cell, e.g. --set data.dir=data/qf (repeatable; new sweeps only)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--device", description = "auto | cpu | gpu | gpu:N for the cells run by this command")
    String device;

    @Option(names = "--cell", paramLabel = "K", description = "run only cell K (0-based; a Slurm array index)")
    Integer cell;

    @Option(names = "--list", description = "print the cells and their status, run nothing")
    boolean list;

    @Option(names = "--estimate", description = "print each cell's training FLOPs, device time (at --tflops, at least --step-floor-ms per step) and memory, run nothing")
    boolean estimate;

    @Option(names = "--tflops", paramLabel = "T",
            description = "with --estimate: sustained TFLOP/s of one device (measure with `amem bench` or scripts/gpu-check.sh; "
                    + "default: an H100 assumption per precision: fp32 25, tf32 120, fp16 200)")
    Double tflops;

    @Option(names = "--precision", paramLabel = "P",
            description = "with --estimate: fp32 | tf32 | fp16 (default: the plan's train.precision, auto counted as tf32, a GPU's default)")
    String precision;

    @Option(names = "--step-floor-ms", defaultValue = "10", paramLabel = "MS",
            description = "with --estimate: least time of one step (launch-bound small models; `amem bench` ms/step of a small shape; default: ${DEFAULT-VALUE})")
    double stepFloorMs;

    @Option(names = "--emit", paramLabel = "slurm", description = "write a job-array script instead of running: slurm")
    String emit;

    @Option(names = "--out", paramLabel = "FILE", description = "with --emit: where to write the script (default: DIR/slurm.sh)")
    Path out;

    @Option(names = "--partition", description = "with --emit slurm: #SBATCH --partition")
    String partition;

    @Option(names = "--account", description = "with --emit slurm: #SBATCH --account")
    String account;

    @Option(names = "--time", description = "with --emit slurm: #SBATCH --time per cell, e.g. 24:00:00")
    String time;

    @Option(names = "--gpus", defaultValue = "1", description = "with --emit slurm: GPUs per cell; 0 runs on CPUs (default: ${DEFAULT-VALUE})")
    int gpus;

    @Option(names = "--cpus-per-task", defaultValue = "8", description = "with --emit slurm: CPUs per cell (default: ${DEFAULT-VALUE})")
    int cpusPerTask;

    @Option(names = "--mem", description = "with --emit slurm: memory per cell, e.g. 64G")
    String memory;

    @Option(names = "--max-parallel", defaultValue = "0", paramLabel = "N",
            description = "with --emit slurm: at most N cells at once (0: no limit; default: ${DEFAULT-VALUE})")
    int maxParallel;

    @Override
    public Integer call() throws Exception {
        SweepPlan plan = plan(!list && !estimate);
        if (list) {
            printTable(SweepTable.build(plan));
            return 0;
        }
        if (estimate) {
            Precision p = Precision.resolve(precision != null ? precision : plan.base().getString("train.precision"),
                    ai.djl.Device.gpu());
            double rate = tflops != null ? tflops : SweepEstimate.assumedH100Teraflops(p);
            printEstimate(SweepEstimate.of(plan, rate, stepFloorMs, p));
            return 0;
        }
        if (emit != null) {
            return emitScript(plan);
        }
        List<SweepPlan.Cell> cells = cell == null ? plan.cells() : List.of(plan.cell(cell));
        List<String> runtime = device == null ? List.of() : List.of("train.device=" + device);
        Progress progress = Progress.onStderr();
        progress.message("sweep " + plan.dir() + ": " + plan.describe() + (cell == null ? "" : "; cell " + cell + " only"));
        SweepRunner.Result result;
        try (StopSignal stop = StopSignal.install()) {
            result = SweepRunner.run(plan, cells, runtime, progress, TrainingRun.Options.defaults().stop(stop));
        } catch (Tf32Environment.Mismatch mismatch) {
            // train.precision needs TORCH_ALLOW_TF32_CUBLAS_OVERRIDE set otherwise: the same command, restarted
            return Tf32Environment.relaunch(mismatch);
        }
        Path csv = plan.dir().resolve(SweepTable.FILE);
        System.out.println("wrote " + csv);
        if (result.interrupted() != null) {
            System.out.println("sweep stopped during a cell; continue with: ./amem sweep --dir " + plan.dir());
            String by = result.interrupted().stoppedBy();
            return "SIGINT".equals(by) ? 130 : "SIGTERM".equals(by) ? 143 : 0;
        }
        for (SweepRunner.CellResult r : result.cells()) {
            if (r.status().equals("failed")) {
                System.out.println("failed: " + r.cell().name() + ": " + r.message());
            }
        }
        long busy = result.cells().stream().filter(r -> r.action().equals("busy")).count();
        if (busy > 0) {
            System.out.printf(Locale.ROOT, "%d cell(s) were being trained by another amem process on this sweep and were "
                    + "left to it; run the same command again to pick up any it leaves unfinished%n", busy);
        }
        if (result.failed() > 0) {
            System.out.printf(Locale.ROOT, "%d of %d cells failed; fix the cause and run the same command again (finished cells "
                    + "are skipped)%n", result.failed(), result.cells().size());
            return AmemCli.EXIT_FAILED;
        }
        return 0;
    }

    /** The plan of --preset (written to DIR/sweep.json when {@code write}) or of an existing --dir. */
    private SweepPlan plan(boolean write) throws java.io.IOException {
        if (preset != null && config != null) {
            throw new ConfigException("give --preset NAME or --config FILE, not both");
        }
        if (preset == null && config == null) {
            if (dir == null) {
                throw new ConfigException("give --preset NAME or --config FILE (a new or continued sweep) or --dir DIR "
                        + "(a sweep started before)");
            }
            if (!overrides.isEmpty()) {
                throw new ConfigException("--set only applies when a sweep starts (with --preset); " + dir + " keeps its plan");
            }
            return SweepPlan.open(dir);
        }
        Presets.Preset p = preset != null ? Presets.get(preset) : Presets.fromFile(config);
        if (!p.isSweep()) {
            throw new ConfigException(p.name() + " has no grid: train it with `amem train " + (preset != null ? "--preset "
                    + preset : "--config " + config)
                    + " --run runs/NAME`; presets with a grid: " + String.join(", ",
                    Presets.all().stream().filter(Presets.Preset::isSweep).map(Presets.Preset::name).toList()));
        }
        RunConfig base = p.resolve();
        for (String assignment : overrides) {
            base = base.withAssignment(assignment);
        }
        Path target = dir != null ? dir : Path.of("sweeps", p.name());
        String origin = preset != null ? preset : config.toAbsolutePath().toString();
        try {
            return write ? SweepPlan.create(target, origin, base, p.grid(), overrides)
                    : SweepPlan.preview(target, origin, base, p.grid(), overrides);
        } catch (ConfigException e) {
            // a grid error in the user's file names that file
            throw preset != null || e.getMessage().contains(target.toString()) ? e : new ConfigException(config + ": " + e.getMessage());
        }
    }

    private int emitScript(SweepPlan plan) throws java.io.IOException {
        if (!"slurm".equals(emit)) {
            throw new IllegalArgumentException("--emit " + emit + ": the only target is slurm");
        }
        if (cell != null) {
            throw new IllegalArgumentException("--emit writes a script for every cell; do not combine it with --cell");
        }
        String jobName = "amem-" + plan.dir().toAbsolutePath().normalize().getFileName();
        SlurmScript script = new SlurmScript(jobName.replaceAll("[^A-Za-z0-9._:+-]", "_"), partition, account, time, gpus,
                cpusPerTask, memory, maxParallel, launcher(), Path.of("").toAbsolutePath());
        Path target = out != null ? out : plan.dir().resolve("slurm.sh");
        Files.createDirectories(plan.dir().resolve("slurm"));
        amem.pipeline.run.AtomicFiles.writeString(target, script.render(plan));
        target.toFile().setExecutable(true);
        System.out.println("wrote " + target + " (" + plan.cells().size() + " array tasks); submit with: sbatch " + target);
        return 0;
    }

    /** The {@code amem} launcher the script calls: the one that started this JVM (AMEM_LAUNCHER), else ./amem. */
    private static Path launcher() {
        String env = System.getenv("AMEM_LAUNCHER");
        return Path.of(env != null && !env.isBlank() ? env : "amem").toAbsolutePath();
    }

    private static void printTable(Table table) {
        System.out.printf(Locale.ROOT, "%5s  %-28s %-9s %12s %12s %10s %10s %8s%n", "index", "cell", "status", "N total",
                "N non-emb", "D tokens", "best val", "step");
        for (int i = 0; i < table.rowCount(); i++) {
            System.out.printf(Locale.ROOT, "%5d  %-28s %-9s %12s %12s %10s %10s %8s%n", table.intColumn("index").get(i),
                    table.stringColumn("cell").get(i), table.stringColumn("status").get(i),
                    longText(table, "n_total", i), longText(table, "n_non_embedding", i), longText(table, "d_tokens", i),
                    Double.isNaN(table.doubleColumn("best_val_loss").getDouble(i)) ? "-"
                            : String.format(Locale.ROOT, "%.4f", table.doubleColumn("best_val_loss").getDouble(i)),
                    longText(table, "steps", i));
        }
    }

    private static void printEstimate(SweepEstimate.Result estimate) {
        System.out.printf(Locale.ROOT, "%5s  %-28s %14s %12s %10s %12s %10s %10s%n", "index", "cell", "parameters",
                "tokens/step", "steps", "FLOPs", "time", "memory");
        int floorBound = 0;
        for (SweepEstimate.Cell c : estimate.cells()) {
            System.out.printf(Locale.ROOT, "%5d  %-28s %,14d %,12.0f %,10d %12s %10s %8.1f GiB%n", c.cell().index(),
                    c.cell().name(), c.parameters(), c.tokensPerStep(), c.steps(), flops(c.flops()), duration(c.hours()),
                    c.memoryBytes() / (double) (1L << 30));
            floorBound += c.hours() * 3600 / c.steps() <= estimate.stepFloorMs() / 1e3 * (1 + 1e-9) ? 1 : 0;
        }
        // small grids used to read "0.0 PFLOP, 0.00 device-hours": units now follow the size, and the line says
        // when the per-step floor (launch overhead), not the arithmetic, sets the time
        System.out.printf(Locale.ROOT, "total: %s, about %s of device time at %.1f TFLOP/s sustained (%s) and at least %.1f ms per"
                + " step (%d of %d cells are bound by that floor: their time is steps x floor; measure the floor of"
                + " your device, CPU included, with `amem bench` and pass --step-floor-ms); the largest cell needs about"
                + " %.1f GiB in %s (estimates; evaluation not counted)%n",
                flops(estimate.totalFlops()), duration(estimate.totalHours()), estimate.teraflops(), estimate.precision().label(),
                estimate.stepFloorMs(), floorBound, estimate.cells().size(), estimate.peakMemoryBytes() / (double) (1L << 30),
                estimate.precision().label());
    }

    /** FLOPs in the unit that keeps one to three digits before the point (GFLOP to EFLOP). */
    static String flops(double value) {
        String[] units = {"GFLOP", "TFLOP", "PFLOP", "EFLOP"};
        double scaled = value / 1e9;
        int unit = 0;
        while (scaled >= 1000 && unit < units.length - 1) {
            scaled /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", scaled, units[unit]);
    }

    /** A duration given in hours, in seconds, minutes, hours or days as its size asks. */
    static String duration(double hours) {
        double seconds = hours * 3600;
        if (seconds < 90) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        if (seconds < 90 * 60) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        if (hours < 48) {
            return String.format(Locale.ROOT, "%.1f h", hours);
        }
        return String.format(Locale.ROOT, "%.1f days", hours / 24);
    }

    private static String longText(Table table, String column, int row) {
        var c = table.longColumn(column);
        return c.isMissing(row) ? "-" : String.format(Locale.ROOT, "%,d", c.get(row));
    }
}
