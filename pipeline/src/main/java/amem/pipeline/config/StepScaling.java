package amem.pipeline.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fits a preset's warm-up and evaluation interval to a shorter run. A preset's schedule is written for its own step
 * count: {@code quickstart --steps 200} kept 200 warm-up steps, so the whole run was warm-up, and evaluated only at
 * the first and last step. When the steps are cut below the preset's and a value no longer fits (warm-up over a
 * tenth of the run, fewer than four evaluations), it is scaled by the same factor as the steps, keeping the preset's
 * shares; keys the user set explicitly are left alone. Each change is reported.
 */
public final class StepScaling {

    /** A warm-up longer than this share of the run "no longer fits". */
    static final double MAX_WARMUP_SHARE = 0.1;
    /** Fewer evaluations than this (besides step 0) "no longer fit". */
    static final long MIN_EVALUATIONS = 4;

    /** One scaled key. */
    public record Change(String key, long from, long to) {}

    /** The config to train with and what was changed (empty when nothing was). */
    public record Result(RunConfig config, List<Change> changes) {

        /** One line saying what was scaled and why, or null when nothing was. */
        public String message() {
            if (changes.isEmpty()) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            for (Change c : changes) {
                parts.add(String.format(Locale.ROOT, "%s %d -> %d", c.key(), c.from(), c.to()));
            }
            return String.format(Locale.ROOT, "train.steps %d is shorter than the preset's schedule: scaled %s (the"
                    + " preset's shares; set these keys yourself to choose)", config.getLong("train.steps"),
                    String.join(", ", parts));
        }
    }

    private StepScaling() {}

    /**
     * @param base the preset or config file before the user's overrides
     * @param resolved the config after them
     * @param explicitKeys keys the user set (never scaled)
     */
    public static Result fit(RunConfig base, RunConfig resolved, Set<String> explicitKeys) {
        long presetSteps = base.getLong("train.steps");
        long steps = resolved.getLong("train.steps");
        List<Change> changes = new ArrayList<>();
        RunConfig config = resolved;
        if (steps >= presetSteps || steps <= 0) {
            return new Result(config, changes);
        }
        double factor = steps / (double) presetSteps;
        long warmup = resolved.getLong("train.warmup_steps");
        if (!explicitKeys.contains("train.warmup_steps") && warmup > MAX_WARMUP_SHARE * steps) {
            long scaled = Math.round(warmup * factor);
            changes.add(new Change("train.warmup_steps", warmup, scaled));
            config = config.with("train.warmup_steps", Long.toString(scaled));
        }
        long eval = resolved.getLong("train.eval_interval");
        if (!explicitKeys.contains("train.eval_interval") && eval > 0 && steps / eval < MIN_EVALUATIONS) {
            long scaled = Math.max(1, Math.round(eval * factor));
            if (scaled != eval) {
                changes.add(new Change("train.eval_interval", eval, scaled));
                config = config.with("train.eval_interval", Long.toString(scaled));
            }
        }
        return new Result(config, changes);
    }

    /** The config keys named by {@code --set KEY=VALUE} assignments. */
    public static Set<String> keysOf(List<String> assignments) {
        Set<String> keys = new java.util.HashSet<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            keys.add((eq < 0 ? a : a.substring(0, eq)).strip());
        }
        return keys;
    }
}
