package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;

/** Gradient handles of a step and their global L2 norm, computed on the device without a host sync. */
public final class Gradients {

    private Gradients() {}

    /**
     * The accumulated gradients of the parameters, in map order. DJL hands out a new native handle on every
     * {@code getGradient()} call; each is attached to the step's scope so it is freed with the step.
     */
    public static NDList of(Map<String, Parameter> parameters, NDManager scope) {
        NDList gradients = new NDList(parameters.size());
        for (Parameter parameter : parameters.values()) {
            NDArray gradient = parameter.getArray().getGradient();
            gradient.attach(scope);
            gradients.add(gradient);
        }
        return gradients;
    }

    /**
     * Mixed precision: the float16 gradients of a scaled loss as float32 gradients of the loss itself
     * ({@code g / scale}), which the global norm and the float32 master weights use.
     */
    public static NDList unscaled(NDList gradients, double scale) {
        NDList result = new NDList(gradients.size());
        for (NDArray g : gradients) {
            result.add(g.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).muli((float) (1.0 / scale)));
        }
        return result;
    }

    /** {@code sqrt(sum over all gradients of g²)} as a scalar array (as {@code clip_grad_norm_} computes it). */
    public static NDArray globalNorm(NDList gradients) {
        NDArray[] squares = new NDArray[gradients.size()];
        for (int i = 0; i < squares.length; i++) {
            NDArray g = gradients.get(i);
            squares[i] = g.flatten().dot(g.flatten());
        }
        return NDArrays.stack(new NDList(squares)).sum().sqrt();
    }

    /**
     * The factor {@code torch.nn.utils.clip_grad_norm_} multiplies gradients by:
     * {@code min(1, max / (norm + 1e-6))}; {@code max <= 0} disables clipping.
     */
    public static double clipScale(double norm, double max) {
        if (max <= 0) {
            return 1.0;
        }
        return Math.min(1.0, max / (norm + 1e-6));
    }
}
