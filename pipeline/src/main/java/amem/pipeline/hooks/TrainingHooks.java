package amem.pipeline.hooks;

import amem.datasets.store.TokenStore;
import amem.pipeline.session.ModelSession;
import amem.pipeline.session.TrainingObserver;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The observers a run's {@code hooks.*} settings ask for ({@link HookStatsObserver}, {@link ActivationSnapshots}),
 * built for one training session and closed after it.
 */
public final class TrainingHooks implements Closeable {

    private final List<TrainingObserver> observers;
    private final HookStatsObserver stats;

    private TrainingHooks(List<TrainingObserver> observers, HookStatsObserver stats) {
        this.observers = List.copyOf(observers);
        this.stats = stats;
    }

    /**
     * @param startStep the step training starts or resumes from (rows of {@code hook_stats.csv} after it are cut)
     * @param store the run's token store (snapshots read from it)
     */
    public static TrainingHooks open(HookSettings settings, Path runDir, long startStep, ModelSession model,
            TokenStore store, Consumer<String> messages) throws IOException {
        List<TrainingObserver> observers = new ArrayList<>();
        HookStatsObserver stats = null;
        if (settings.statsInterval() > 0) {
            stats = new HookStatsObserver(model, settings.statsPoints(), settings.statsInterval(), runDir, startStep);
            observers.add(stats);
        }
        if (!settings.snapshotSteps().isEmpty()) {
            observers.add(new ActivationSnapshots(settings.snapshotSteps(), settings.snapshot(), runDir, startStep,
                    store, messages));
        }
        return new TrainingHooks(observers, stats);
    }

    /** The observers to register on the trainer. */
    public List<TrainingObserver> observers() {
        return observers;
    }

    @Override
    public void close() throws IOException {
        if (stats != null) {
            stats.close();
        }
    }
}
