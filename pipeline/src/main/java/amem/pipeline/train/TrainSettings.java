package amem.pipeline.train;

import amem.models.LossPath;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import java.util.List;
import java.util.Locale;

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
        String device,
        String precision,
        double lossScaleInit,
        String fusedLoss,
        int lossChunkRows) {

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
        // the spelling, checked before anything starts (fp16 is fp16 on any device)
        boolean fp16 = Precision.resolve(precision, ai.djl.Device.cpu()) == Precision.FP16;
        if (!(lossScaleInit > 0) || Double.isInfinite(lossScaleInit)) {
            throw new ConfigException("train.loss_scale_init = " + lossScaleInit + " must be positive and finite");
        }
        if (!List.of("auto", "on", "off").contains(fusedLoss)) {
            throw new ConfigException("train.fused_loss = \"" + fusedLoss + "\" is not one of auto, on, off");
        }
        if (fusedLoss.equals("on") && fp16) {
            throw new ConfigException("train.fused_loss = on does not combine with train.precision = fp16 (the fused "
                    + "loss computes in the parameters' dtype, fp16 needs float32 log-probabilities): use auto or off");
        }
        if (lossChunkRows < 0) {
            throw new ConfigException("train.loss_chunk_rows = " + lossChunkRows + " must be >= 0 (0: automatic)");
        }
        if (!(gradClip >= 0)) {
            throw new ConfigException("train.grad_clip = " + gradClip + " must be >= 0 (0 disables clipping)");
        }
    }

    /**
     * The loss path {@code train.fused_loss} and {@code train.loss_chunk_rows} choose for a vocabulary in a
     * precision (the device picks the automatic chunk size later: {@link LossPath#rowsPerChunk}). Mixed precision (fp16) keeps the unfused path: the fused loss
     * computes its log-softmax and hand-made gradients in the parameters' dtype, while fp16 training needs the
     * log-probabilities in float32 ({@code LmLoss.logSoftmax}); {@code train.fused_loss = on} with fp16 is refused
     * before anything starts.
     */
    public LossPath lossPath(int vocabSize, Precision precision) {
        if (precision == Precision.FP16) {
            return LossPath.UNFUSED; // fused_loss = on with fp16 is refused when the settings are read
        }
        return switch (fusedLoss) {
            case "on" -> LossPath.fused(lossChunkRows);
            case "off" -> LossPath.UNFUSED;
            default -> LossPath.automatic(vocabSize).fused() ? LossPath.fused(lossChunkRows) : LossPath.UNFUSED;
        };
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new ConfigException(key + " = " + value + " must be a positive whole number");
        }
    }

    /** The precision this run trains in on {@code device} ({@code auto} resolved). */
    public Precision precisionOn(ai.djl.Device device) {
        return Precision.resolve(precision, device);
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
                    config.getDouble("train.weight_decay"),
                    TorchAdamW.Kernel.parse(config.getString("train.fused_adamw")));
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
                    config.getString("train.device"),
                    config.getString("train.precision"),
                    config.getDouble("train.loss_scale_init"),
                    config.getString("train.fused_loss").trim().toLowerCase(Locale.ROOT),
                    config.getInt("train.loss_chunk_rows"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
