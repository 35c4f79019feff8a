package amem.pipeline.train;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;

/** The {@code train.*} section of a run configuration, typed and checked. */
public record TrainSettings(
        long steps,
        int batchSize,
        int gradAccum,
        LrSchedule schedule,
        TorchAdamW.Settings optimizer,
        double gradClip,
        long evalInterval,
        int evalBatches,
        long checkpointInterval,
        int keepCheckpoints,
        long logInterval,
        long seed,
        String device) {

    public TrainSettings {
        positive("train.steps", steps);
        positive("train.batch_size", batchSize);
        positive("train.grad_accum", gradAccum);
        positive("train.eval_interval", evalInterval);
        positive("train.checkpoint_interval", checkpointInterval);
        positive("train.keep_checkpoints", keepCheckpoints);
        positive("train.log_interval", logInterval);
        if (evalBatches < 0) {
            throw new ConfigException("train.eval_batches = " + evalBatches + " must be >= 0");
        }
        if (!(gradClip >= 0)) {
            throw new ConfigException("train.grad_clip = " + gradClip + " must be >= 0 (0 disables clipping)");
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key + " = " + value + " must be a positive whole number");
        }
    }

    /** Reads and validates the {@code train.*} keys. */
    public static TrainSettings from(RunConfig config) {
        long steps = config.getLong("train.steps");
        long decaySteps = config.getLong("train.decay_steps");
        try {
            LrSchedule schedule = new LrSchedule(
                    LrSchedule.Decay.parse(config.getString("train.decay")),
                    config.getDouble("train.lr"),
                    config.getDouble("train.min_lr"),
                    config.getLong("train.warmup_steps"),
                    decaySteps == 0 ? Math.max(steps, config.getLong("train.warmup_steps")) : decaySteps);
            TorchAdamW.Settings optimizer = new TorchAdamW.Settings(
                    config.getDouble("train.beta1"),
                    config.getDouble("train.beta2"),
                    config.getDouble("train.eps"),
                    config.getDouble("train.weight_decay"));
            return new TrainSettings(
                    steps,
                    config.getInt("train.batch_size"),
                    config.getInt("train.grad_accum"),
                    schedule,
                    optimizer,
                    config.getDouble("train.grad_clip"),
                    config.getLong("train.eval_interval"),
                    config.getInt("train.eval_batches"),
                    config.getLong("train.checkpoint_interval"),
                    config.getInt("train.keep_checkpoints"),
                    config.getLong("train.log_interval"),
                    config.getLong("train.seed"),
                    config.getString("train.device"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
