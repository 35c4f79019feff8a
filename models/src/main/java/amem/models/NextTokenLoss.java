package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * {@link LmLoss#crossEntropy} as a DJL {@link Loss}, for DJL's own {@code Trainer} and {@code EasyTrain}: the
 * prediction is the logits (B, T, V), the labels the targets (B, T) and optionally a (B, T) loss mask, the
 * layout of amem's DJL datasets ({@code amem.datasets.djl}: windows give targets, lines targets and mask). The
 * value is the mean over the positions that count, so padded positions of a line batch weigh nothing.
 */
public final class NextTokenLoss extends Loss {

    public NextTokenLoss() {
        super("NextTokenLoss");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return LmLoss.crossEntropy(predictions.singletonOrThrow(), labels.head(), labels.size() > 1 ? labels.get(1) : null);
    }
}
