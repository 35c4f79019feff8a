package amem.pipeline.train;

import com.google.gson.JsonObject;

/**
 * Dynamic loss scaling for float16 training, with {@code torch.cuda.amp.GradScaler}'s defaults: the loss is
 * multiplied by the scale before the backward pass (so that small gradients stay representable in float16),
 * the gradients are divided by it again in float32; a step whose gradients are not all finite is skipped and the
 * scale halved; after {@link #GROWTH_INTERVAL} good steps in a row the scale doubles.
 *
 * <p>The state (scale and the count of good steps) belongs to a checkpoint: a resumed run continues with the
 * same scale and repeats the uninterrupted run exactly.
 */
public final class LossScaler {

    public static final double INITIAL_SCALE = 65536.0;
    public static final double GROWTH_FACTOR = 2.0;
    public static final double BACKOFF_FACTOR = 0.5;
    public static final int GROWTH_INTERVAL = 2000;
    /** Below this the gradients are not finite for a reason scaling cannot fix (the run is reported as failed). */
    public static final double MIN_SCALE = 1.0 / (1 << 24);

    private double scale;
    private int goodSteps;

    public LossScaler(double initialScale) {
        if (!(initialScale > 0) || Double.isInfinite(initialScale)) {
            throw new IllegalArgumentException("loss scale " + initialScale + " must be positive and finite");
        }
        this.scale = initialScale;
    }

    public double scale() {
        return scale;
    }

    public int goodSteps() {
        return goodSteps;
    }

    /**
     * Records the outcome of a step: finite gradients count towards growth, non-finite ones halve the scale.
     *
     * @return whether the step's update is applied
     */
    public boolean update(boolean gradientsFinite) {
        if (!gradientsFinite) {
            scale *= BACKOFF_FACTOR;
            goodSteps = 0;
            return false;
        }
        goodSteps++;
        if (goodSteps == GROWTH_INTERVAL) {
            scale *= GROWTH_FACTOR;
            goodSteps = 0;
        }
        return true;
    }

    /** Whether the scale has collapsed (see {@link #MIN_SCALE}). */
    public boolean collapsed() {
        return scale < MIN_SCALE;
    }

    /** Writes the state into a checkpoint's counters. */
    public void save(JsonObject counters) {
        counters.addProperty("loss_scale", scale);
        counters.addProperty("loss_scale_good_steps", goodSteps);
    }

    /** The state a checkpoint holds, or a fresh scaler when it holds none (a run started in another precision). */
    public static LossScaler restore(JsonObject counters, double initialScale) {
        if (!counters.has("loss_scale")) {
            return new LossScaler(initialScale);
        }
        LossScaler scaler = new LossScaler(counters.get("loss_scale").getAsDouble());
        scaler.goodSteps = counters.get("loss_scale_good_steps").getAsInt();
        return scaler;
    }
}
