package amem.pipeline.hooks;

import amem.datasets.store.TokenStore;
import amem.pipeline.session.ModelSession;
import amem.pipeline.session.TrainingObserver;
import amem.pipeline.weights.ModelSources;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Records an activation dataset at chosen training steps into {@code RUN/activations/step-NNNNNNNNN/}, in the
 * format of {@code amem collect}, so analysis can follow the radius of docs/THEORY.md §2 through training.
 *
 * <p>A snapshot of step s is taken after update s (step 0: before the first update), in evaluation mode (no
 * dropout, no gradient graph), over the same sequences every time (the request's seed is the run's). Snapshots
 * neither draw from the engine's random generator nor touch gradients, so training proceeds exactly as without
 * them. A snapshot directory appears only when complete; on resume, snapshots already on disk are kept.
 */
public final class ActivationSnapshots implements TrainingObserver {

    /** Directory of a run's activation datasets. */
    public static final String DIR = "activations";

    private final Set<Long> steps;
    private final CollectRequest request;
    private final Path runDir;
    private final long startStep;
    private final TokenStore store;
    private final Consumer<String> messages;

    /**
     * @param startStep the step training continues from (0 for a new run); a snapshot of step 0 is taken only
     *     when training starts there
     */
    public ActivationSnapshots(Set<Long> steps, CollectRequest request, Path runDir, long startStep, TokenStore store,
            Consumer<String> messages) {
        this.steps = Set.copyOf(steps);
        this.request = request;
        this.runDir = runDir;
        this.startStep = startStep;
        this.store = store;
        this.messages = messages;
    }

    /** Where the snapshot of {@code step} goes. */
    public static Path directory(Path runDir, long step) {
        return runDir.resolve(DIR).resolve(String.format(Locale.ROOT, "step-%09d", step));
    }

    @Override
    public void beforeStep(long step, ModelSession model) {
        if (step == startStep + 1 && startStep == 0 && steps.contains(0L)) {
            snapshot(0, model);
        }
    }

    @Override
    public void afterStep(long step, ModelSession model) {
        if (steps.contains(step)) {
            snapshot(step, model);
        }
    }

    private void snapshot(long step, ModelSession model) {
        Path out = directory(runDir, step);
        if (Files.exists(out)) {
            return; // written before an interruption; the model of that step was the same
        }
        JsonObject about = new JsonObject();
        JsonObject description = ModelSources.describe(model.config());
        description.addProperty("source", "training snapshot");
        description.addProperty("run", runDir.toAbsolutePath().normalize().toString());
        about.add("model", description);
        about.addProperty("step", step);
        try {
            ActivationCollection.Result result = ActivationCollection.run(model, about, store, request, out, messages);
            messages.accept(String.format(Locale.ROOT, "activation snapshot of step %d: %,d vectors × %d hooks in %.1f s",
                    step, result.records(), result.manifest().getAsJsonObject("hooks").size(), result.seconds()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the activation snapshot " + out + ": " + e.getMessage(), e);
        }
    }
}
