package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Next-token cross-entropy in nats, the loss docs/THEORY.md §3 compares with the ~1 bound and the data's
 * entropy.
 */
public final class LmLoss {

    private LmLoss() {}

    /**
     * Mean negative log-likelihood of the targets over the positions that count: {@code
     * sum(mask * -log softmax(logits)[target]) / sum(mask)}.
     *
     * @param logits (B, T, V)
     * @param targets (B, T) token ids, int32 or int64
     * @param mask (B, T) weights, 1 for positions that count and 0 for the rest (e.g. the source
     *     half of a Question-Formation line), or null to count every position; a mask summing to 0
     *     gives NaN
     * @return a scalar in {@code logits}' manager, differentiable w.r.t. the logits; float32 for float16 logits
     *     (the log-softmax is computed in float32 from them, as mixed-precision training needs), else the
     *     logits' type
     */
    public static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray mask) {
        Shape ls = logits.getShape();
        if (ls.dimension() != 3) {
            throw new IllegalArgumentException("logits must have shape (batch, time, vocab), got " + ls);
        }
        Shape bt = ls.slice(0, 2);
        checkTargets(bt, targets, mask);
        NDArray index = targets.toType(DataType.INT64, false).expandDims(2);
        NDArray nll = logSoftmax(logits).gather(index, 2).squeeze(2).neg(); // (B, T)
        if (mask == null) {
            return nll.mean();
        }
        NDArray weights = mask.toType(nll.getDataType(), false);
        return nll.mul(weights).sum().div(weights.sum());
    }

    /**
     * Log-softmax over the vocabulary; float16 logits give float32 log-probabilities through torch's
     * {@code log_softmax(x, dim, dtype)}, whose cast is part of the autograd graph (a {@code toType} is not).
     */
    static NDArray logSoftmax(NDArray logits) {
        if (logits.getDataType() == DataType.FLOAT16 && logits instanceof PtNDArray pt) {
            return JniUtils.logSoftmax(pt, 2, DataType.FLOAT32);
        }
        return logits.logSoftmax(2);
    }

    /** Targets and mask (when given) must have the (batch, time) shape {@code bt}. */
    static void checkTargets(Shape bt, NDArray targets, NDArray mask) {
        if (!targets.getShape().equals(bt)) {
            throw new IllegalArgumentException("targets must have shape " + bt + ", got " + targets.getShape());
        }
        if (mask != null && !mask.getShape().equals(bt)) {
            throw new IllegalArgumentException("mask must have shape " + bt + ", got " + mask.getShape());
        }
    }
}
