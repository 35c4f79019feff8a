package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/**
 * Position-wise feed-forward network {@code c_proj(drop(act(c_fc(x))))}, n → width → n. GPT-2 uses
 * the tanh GELU and no inner dropout; the vanilla transformer uses ReLU with dropout on the hidden
 * activations, as {@code torch.nn.TransformerEncoderLayer} does. Residual dropout belongs to the
 * enclosing block.
 *
 * <p>Hook points, registered under {@code blocks.{l}.mlp.}: {@code hook_pre} the hidden pre-activation {@code
 * c_fc(x)} and {@code hook_post} the activation's output (both (B, T, hidden)), before inner dropout.
 */
public final class FeedForward extends NamedBlock {

    private final LinearLayer fc;
    private final LinearLayer proj;
    private final UnaryOperator<NDArray> activation;
    private final float innerDropout;
    private final HookPoint hookPre;
    private final HookPoint hookPost;

    /**
     * @param width residual width n
     * @param hidden feed-forward width
     * @param bias whether both layers carry biases
     * @param activation elementwise non-linearity, e.g. {@link Gelu#tanhApproximation}
     * @param innerDropout dropout on the hidden activations (0 for GPT-2)
     * @param fcInit initialiser of {@code c_fc.weight}
     * @param projInit initialiser of {@code c_proj.weight}
     * @param hooks where this layer registers {@code hook_pre} and {@code hook_post}, {@code blocks.{l}.mlp}
     */
    public FeedForward(
            int width,
            int hidden,
            boolean bias,
            UnaryOperator<NDArray> activation,
            float innerDropout,
            Initializer fcInit,
            Initializer projInit,
            HookPoints.Scope hooks) {
        this.activation = activation;
        this.innerDropout = innerDropout;
        this.hookPre = hooks.add("hook_pre", HookPoint.Kind.VECTOR, hidden);
        this.hookPost = hooks.add("hook_post", HookPoint.Kind.VECTOR, hidden);
        fc = child("c_fc", new LinearLayer(width, hidden, bias, fcInit));
        proj = child("c_proj", new LinearLayer(hidden, width, bias, projInit));
    }

    /** Maps x (B, T, n) to (B, T, n). */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray h = hookPost.fire(activation.apply(hookPre.fire(fc.apply(ps, x, training))));
        return proj.apply(ps, dropout(h, innerDropout, training), training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow(), training));
    }

}
