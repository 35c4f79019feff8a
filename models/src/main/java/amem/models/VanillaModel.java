package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * The vanilla decoder-only transformer of docs/THEORY.md §5C: token embedding scaled by sqrt(n) plus
 * fixed sinusoidal positions, dropout, L post-LN {@link VanillaBlock}s, and an untied output
 * projection {@code lm_head} (n → V, with bias). No final LayerNorm: each post-LN block already
 * ends with one.
 *
 * <p>Initialisation follows {@code torch.nn.Transformer}, which applies {@code xavier_uniform_}
 * (bound {@code sqrt(6 / (fan_in + fan_out))}) to every weight matrix: here {@code c_attn} as one
 * 3n × n matrix (like {@code MultiheadAttention.in_proj_weight}), {@code c_proj}, {@code c_fc},
 * {@code mlp.c_proj} and {@code lm_head}; biases 0, LayerNorm weights 1. The token embedding is
 * N(0, 1/sqrt(n)), so that after the sqrt(n) scaling its entries have unit variance, the scale of
 * the sinusoids (the Vaswani et al./fairseq convention).
 *
 * <p>Hook points: {@code hook_embed} the <em>scaled</em> token embeddings {@code sqrt(n) wte[tokens]} (what is
 * added to the positions), {@code hook_pos_embed} the sinusoids broadcast to (B, T, n), the blocks' points
 * (see {@link VanillaBlock} for the post-LN meanings), and {@code ln_final.hook_normalized}. This model has no
 * final LayerNorm, but its last block ends with {@code ln_2}, so the last block's output is already the
 * normalised vector the output layer reads: {@code ln_final.hook_normalized} fires with exactly that array (the
 * same values as {@code blocks.{L-1}.hook_resid_post}), so analyses of "the layer feeding the head" work on
 * both architectures.
 */
public final class VanillaModel extends LanguageModel {

    /** {@code torch.nn.init.xavier_uniform_} with gain 1: DJL's bound is sqrt(magnitude / avg fan). */
    static final Initializer XAVIER_UNIFORM =
            new XavierInitializer(XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3f);

    private final Parameter wte;
    private final float embeddingScale;
    private final List<VanillaBlock> blocks = new ArrayList<>();
    private final LinearLayer lmHead;
    private final SinusoidalPositions positions;
    private final CausalMask mask;
    private final HookPoint hookEmbed;
    private final HookPoint hookPosEmbed;
    private final HookPoint hookLnFinal;

    public VanillaModel(ModelConfig c) {
        super(c, Architecture.VANILLA);
        embeddingScale = (float) Math.sqrt(c.nEmbd());
        wte = parameter("wte.weight", Parameter.Type.WEIGHT, new Shape(c.vocabSize(), c.nEmbd()),
                new NormalInitializer(1f / embeddingScale));
        hookEmbed = hooks().add("hook_embed", HookPoint.Kind.VECTOR, c.nEmbd());
        hookPosEmbed = hooks().add("hook_pos_embed", HookPoint.Kind.VECTOR, c.nEmbd());
        for (int l = 0; l < c.nLayer(); l++) {
            blocks.add(child("h." + l, new VanillaBlock(c, XAVIER_UNIFORM, hooks().scope("blocks." + l))));
        }
        hookLnFinal = hooks().add("ln_final.hook_normalized", HookPoint.Kind.VECTOR, c.nEmbd());
        lmHead = child("lm_head", new LinearLayer(c.nEmbd(), c.vocabSize(), c.bias(), XAVIER_UNIFORM));
        positions = new SinusoidalPositions(c.contextLength(), c.nEmbd());
        mask = new CausalMask(c.contextLength());
    }

    @Override
    public OutputLayerInput outputLayerInput(ParameterStore ps, NDArray tokens, boolean training) {
        long t = checkTokens(tokens);
        NDArray tokenTable = ps.getValue(wte, tokens.getDevice(), training);
        NDManager owner = tokenTable.getManager();
        NDArray embedded = hookEmbed.fire(Scalars.mul(
                Embedding.embedding(tokens, tokenTable, SparseFormat.DENSE).singletonOrThrow(), embeddingScale));
        NDArray sinusoids = firePositions(hookPosEmbed, positions.get(owner, embedded, t), embedded.getShape());
        NDArray x = dropout(embedded.add(sinusoids), config().dropout(), training);
        NDArray causal = mask.get(owner, x, t);
        for (VanillaBlock block : blocks) {
            x = block.apply(ps, x, causal, training);
        }
        return lmHead.input(ps, hookLnFinal.fire(x), training);
    }
}
