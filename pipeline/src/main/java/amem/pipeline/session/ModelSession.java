package amem.pipeline.session;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import amem.datasets.sampling.Seeds;
import amem.models.LanguageModel;
import amem.models.LanguageModels;
import amem.models.LossPath;
import amem.models.ModelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/**
 * A language model living on one device: the DJL {@link Model} that owns its parameters, the block, and the
 * parameter store the forward pass reads from. Parameters are saved and loaded in DJL's {@code .params} format
 * ({@link Model#save}).
 */
public final class ModelSession implements AutoCloseable {

    /** File name prefix of the parameter file inside a checkpoint ({@code model-0000.params}). */
    public static final String PARAMS_PREFIX = "model";

    private final Model model;
    private final LanguageModel network;
    private final ParameterStore parameterStore;
    private final Device device;
    private LossPath lossPath;

    private ModelSession(Model model, LanguageModel network, Device device) {
        this.model = model;
        this.network = network;
        this.device = device;
        this.parameterStore = new ParameterStore(model.getNDManager(), false);
        this.lossPath = LossPath.automatic(network.config().vocabSize());
    }

    /** Builds the model and initialises its parameters from the engine RNG seeded with {@code seed}. */
    public static ModelSession create(ModelConfig config, Device device, long seed) {
        Model model = Model.newInstance("amem", device, "PyTorch");
        LanguageModel network = LanguageModels.create(config);
        model.setBlock(network);
        Engine.getInstance().setRandomSeed(engineSeed(seed, -1));
        network.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, config.contextLength()));
        return new ModelSession(model, network, device);
    }

    public ModelConfig config() {
        return network.config();
    }

    public LanguageModel network() {
        return network;
    }

    public Device device() {
        return device;
    }

    /** Manager of the long-lived arrays (parameters, optimizer state). */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** Trainable parameters by Hugging Face GPT-2 name. */
    public LinkedHashMap<String, Parameter> parameters() {
        return network.namedParameters();
    }

    /** Logits (B, T, V) for token ids (B, T). */
    public NDArray logits(NDArray tokens, boolean training) {
        return network.logits(parameterStore, tokens, training);
    }

    /**
     * Mean next-token cross-entropy of a batch along {@link #lossPath()} (see {@link LanguageModel#loss}); with
     * {@code training} call it inside the gradient collector and backward the result.
     */
    public NDArray loss(NDArray tokens, NDArray targets, NDArray mask, boolean training) {
        return network.loss(parameterStore, tokens, targets, mask, training, lossPath);
    }

    /** How {@link #loss} computes the cross-entropy; {@link LossPath#automatic} for the vocabulary until set. */
    public LossPath lossPath() {
        return lossPath;
    }

    /** Chooses how {@link #loss} computes the cross-entropy (the value is the same to float rounding). */
    public void setLossPath(LossPath path) {
        this.lossPath = java.util.Objects.requireNonNull(path);
    }

    /** Writes the parameters to {@code dir/model-0000.params}. */
    public void save(Path dir) throws IOException {
        model.setProperty("Epoch", "0");
        model.save(dir, PARAMS_PREFIX);
    }

    /** Replaces the parameters with those saved in {@code dir}. */
    public void load(Path dir) throws IOException {
        // DJL's loader replaces each parameter's array; free the initial ones instead of keeping both.
        java.util.List<NDArray> initial = parameters().values().stream().map(Parameter::getArray).toList();
        try {
            model.load(dir, PARAMS_PREFIX);
        } catch (MalformedModelException e) {
            throw new IOException("model parameters in " + dir + " do not fit this model: " + e.getMessage(), e);
        }
        for (Parameter parameter : parameters().values()) {
            parameter.getArray().setRequiresGradient(true);
        }
        initial.forEach(NDArray::close);
    }

    @Override
    public void close() {
        model.close();
    }

    /**
     * The engine's RNG seed for step {@code step} of a run seeded with {@code seed} ({@code -1}: parameter
     * initialisation). The engine takes an int seed: fold the 64-bit mix of (seed, step) into 32 bits. The training
     * loop reseeds with it before every step, so dropout masks depend on (seed, step) only and a resumed run repeats
     * them exactly.
     */
    public static int engineSeed(long seed, long step) {
        long mixed = Seeds.mix(seed, step);
        return (int) (mixed ^ (mixed >>> 32));
    }
}
