package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A causal language model: token ids (B, T) to next-token logits (B, T, V).
 *
 * <p>Use: {@code Engine.getInstance().setRandomSeed(seed)}, then {@code model.initialize(manager,
 * DataType.FLOAT32, new Shape(1, T))}; every random initialiser draws from the engine's RNG, so the
 * seed makes initialisation reproducible. Create the token array of each step in a per-step
 * sub-manager and close it after the step: every array a forward creates belongs to the tokens'
 * manager. Cached constants (causal mask, sinusoidal table) live with the parameters' manager.
 *
 * <p>Parameters are named as in Hugging Face GPT-2 (see {@link #namedParameters()}); Linear weights
 * are stored (out, in) like {@code torch.nn.Linear}, so HF {@code Conv1D} weights (in, out) must be
 * transposed on import.
 *
 * <p>Hook points ({@link #hooks()}) expose the forward's intermediate values under TransformerLens names, to
 * observe or replace (activation patching, ablation); with nothing attached they cost a null check each. {@link
 * #runWithCache} and {@link #runWithHooks} are TransformerLens' {@code run_with_cache} and {@code run_with_hooks}.
 */
public abstract class LanguageModel extends NamedBlock {

    private final ModelConfig config;
    private final HookPoints hooks;

    protected LanguageModel(ModelConfig config, Architecture expected) {
        if (config.architecture() != expected) {
            throw new IllegalArgumentException("architecture = " + config.architecture().key()
                    + " cannot build a " + expected.key() + " model");
        }
        this.config = config;
        this.hooks = new HookPoints(config.contextLength());
    }

    /** The configuration this model was built from. */
    public ModelConfig config() {
        return config;
    }

    /** This model's hook points, in forward order. */
    public HookPoints hooks() {
        return hooks;
    }

    /**
     * Next-token logits.
     *
     * @param ps parameter store holding this model's parameters
     * @param tokens token ids (B, T), int32 or int64, {@code T ≤ contextLength}; its manager
     *     receives every array the forward creates
     * @param training enables dropout
     * @return logits (B, T, V) in the parameters' data type (float32 normally)
     */
    public final NDArray logits(ParameterStore ps, NDArray tokens, boolean training) {
        return outputLayerInput(ps, tokens, training).logits();
    }

    /**
     * The forward up to the output layer: the final hidden states (B, T, n) and the output layer's weight and
     * bias, for {@link #logits} and {@link #loss}.
     *
     * @param ps parameter store holding this model's parameters
     * @param tokens token ids (B, T) as in {@link #logits}
     * @param training enables dropout
     */
    public abstract OutputLayerInput outputLayerInput(ParameterStore ps, NDArray tokens, boolean training);

    /**
     * Mean next-token cross-entropy of the targets ({@link LmLoss#crossEntropy} of the {@link #logits}).
     *
     * @param targets (B, T) token ids
     * @param mask (B, T) position weights, or null for all positions
     * @param training enables dropout and, on the fused path, the gradient work (call it inside the gradient
     *     collector and backward the result)
     * @param path {@link LossPath#UNFUSED} (logits, then {@link LmLoss}) or fused ({@link FusedLmLoss}, which
     *     never builds the (B, T, V) logits); both give the same value and gradients to float rounding
     */
    public NDArray loss(ParameterStore ps, NDArray tokens, NDArray targets, NDArray mask, boolean training,
            LossPath path) {
        OutputLayerInput in = outputLayerInput(ps, tokens, training);
        if (!path.fused()) {
            return LmLoss.crossEntropy(in.logits(), targets, mask);
        }
        return FusedLmLoss.crossEntropy(in, targets, mask, path.rowsPerChunk(config.vocabSize(), tokens.getDevice().isGpu()),
                training);
    }

    /**
     * One evaluation forward that also returns the activations at the hook points {@code namesOrGlobs} select
     * (names or globs, see {@link HookPoints#select}): TransformerLens' {@code run_with_cache}. See {@link
     * ActivationCache} for who owns the arrays. Hooks attached before the call stay in effect and run before
     * the cache sees a value, so a patched run can be cached too.
     *
     * @throws IllegalArgumentException naming a glob that matches no hook point
     */
    public final ActivationCache runWithCache(ParameterStore ps, NDArray tokens, List<String> namesOrGlobs) {
        return ActivationCache.record(this, ps, tokens, namesOrGlobs);
    }

    /**
     * One evaluation forward with {@code hooks} (key: names or globs, value: what to do there) attached for this
     * call only: TransformerLens' {@code run_with_hooks}. Hooks run in the map's order after any attached before.
     *
     * @return the logits (B, T, V), in the tokens' manager
     * @throws IllegalArgumentException naming a glob that matches no hook point (before anything runs)
     */
    public final NDArray runWithHooks(ParameterStore ps, NDArray tokens, Map<String, HookFunction> hooks) {
        try (HookPoints.Attachment a = this.hooks.addHooks(hooks)) {
            return logits(ps, tokens, false);
        }
    }

    /** Delegates to {@link #logits}: input the tokens (B, T), output the logits (B, T, V). */
    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, inputs.head(), training));
    }

    /**
     * Every trainable parameter exactly once, in a stable order, keyed by its Hugging Face GPT-2
     * name: {@code wte.weight}, {@code wpe.weight}, {@code h.{l}.ln_1.weight|bias}, {@code
     * h.{l}.attn.c_attn.weight|bias}, {@code h.{l}.attn.c_proj.weight|bias}, {@code
     * h.{l}.ln_2.weight|bias}, {@code h.{l}.mlp.c_fc.weight|bias}, {@code
     * h.{l}.mlp.c_proj.weight|bias}, {@code ln_f.weight|bias}; the vanilla model has no {@code wpe}
     * and {@code ln_f} but an untied {@code lm_head.weight|bias}. Biases are absent when the config
     * turns them off. GPT-2's output layer is {@code wte} itself (tied) and has no entry.
     */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config.vocabSize())};
    }

    /** Blocks see the residual stream (B, T, n). */
    @Override
    protected Shape[] childInputShapes(Shape[] inputShapes) {
        Shape tokens = inputShapes[0];
        return new Shape[] {new Shape(tokens.get(0), tokens.get(1), config.nEmbd())};
    }

    /**
     * Fires {@code hook_pos_embed} with the (T, n) positions broadcast to the stream's (B, T, n), an engine op
     * done only when a hook is attached, and returns what the forward adds to the token embeddings: the (T, n)
     * positions themselves unless a hook replaced them.
     */
    protected static NDArray firePositions(HookPoint point, NDArray positions, Shape streamShape) {
        if (!point.active()) {
            return positions;
        }
        NDArray seen = positions.broadcast(streamShape);
        NDArray result = point.fire(seen);
        return result == seen ? positions : result;
    }

    /**
     * Checks the token array's rank, type and length (shape checks are free; values are checked
     * by the engine's embedding lookup).
     *
     * @return the sequence length T
     */
    protected final long checkTokens(NDArray tokens) {
        Shape s = tokens.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("tokens must have shape (batch, time), got " + s);
        }
        DataType type = tokens.getDataType();
        if (type != DataType.INT32 && type != DataType.INT64) {
            throw new IllegalArgumentException("tokens must be int32 or int64, got " + type);
        }
        long t = s.get(1);
        if (t < 1 || t > config.contextLength()) {
            throw new IllegalArgumentException("sequence length " + t + " must be in [1, context_length = "
                    + config.contextLength() + "]");
        }
        return t;
    }
}
