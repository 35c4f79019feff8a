package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 (docs/THEORY.md §5B): learned token and position embeddings, embedding dropout, L pre-LN {@link
 * GptBlock}s, final LayerNorm {@code ln_f}, and an output layer tied to {@code wte} (logits {@code
 * = ln_f(x) wte^T}, no bias), so {@code wte} gets gradient from both of its uses.
 *
 * <p>Initialisation as GPT-2/nanoGPT: every Linear and embedding weight N(0, 0.02), the two
 * residual output projections ({@code attn.c_proj}, {@code mlp.c_proj}) N(0, 0.02/sqrt(2L)) so the
 * residual stream's variance does not grow with depth, biases 0, LayerNorm weights 1.
 *
 * <p>Hook points as in TransformerLens: {@code hook_embed} the token embeddings {@code wte[tokens]} (B, T, n),
 * {@code hook_pos_embed} the position embeddings {@code wpe[0:T]} broadcast to (B, T, n), the blocks' points
 * (see {@link GptBlock}), and {@code ln_final.hook_normalized}, the output of {@code ln_f} <em>including</em>
 * its gain and bias (B, T, n): the vector the tied unembedding reads. (TransformerLens with its default
 * {@code fold_ln=True} folds the gain and bias into the unembedding and records the plain normalised vector.)
 */
public final class Gpt2Model extends LanguageModel {

    /** Standard deviation of GPT-2's weight initialisation. */
    public static final double INIT_STD = 0.02;

    private final Parameter wte;
    private final Parameter wpe;
    private final List<GptBlock> blocks = new ArrayList<>();
    private final LayerNormLayer lnF;
    private final CausalMask mask;
    private final HookPoint hookEmbed;
    private final HookPoint hookPosEmbed;
    private final HookPoint hookLnFinal;

    public Gpt2Model(ModelConfig c) {
        super(c, Architecture.GPT2);
        Initializer normal = new NormalInitializer((float) INIT_STD);
        Initializer residual = new NormalInitializer((float) (INIT_STD / Math.sqrt(2.0 * c.nLayer())));
        wte = parameter("wte.weight", Parameter.Type.WEIGHT, new Shape(c.vocabSize(), c.nEmbd()), normal);
        wpe = parameter("wpe.weight", Parameter.Type.WEIGHT, new Shape(c.contextLength(), c.nEmbd()), normal);
        hookEmbed = hooks().add("hook_embed", HookPoint.Kind.VECTOR, c.nEmbd());
        hookPosEmbed = hooks().add("hook_pos_embed", HookPoint.Kind.VECTOR, c.nEmbd());
        for (int l = 0; l < c.nLayer(); l++) {
            blocks.add(child("h." + l, new GptBlock(c, normal, residual, hooks().scope("blocks." + l))));
        }
        lnF = child("ln_f", new LayerNormLayer(c.nEmbd(), c.bias()));
        hookLnFinal = hooks().add("ln_final.hook_normalized", HookPoint.Kind.VECTOR, c.nEmbd());
        mask = new CausalMask(c.contextLength());
    }

    @Override
    public OutputLayerInput outputLayerInput(ParameterStore ps, NDArray tokens, boolean training) {
        long t = checkTokens(tokens);
        NDManager step = tokens.getManager();
        NDArray tokenTable = ps.getValue(wte, tokens.getDevice(), training);
        // Slicing a parameter is a view with a dense gradient; the slice goes to the step manager.
        NDArray positions = ps.getValue(wpe, tokens.getDevice(), training).get(step, new NDIndex("0:{}", t));
        NDArray embedded = hookEmbed.fire(
                Embedding.embedding(tokens, tokenTable, SparseFormat.DENSE).singletonOrThrow());
        positions = firePositions(hookPosEmbed, positions, embedded.getShape());
        NDArray x = dropout(embedded.add(positions), config().dropout(), training);
        NDArray causal = mask.get(tokenTable.getManager(), x, t);
        for (GptBlock block : blocks) {
            x = block.apply(ps, x, causal, training);
        }
        NDArray normalized = hookLnFinal.fire(lnF.apply(ps, x, training));
        return new OutputLayerInput(normalized, tokenTable, null); // tied: the output layer is wte
    }
}
