package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * GPT-2's forward written out op by op from a model's parameters (one-hot embedding, LayerNorm from mean and
 * variance, attention head by head in plain matmuls, the tanh GELU formula), independent of the model classes,
 * for tests of what a hook intervention must produce. At each TransformerLens point the hand forward passes its
 * value through {@code edit}, so a test states the expected intervention in host code.
 */
final class Gpt2ByHand {

    /** The logits and every value the hand forward reached, by hook name (after {@code edit}). */
    record Run(NDArray logits, Map<String, NDArray> values) {}

    private final Map<String, NDArray> p = new LinkedHashMap<>();
    private final ModelConfig c;

    Gpt2ByHand(LanguageModel model) {
        this.c = model.config();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            p.put(e.getKey(), e.getValue().getArray());
        }
    }

    /** Leaves every value as it is. */
    static NDArray unchanged(String name, NDArray value) {
        return value;
    }

    Run forward(NDManager m, int[][] ids, BiFunction<String, NDArray, NDArray> edit) {
        Map<String, NDArray> seen = new LinkedHashMap<>();
        BiFunction<String, NDArray, NDArray> at = (name, value) -> {
            NDArray out = edit.apply(name, value);
            seen.put(name, out);
            return out;
        };
        int b = ids.length;
        int t = ids[0].length;
        int n = c.nEmbd();
        int heads = c.nHead();
        int d = n / heads;
        NDArray wte = p.get("wte.weight");
        NDArray x = at.apply("hook_embed", m.create(ids).oneHot(c.vocabSize()).matMul(wte));
        NDArray positions = at.apply("hook_pos_embed",
                p.get("wpe.weight").get(new NDIndex("0:{}", t)).broadcast(new Shape(b, t, n)));
        x = x.add(positions);
        float[] blocked = new float[t * t];
        for (int i = 0; i < blocked.length; i++) {
            blocked[i] = i % t > i / t ? Float.NEGATIVE_INFINITY : 0f;
        }
        NDArray causal = m.create(blocked, new Shape(t, t));
        for (int l = 0; l < c.nLayer(); l++) {
            String h = "h." + l + ".";
            String hook = "blocks." + l + ".";
            x = at.apply(hook + "hook_resid_pre", x);
            NDArray qkv = linear(layerNorm(x, h + "ln_1"), h + "attn.c_attn");
            NDArray[] byHead = new NDArray[3];
            String[] names = {"attn.hook_q", "attn.hook_k", "attn.hook_v"};
            for (int i = 0; i < 3; i++) {
                NDArray part = qkv.get(new NDIndex(":, :, {}:{}", i * n, (i + 1) * n)).reshape(b, t, heads, d);
                byHead[i] = at.apply(hook + names[i], part).transpose(0, 2, 1, 3); // (B, H, T, d)
            }
            NDArray scores = byHead[0].matMul(byHead[1].transpose(0, 1, 3, 2)).div(Math.sqrt(d)).add(causal);
            NDArray pattern = at.apply(hook + "attn.hook_pattern", scores.softmax(-1));
            NDArray z = at.apply(hook + "attn.hook_z", pattern.matMul(byHead[2]).transpose(0, 2, 1, 3));
            NDArray attnOut = at.apply(hook + "hook_attn_out", linear(z.reshape(b, t, n), h + "attn.c_proj"));
            x = at.apply(hook + "hook_resid_mid", x.add(attnOut));
            NDArray pre = at.apply(hook + "mlp.hook_pre", linear(layerNorm(x, h + "ln_2"), h + "mlp.c_fc"));
            NDArray post = at.apply(hook + "mlp.hook_post", gelu(pre));
            NDArray mlpOut = at.apply(hook + "hook_mlp_out", linear(post, h + "mlp.c_proj"));
            x = at.apply(hook + "hook_resid_post", x.add(mlpOut));
        }
        NDArray normalized = at.apply("ln_final.hook_normalized", layerNorm(x, "ln_f"));
        return new Run(normalized.matMul(wte.transpose()), seen);
    }

    private NDArray layerNorm(NDArray x, String name) {
        NDArray centred = x.sub(x.mean(new int[] {-1}, true));
        NDArray variance = centred.square().mean(new int[] {-1}, true);
        return centred.div(variance.add(1e-5).sqrt()).mul(p.get(name + ".weight")).add(p.get(name + ".bias"));
    }

    private NDArray linear(NDArray x, String name) {
        return x.matMul(p.get(name + ".weight").transpose()).add(p.get(name + ".bias"));
    }

    private static NDArray gelu(NDArray x) {
        NDArray inner = x.add(x.pow(3).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
        return x.mul(0.5).mul(inner.tanh().add(1));
    }
}
