package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Multi-head causal self-attention with a fused QKV projection: {@code c_attn} (3n × n) produces
 * queries, keys and values in one matmul, heads are split by reshaping, scores {@code q k^T /
 * sqrt(d)} plus the additive causal mask go through a softmax (the Hopfield retrieval step of
 * docs/THEORY.md §1), attention dropout, then heads are merged and projected by {@code c_proj} (n × n).
 *
 * <p>Everything is batched over (B, heads) in 4-D matmuls: about a dozen engine calls per layer
 * whatever B, T and the head count. The rows of {@code c_attn.weight} are [q | k | v], each split
 * into heads of {@code d = n / heads} consecutive rows, the layout of Hugging Face GPT-2.
 * Residual dropout is left to the enclosing block.
 *
 * <p>Hook points: {@code hook_q|k|v} are the per-head projections (B, T, H, d) before the 1/sqrt(d) scaling
 * (TransformerLens' convention); {@code hook_pattern} is the softmax (B, H, T, T) before attention dropout.
 */
public final class CausalSelfAttention extends NamedBlock {

    private final int width;
    private final int heads;
    private final int headDim;
    private final float attentionDropout;
    private final LinearLayer qkv;
    private final LinearLayer proj;
    private final HookPoint hookQ;
    private final HookPoint hookK;
    private final HookPoint hookV;
    private final HookPoint hookPattern;

    /**
     * @param width residual width n
     * @param heads number of heads; divides n
     * @param bias whether the projections carry biases
     * @param attentionDropout dropout on the attention probabilities
     * @param qkvInit initialiser of {@code c_attn.weight}
     * @param projInit initialiser of {@code c_proj.weight}
     * @param hooks the block's hook points; this layer fires q, k, v and pattern
     */
    public CausalSelfAttention(int width, int heads, boolean bias, float attentionDropout, Initializer qkvInit,
            Initializer projInit, BlockHooks hooks) {
        this.width = width;
        this.heads = heads;
        this.headDim = width / heads;
        this.attentionDropout = attentionDropout;
        qkv = child("c_attn", new LinearLayer(width, 3 * width, bias, qkvInit));
        proj = child("c_proj", new LinearLayer(width, width, bias, projInit));
        hookQ = hooks.q();
        hookK = hooks.k();
        hookV = hooks.v();
        hookPattern = hooks.pattern();
    }

    /**
     * @param x residual input (B, T, n)
     * @param mask additive causal mask (T, T) from {@link CausalMask}
     * @return (B, T, n), in {@code x}'s manager
     */
    public NDArray apply(ParameterStore ps, NDArray x, NDArray mask, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        NDArray qkvHeads = qkv.apply(ps, x, training)
                .reshape(b, t, 3, heads, headDim)
                .transpose(2, 0, 3, 1, 4); // (3, B, H, T, d)
        NDArray query = qkvHeads.get(0);
        NDArray k = qkvHeads.get(1);
        NDArray v = qkvHeads.get(2);
        // (B, H, T, d) -> TransformerLens' (B, T, H, d), computed only for a listener.
        if (hookQ.active()) {
            hookQ.fire(query.transpose(0, 2, 1, 3));
        }
        if (hookK.active()) {
            hookK.fire(k.transpose(0, 2, 1, 3));
        }
        if (hookV.active()) {
            hookV.fire(v.transpose(0, 2, 1, 3));
        }
        // Scaling q (B,H,T,d) rather than the scores (B,H,T,T) is cheaper for T > d.
        NDArray q = Scalars.mul(query, 1.0 / Math.sqrt(headDim));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(mask); // (B, H, T, T)
        NDArray probabilities = scores.softmax(-1);
        hookPattern.fire(probabilities);
        NDArray pattern = dropout(probabilities, attentionDropout, training);
        NDArray merged = pattern.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, width);
        return proj.apply(ps, merged, training);
    }

    /** Inputs: x (B, T, n) and the (T, T) mask. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
    }

}
