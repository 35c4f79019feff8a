package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * {@code y = x W^T + b} over the last axis, with parameters {@code weight} (out, in) and optional
 * {@code bias} (out).
 *
 * <p>The weight is stored (out, in) like {@code torch.nn.Linear}; Hugging Face GPT-2's {@code
 * Conv1D} stores (in, out), so an importer transposes it.
 */
public final class LinearLayer extends NamedBlock {

    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * @param inFeatures input width
     * @param outFeatures output width
     * @param withBias whether to add a bias (initialised to 0)
     * @param weightInit initialiser of the (out, in) weight
     */
    public LinearLayer(int inFeatures, int outFeatures, boolean withBias, Initializer weightInit) {
        this.outFeatures = outFeatures;
        weight = parameter("weight", Parameter.Type.WEIGHT, new Shape(outFeatures, inFeatures), weightInit);
        bias = withBias
                ? parameter("bias", Parameter.Type.BIAS, new Shape(outFeatures), Initializer.ZEROS)
                : null;
    }

    /** Applies the layer to {@code x} (..., in); the result belongs to {@code x}'s manager. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training); // null when bias is off
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    /** This layer's input {@code x} (..., in) with its weight and bias, for a caller that fuses the product. */
    public OutputLayerInput input(ParameterStore ps, NDArray x, boolean training) {
        return new OutputLayerInput(x, ps.getValue(weight, x.getDevice(), training),
                ps.getValue(bias, x.getDevice(), training));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {in.slice(0, in.dimension() - 1).add(outFeatures)};
    }
}
