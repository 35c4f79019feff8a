package amem.pipeline.analysis;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything {@code amem analyze run RUN} does for one run: the loss against the bounds ({@code loss.csv}) and, when
 * the run has activations ({@code RUN/activations}, {@code RUN/activations/step-N}), their radius
 * ({@code radius.csv}, {@code nn_distances.csv}). The engine is asked for only when there are activations.
 */
public final class RunAnalysis {

    private RunAnalysis() {}

    /**
     * Analyses {@code run} into {@code out}.
     *
     * @param radius radius options, or null to skip the activations
     * @param engine supplies the engine's manager (called only when activations are analysed)
     * @param log progress lines
     */
    public static LossAnalysis.Result analyse(RunFiles run, LossAnalysis.Options loss, RadiusAnalysis.Options radius,
            Path out, Supplier<NDManager> engine, Consumer<String> log) throws IOException {
        LossAnalysis.Result result = LossAnalysis.analyse(run, loss);
        LossAnalysis.write(result, out);
        log.accept(run.name() + ": " + LossAnalysis.summaryLine(result));
        log.accept("wrote " + out.resolve(LossAnalysis.FILE));
        if (radius != null) {
            List<Path> sets = ActivationSet.inRun(run.root());
            if (!sets.isEmpty()) {
                radius(sets, radius, out, engine.get(), log);
            }
        }
        return result;
    }

    /** Analyses the radius of each activation dataset in {@code sets} into {@code out}. */
    public static void radius(List<Path> sets, RadiusAnalysis.Options options, Path out, NDManager manager,
            Consumer<String> log) throws IOException {
        List<RadiusAnalysis.SetResult> results = new ArrayList<>();
        for (Path dir : sets) {
            ActivationSet set = ActivationSet.open(dir);
            log.accept("radius of " + dir + ": " + set.hooks().size() + " hook(s) on " + manager.getDevice());
            results.add(RadiusAnalysis.analyse(set, options, manager, log));
        }
        RadiusAnalysis.write(results, out);
        log.accept("wrote " + out.resolve(RadiusAnalysis.RADIUS_FILE) + " and " + out.resolve(RadiusAnalysis.HISTOGRAM_FILE));
    }
}
