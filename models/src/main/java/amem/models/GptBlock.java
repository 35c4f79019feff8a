package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * GPT-2's pre-LayerNorm block (docs/THEORY.md §5B): {@code x + drop(attn(ln_1(x)))}, then {@code x +
 * drop(mlp(ln_2(x)))} with a 4n tanh-GELU MLP. The residual stream itself is never normalised,
 * which is why GPT-2 needs the final {@code ln_f}.
 *
 * <p>Hook points (TransformerLens' meaning), registered under {@code blocks.{l}.}: {@code hook_resid_pre} the block
 * input x; {@code hook_attn_out} the attention output after {@code c_proj}, before residual dropout; {@code
 * hook_resid_mid} = x + attention; {@code hook_mlp_out} the MLP output before residual dropout; {@code
 * hook_resid_post} the block output. {@code attn.*}: see {@link CausalSelfAttention}; {@code mlp.*}: see {@link
 * FeedForward}. A hook's replacement is what the rest of the block uses.
 */
public final class GptBlock extends NamedBlock {

    private final float dropout;
    private final LayerNormLayer ln1;
    private final CausalSelfAttention attn;
    private final LayerNormLayer ln2;
    private final FeedForward mlp;
    private final HookPoint hookResidPre;
    private final HookPoint hookAttnOut;
    private final HookPoint hookResidMid;
    private final HookPoint hookMlpOut;
    private final HookPoint hookResidPost;

    /**
     * @param c model shape; uses n, heads, ffn width, dropout and bias
     * @param weightInit initialiser of {@code c_attn} and {@code c_fc} weights
     * @param residualInit initialiser of the two {@code c_proj} weights that write into the residual
     * @param hooks where this block registers its hook points, {@code blocks.{l}}
     */
    public GptBlock(ModelConfig c, Initializer weightInit, Initializer residualInit, HookPoints.Scope hooks) {
        this.dropout = c.dropout();
        int n = c.nEmbd();
        // Registered in forward order, the children's points in between.
        hookResidPre = hooks.add("hook_resid_pre", HookPoint.Kind.VECTOR, n);
        ln1 = child("ln_1", new LayerNormLayer(n, c.bias()));
        attn = child("attn", new CausalSelfAttention(
                n, c.nHead(), c.bias(), c.dropout(), weightInit, residualInit, hooks.scope("attn")));
        hookAttnOut = hooks.add("hook_attn_out", HookPoint.Kind.VECTOR, n);
        hookResidMid = hooks.add("hook_resid_mid", HookPoint.Kind.VECTOR, n);
        ln2 = child("ln_2", new LayerNormLayer(n, c.bias()));
        mlp = child("mlp", new FeedForward(
                n, c.ffnWidth(), c.bias(), Gelu::tanhApproximation, 0f, weightInit, residualInit, hooks.scope("mlp")));
        hookMlpOut = hooks.add("hook_mlp_out", HookPoint.Kind.VECTOR, n);
        hookResidPost = hooks.add("hook_resid_post", HookPoint.Kind.VECTOR, n);
    }

    /** Maps the residual stream x (B, T, n) to (B, T, n) under the (T, T) causal mask. */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        x = hookResidPre.fire(x);
        NDArray attnOut = hookAttnOut.fire(attn.apply(ps, ln1.apply(ps, x, training), mask, training));
        NDArray mid = hookResidMid.fire(x.add(dropout(attnOut, dropout, training)));
        NDArray mlpOut = hookMlpOut.fire(mlp.apply(ps, ln2.apply(ps, mid, training), training));
        return hookResidPost.fire(mid.add(dropout(mlpOut, dropout, training)));
    }

    /** Inputs: x (B, T, n) and the (T, T) mask. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
    }

}
