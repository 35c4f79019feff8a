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
 * <p>Hook points (TransformerLens' meaning): {@code hook_resid_pre} the block input x; {@code hook_attn_out}
 * the attention output after {@code c_proj}, before residual dropout; {@code hook_resid_mid} = x + attention;
 * {@code mlp.hook_post} the GELU output (B, T, 4n); {@code hook_mlp_out} the MLP output before residual dropout;
 * {@code hook_resid_post} the block output. q, k, v and pattern: see {@link CausalSelfAttention}.
 */
public final class GptBlock extends NamedBlock {

    private final float dropout;
    private final LayerNormLayer ln1;
    private final CausalSelfAttention attn;
    private final LayerNormLayer ln2;
    private final FeedForward mlp;
    private final BlockHooks hooks;

    /**
     * @param c model shape; uses n, heads, ffn width, dropout and bias
     * @param weightInit initialiser of {@code c_attn} and {@code c_fc} weights
     * @param residualInit initialiser of the two {@code c_proj} weights that write into the residual
     * @param hooks this block's hook points
     */
    public GptBlock(ModelConfig c, Initializer weightInit, Initializer residualInit, BlockHooks hooks) {
        this.dropout = c.dropout();
        this.hooks = hooks;
        ln1 = child("ln_1", new LayerNormLayer(c.nEmbd(), c.bias()));
        attn = child("attn", new CausalSelfAttention(
                c.nEmbd(), c.nHead(), c.bias(), c.dropout(), weightInit, residualInit, hooks));
        ln2 = child("ln_2", new LayerNormLayer(c.nEmbd(), c.bias()));
        mlp = child("mlp", new FeedForward(
                c.nEmbd(), c.ffnWidth(), c.bias(), Gelu::tanhApproximation, 0f, weightInit, residualInit,
                hooks.mlpPost()));
    }

    /** Maps the residual stream x (B, T, n) to (B, T, n) under the (T, T) causal mask. */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        hooks.residPre().fire(x);
        NDArray attnOut = attn.apply(ps, ln1.apply(ps, x, training), mask, training);
        hooks.attnOut().fire(attnOut);
        NDArray mid = x.add(dropout(attnOut, dropout, training));
        hooks.residMid().fire(mid);
        NDArray mlpOut = mlp.apply(ps, ln2.apply(ps, mid, training), training);
        hooks.mlpOut().fire(mlpOut);
        NDArray out = mid.add(dropout(mlpOut, dropout, training));
        hooks.residPost().fire(out);
        return out;
    }

    /** Inputs: x (B, T, n) and the (T, T) mask. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
    }

}
