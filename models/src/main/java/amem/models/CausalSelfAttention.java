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
 * <p>Hook points, registered under {@code blocks.{l}.attn.}: {@code hook_q|k|v} are the per-head projections
 * (B, T, H, d) before the 1/sqrt(d) scaling (TransformerLens' convention); {@code hook_pattern} is the softmax (B,
 * H, T, T) before attention dropout; {@code hook_z} is each head's pattern-weighted sum of values (B, T, H, d),
 * the per-head output before {@code c_proj} mixes the heads, where TransformerLens patches or ablates one head.
 * A replacement at q, k or v (TransformerLens' layout) is transposed back to the heads-first layout this layer
 * computes in; nothing is transposed when the hooks only observe.
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
    private final HookPoint hookZ;

    /**
     * @param width residual width n
     * @param heads number of heads; divides n
     * @param bias whether the projections carry biases
     * @param attentionDropout dropout on the attention probabilities
     * @param qkvInit initialiser of {@code c_attn.weight}
     * @param projInit initialiser of {@code c_proj.weight}
     * @param hooks where this layer registers its hook points, {@code blocks.{l}.attn}
     */
    public CausalSelfAttention(int width, int heads, boolean bias, float attentionDropout, Initializer qkvInit,
            Initializer projInit, HookPoints.Scope hooks) {
        this.width = width;
        this.heads = heads;
        this.headDim = width / heads;
        this.attentionDropout = attentionDropout;
        qkv = child("c_attn", new LinearLayer(width, 3 * width, bias, qkvInit));
        proj = child("c_proj", new LinearLayer(width, width, bias, projInit));
        hookQ = hooks.add("hook_q", HookPoint.Kind.HEADS, width);
        hookK = hooks.add("hook_k", HookPoint.Kind.HEADS, width);
        hookV = hooks.add("hook_v", HookPoint.Kind.HEADS, width);
        hookPattern = hooks.add("hook_pattern", HookPoint.Kind.PATTERN, heads * hooks.contextLength());
        hookZ = hooks.add("hook_z", HookPoint.Kind.HEADS, width);
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
        NDArray query = byHead(hookQ, qkvHeads.get(0));
        NDArray k = byHead(hookK, qkvHeads.get(1));
        NDArray v = byHead(hookV, qkvHeads.get(2));
        // Scaling q (B,H,T,d) rather than the scores (B,H,T,T) is cheaper for T > d.
        NDArray q = Scalars.mul(query, 1.0 / Math.sqrt(headDim));
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(mask); // (B, H, T, T)
        NDArray pattern = dropout(hookPattern.fire(scores.softmax(-1)), attentionDropout, training);
        NDArray z = hookZ.fire(pattern.matMul(v).transpose(0, 2, 1, 3)); // (B, T, H, d)
        return proj.apply(ps, z.reshape(b, t, width), training);
    }

    /**
     * Fires {@code point} with a (B, H, T, d) value in TransformerLens' (B, T, H, d) layout, transposing only when
     * a hook is attached and back only when it returned a replacement.
     */
    private static NDArray byHead(HookPoint point, NDArray headsFirst) {
        if (!point.active()) {
            return headsFirst;
        }
        NDArray seen = headsFirst.transpose(0, 2, 1, 3);
        NDArray result = point.fire(seen);
        return result == seen ? headsFirst : result.transpose(0, 2, 1, 3);
    }

    /** Inputs: x (B, T, n) and the (T, T) mask. */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.get(0), inputs.get(1), training));
    }

}
