package amem.pipeline.cli;

import amem.pipeline.analysis.scaling.ScalingAnalysis;
import amem.pipeline.report.ReportWriter;
import amem.pipeline.report.SweepReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code amem report}: one self-contained HTML report for one run or a comparison of runs (docs/THEORY.md §1–3), with
 * every chart also saved as PNG and SVG under {@code plots/} beside it.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Self-contained HTML report (charts embedded, opens offline) for one run or a comparison of runs:",
            "configs, loss curves against the references with plateau and early-stopping marks, task accuracy,",
            "radius per layer and distance histograms (from amem analyze), energies, and a comparison table.",
            "  amem report runs/A                       writes runs/A/report.html",
            "  amem report runs/A runs/B --out cmp.html",
            "  amem report --sweep DIR                  writes DIR/report.html: N*(D), loss against N and D, fits",
        })
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "RUN", description = "run directories (runs/NAME)")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE",
            description = "the report file; charts go to plots/ beside it (default: RUN/report.html for one run)")
    Path out;

    @Option(names = "--sweep", paramLabel = "DIR",
            description = "the report of a sweep (amem sweep): refreshes DIR/sweep.csv and the fits of amem analyze sweep")
    Path sweep;

    @Override
    public Integer call() throws Exception {
        if (sweep != null) {
            if (!runs.isEmpty()) {
                throw new IllegalArgumentException("--sweep DIR reports a whole sweep; report runs separately");
            }
            long start = System.nanoTime();
            ReportWriter.Result result = SweepReport.write(sweep, out, ScalingAnalysis.Options.defaults());
            System.out.printf(Locale.ROOT, "report: %s (%d chart files, %.1f s)%n", result.report(), result.charts().size(),
                    (System.nanoTime() - start) / 1e9);
            return 0;
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("give run directories (runs/NAME) or --sweep DIR");
        }
        if (out == null && runs.size() > 1) {
            throw new IllegalArgumentException("several runs: say where the comparison goes with --out FILE.html");
        }
        Path target = out != null ? out : runs.get(0).resolve("report.html");
        long start = System.nanoTime();
        ReportWriter.Result result = ReportWriter.write(runs, target);
        System.out.printf(Locale.ROOT, "report: %s (%d chart files in %s, %.1f s)%n", result.report(),
                result.charts().size(), result.report().resolveSibling("plots"), (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
