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
 * {@code ln_1}</em>: {@code ln_1(x + attn(x))}; {@code mlp.hook_pre|hook_post} the feed-forward's hidden layer
 * before and after the ReLU (see {@link FeedForward}); {@code hook_mlp_out} the feed-forward output before
 * residual dropout; {@code hook_resid_post} the block output <em>after {@code ln_2}</em>. Zero-ablating {@code
 * hook_mlp_out} therefore gives {@code ln_2(resid_mid)}, not {@code resid_mid}.
 */
public final class VanillaBlock extends NamedBlock {

    private final float dropout;
    private final CausalSelfAttention attn;
    private final LayerNormLayer ln1;
    private final FeedForward mlp;
    private final LayerNormLayer ln2;
    private final HookPoint hookResidPre;
    private final HookPoint hookAttnOut;
    private final HookPoint hookResidMid;
    private final HookPoint hookMlpOut;
    private final HookPoint hookResidPost;

    /**
     * @param c model shape; uses n, heads, ffn width, dropout and bias
     * @param weightInit initialiser of every weight matrix of the block
     * @param hooks where this block registers its hook points, {@code blocks.{l}}
     */
    public VanillaBlock(ModelConfig c, Initializer weightInit, HookPoints.Scope hooks) {
        this.dropout = c.dropout();
        int n = c.nEmbd();
        // Registered in forward order, the children's points in between.
        hookResidPre = hooks.add("hook_resid_pre", HookPoint.Kind.VECTOR, n);
        attn = child("attn", new CausalSelfAttention(
                n, c.nHead(), c.bias(), c.dropout(), weightInit, weightInit, hooks.scope("attn")));
        hookAttnOut = hooks.add("hook_attn_out", HookPoint.Kind.VECTOR, n);
        ln1 = child("ln_1", new LayerNormLayer(n, c.bias()));
        hookResidMid = hooks.add("hook_resid_mid", HookPoint.Kind.VECTOR, n);
        mlp = child("mlp", new FeedForward(
                n, c.ffnWidth(), c.bias(), Activation::relu, c.dropout(), weightInit, weightInit, hooks.scope("mlp")));
        hookMlpOut = hooks.add("hook_mlp_out", HookPoint.Kind.VECTOR, n);
        ln2 = child("ln_2", new LayerNormLayer(n, c.bias()));
        hookResidPost = hooks.add("hook_resid_post", HookPoint.Kind.VECTOR, n);
    }

    /** Maps x (B, T, n) to (B, T, n) under the (T, T) causal mask. */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        x = hookResidPre.fire(x);
        NDArray attnOut = hookAttnOut.fire(attn.apply(ps, x, mask, training));
        NDArray mid = hookResidMid.fire(ln1.apply(ps, x.add(dropout(attnOut, dropout, training)), training));
        NDArray mlpOut = hookMlpOut.fire(mlp.apply(ps, mid, training));
        return hookResidPost.fire(ln2.apply(ps, mid.add(dropout(mlpOut, dropout, training)), training));
    }

    /** Inputs: x (B, T, n) and the (T, T) mask. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
    }

}
