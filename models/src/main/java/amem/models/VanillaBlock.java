package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The post-LayerNorm block of the vanilla transformer (docs/THEORY.md §5C; the layout of {@code
 * torch.nn.TransformerEncoderLayer} with {@code norm_first=False}): {@code x = ln_1(x +
 * drop(attn(x)))}, then {@code x = ln_2(x + drop(ffn(x)))} with a ReLU feed-forward network. Every
 * block ends normalised, so the model needs no final LayerNorm.
 *
 * <p>Names follow GPT-2's where the parts correspond: {@code attn.c_attn}, {@code attn.c_proj},
 * {@code ln_1} (after attention), {@code mlp.c_fc}, {@code mlp.c_proj}, {@code ln_2}.
 *
 * <p>Hook points, where post-LN differs from TransformerLens' pre-LN reading: {@code hook_resid_pre} the block
 * input x (the previous block's normalised output); {@code hook_attn_out} the attention output before residual
 * dropout; {@code hook_resid_mid} the stream between the two sub-layers, which in a post-LN block is <em>after
 * {@code ln_1}</em>: {@code ln_1(x + attn(x))}; {@code mlp.hook_post} the ReLU output (B, T, ffn_width) before
 * inner dropout; {@code hook_mlp_out} the feed-forward output before residual dropout; {@code hook_resid_post}
 * the block output <em>after {@code ln_2}</em>.
 */
public final class VanillaBlock extends NamedBlock {

    private final float dropout;
    private final CausalSelfAttention attn;
    private final LayerNormLayer ln1;
    private final FeedForward mlp;
    private final LayerNormLayer ln2;
    private final BlockHooks hooks;

    /**
     * @param c model shape; uses n, heads, ffn width, dropout and bias
     * @param weightInit initialiser of every weight matrix of the block
     * @param hooks this block's hook points
     */
    public VanillaBlock(ModelConfig c, Initializer weightInit, BlockHooks hooks) {
        this.dropout = c.dropout();
        this.hooks = hooks;
        attn = child("attn", new CausalSelfAttention(
                c.nEmbd(), c.nHead(), c.bias(), c.dropout(), weightInit, weightInit, hooks));
        ln1 = child("ln_1", new LayerNormLayer(c.nEmbd(), c.bias()));
        mlp = child("mlp", new FeedForward(
                c.nEmbd(), c.ffnWidth(), c.bias(), Activation::relu, c.dropout(), weightInit, weightInit,
                hooks.mlpPost()));
        ln2 = child("ln_2", new LayerNormLayer(c.nEmbd(), c.bias()));
    }

    /** Maps x (B, T, n) to (B, T, n) under the (T, T) causal mask. */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        hooks.residPre().fire(x);
        NDArray attnOut = attn.apply(ps, x, mask, training);
        hooks.attnOut().fire(attnOut);
        NDArray mid = ln1.apply(ps, x.add(dropout(attnOut, dropout, training)), training);
        hooks.residMid().fire(mid);
        NDArray mlpOut = mlp.apply(ps, mid, training);
        hooks.mlpOut().fire(mlpOut);
        NDArray out = ln2.apply(ps, mid.add(dropout(mlpOut, dropout, training)), training);
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
