package amem.pipeline.hooks;

import amem.datasets.npy.NpyDtype;
import amem.datasets.store.TokenStore;
import amem.models.LanguageModels;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The {@code hooks.*} section of a run configuration, typed and checked against the model and the data before a
 * run directory is created.
 *
 * @param statsInterval steps between rows of {@code hook_stats.csv}; 0 disables them
 * @param statsPoints hook globs whose statistics are written
 * @param snapshotSteps steps after which an activation snapshot is recorded (0 = before the first update)
 * @param snapshot what a snapshot records (its seed is the run's)
 */
public record HookSettings(long statsInterval, List<String> statsPoints, TreeSet<Long> snapshotSteps,
        CollectRequest snapshot) {

    /** Reads the keys and checks them: globs must match the model's hook points, the split must exist. */
    public static HookSettings from(RunConfig config, ModelConfig model, TokenStore store) {
        long interval = config.getLong("hooks.stats_interval");
        if (interval < 0) {
            throw new ConfigException("hooks.stats_interval = " + interval + " must be >= 0 (0 disables it)");
        }
        List<String> statsPoints = globs(config.getString("hooks.stats_points"));
        TreeSet<Long> steps = new TreeSet<>();
        for (String part : config.getString("hooks.snapshot_steps").split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                long step = Long.parseLong(part.trim().replace("_", ""));
                if (step < 0) {
                    throw new NumberFormatException();
                }
                steps.add(step);
            } catch (NumberFormatException e) {
                throw new ConfigException("hooks.snapshot_steps = \"" + config.getString("hooks.snapshot_steps")
                        + "\": \"" + part.trim() + "\" is not a step number (expected e.g. 0,1000,5000)");
            }
        }
        String split = config.getString("hooks.snapshot_split");
        CollectRequest snapshot;
        try {
            snapshot = CollectRequest.of(globs(config.getString("hooks.snapshot_points")),
                            config.getLong("hooks.snapshot_tokens"), split, config.getLong("train.seed"))
                    .withPositions(config.getString("hooks.snapshot_positions").trim().toLowerCase(Locale.ROOT), 1)
                    .withDtype(NpyDtype.parseActivation(config.getString("hooks.snapshot_dtype")));
            PositionRule.parse(snapshot.positions(), 1, 0);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("hooks.snapshot_*: " + e.getMessage());
        }
        var hooks = LanguageModels.create(model).hooks();
        try {
            if (interval > 0) {
                hooks.select(statsPoints);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("hooks.stats_points: " + e.getMessage());
        }
        if (!steps.isEmpty()) {
            try {
                hooks.select(snapshot.hooks());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("hooks.snapshot_points: " + e.getMessage());
            }
            if (!store.hasSplit(split)) {
                throw new ConfigException("hooks.snapshot_split = " + split + ": the store " + store.dir()
                        + " has splits " + store.splitNames());
            }
        }
        return new HookSettings(interval, statsPoints, steps, snapshot);
    }

    private static List<String> globs(String text) {
        return List.of(text.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
