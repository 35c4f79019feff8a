package amem.pipeline.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import amem.models.Architecture;
import amem.models.LanguageModels;
import amem.models.ModelConfig;
import amem.pipeline.run.AtomicFiles;
import amem.pipeline.session.ModelSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hugging Face GPT-2 checkpoints ({@code config.json} + {@code model.safetensors}: gpt2, gpt2-medium, gpt2-large,
 * gpt2-xl, or any GPT-2 of that layout) into amem's GPT-2, and back.
 *
 * <p>The names are the same on both sides (amem names its parameters after Hugging Face's, see {@code
 * LanguageModel.namedParameters}), with three differences handled here:
 *
 * <ul>
 *   <li>Hugging Face's {@code Conv1D} stores the four projection weights ({@code attn.c_attn}, {@code
 *       attn.c_proj}, {@code mlp.c_fc}, {@code mlp.c_proj}) as (in, out); amem's are (out, in) like {@code
 *       torch.nn.Linear}, so they are transposed both ways;
 *   <li>checkpoints saved from {@code GPT2LMHeadModel} may prefix every name with {@code transformer.} and may
 *       carry {@code lm_head.weight}, which is tied to {@code wte} (amem uses {@code wte}; the copy is checked
 *       for shape and otherwise ignored);
 *   <li>older checkpoints carry the attention mask buffers {@code h.N.attn.bias} and {@code
 *       h.N.attn.masked_bias}, which are not parameters and are ignored.
 * </ul>
 *
 * Every tensor is checked against the model's shapes before anything is loaded; problems are reported together,
 * each naming the tensor.
 */
public final class Gpt2Weights {

    public static final String WEIGHTS_FILE = "model.safetensors";

    private static final Pattern CONV1D = Pattern.compile("h\\.\\d+\\.(attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj)\\.weight");
    private static final Pattern BUFFER = Pattern.compile("h\\.\\d+\\.attn\\.(bias|masked_bias)");
    private static final String PREFIX = "transformer.";

    private Gpt2Weights() {}

    /**
     * Builds a GPT-2 from {@code dir/config.json} on {@code device} and loads {@code dir/model.safetensors}. The
     * file is checked against the model's shapes before the model is built. The caller closes the session.
     */
    public static ModelSession load(Path dir, Device device) throws IOException {
        ModelConfig config = HfGpt2Config.read(dir);
        try (SafetensorsFile weights = SafetensorsFile.open(dir.resolve(WEIGHTS_FILE))) {
            Map<String, Shape> expected = new LinkedHashMap<>();
            LanguageModels.create(config).namedParameters().forEach((name, p) -> expected.put(name, p.getShape()));
            Map<String, SafetensorsFile.Entry> matched = match(config, expected, weights);
            ModelSession session = ModelSession.create(config, device, 0);
            try {
                load(session, weights, matched);
                return session;
            } catch (IOException | RuntimeException e) {
                session.close();
                throw e;
            }
        }
    }

    /** Loads a safetensors file into an existing GPT-2 session (its shapes must match). */
    public static void load(ModelSession session, SafetensorsFile weights) throws IOException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        session.parameters().forEach((name, p) -> expected.put(name, p.getArray().getShape()));
        load(session, weights, match(session.config(), expected, weights));
    }

    /**
     * Checks every expected tensor's presence, dtype and shape, and that nothing unexpected is left over.
     *
     * @return tensor entry by parameter name, in the model's parameter order
     */
    static LinkedHashMap<String, SafetensorsFile.Entry> match(ModelConfig config, Map<String, Shape> expected,
            SafetensorsFile weights) {
        if (config.architecture() != Architecture.GPT2) {
            throw new WeightsException("Hugging Face GPT-2 weights load into a gpt2 model, not " + config.architecture().key());
        }
        Map<String, SafetensorsFile.Entry> byName = new LinkedHashMap<>();
        for (SafetensorsFile.Entry entry : weights.entries().values()) {
            String name = entry.name().startsWith(PREFIX) ? entry.name().substring(PREFIX.length()) : entry.name();
            byName.put(name, entry);
        }
        List<String> problems = new ArrayList<>();
        LinkedHashMap<String, SafetensorsFile.Entry> matched = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            String name = e.getKey();
            SafetensorsFile.Entry entry = byName.remove(name);
            boolean conv1d = CONV1D.matcher(name).matches();
            Shape ours = e.getValue();
            Shape theirs = conv1d ? new Shape(ours.get(1), ours.get(0)) : ours;
            String layout = conv1d ? " (in, out), Hugging Face's Conv1D layout" : "";
            if (entry == null) {
                problems.add("missing tensor " + name + " (expected shape " + theirs + layout + ")");
                continue;
            }
            if (!new Shape(entry.shape()).equals(theirs)) {
                problems.add("tensor " + entry.name() + " has shape " + entry.shapeText() + ", expected " + theirs
                        + layout + " for " + describe(config));
                continue;
            }
            if (!List.of("F32", "F16", "BF16").contains(entry.dtype())) {
                problems.add("tensor " + entry.name() + " has dtype " + entry.dtype() + "; F32, F16 or BF16 expected");
                continue;
            }
            matched.put(name, entry);
        }
        SafetensorsFile.Entry head = byName.remove("lm_head.weight");
        if (head != null && !new Shape(head.shape()).equals(expected.get("wte.weight"))) {
            problems.add("tensor " + head.name() + " has shape " + head.shapeText() + ", but it is tied to wte.weight "
                    + expected.get("wte.weight"));
        }
        byName.keySet().removeIf(n -> BUFFER.matcher(n).matches());
        if (!byName.isEmpty()) {
            List<String> extra = new ArrayList<>(byName.keySet());
            problems.add("unexpected tensors " + (extra.size() > 8 ? extra.subList(0, 8) + " and " + (extra.size() - 8)
                    + " more" : extra) + " (not parameters of a GPT-2 of this shape)");
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(weights.file() + " does not fit a GPT-2 of " + describe(config) + ": "
                    + String.join("; ", problems.size() > 10 ? problems.subList(0, 10) : problems)
                    + (problems.size() > 10 ? "; and " + (problems.size() - 10) + " more problems" : ""));
        }
        return matched;
    }

    private static void load(ModelSession session, SafetensorsFile weights, Map<String, SafetensorsFile.Entry> matched)
            throws IOException {
        Map<String, Parameter> parameters = session.parameters();
        for (Map.Entry<String, SafetensorsFile.Entry> step : matched.entrySet()) {
            Parameter parameter = parameters.get(step.getKey());
            SafetensorsFile.Entry entry = step.getValue();
            try (NDManager scope = session.manager().newSubManager()) {
                NDArray value = weights.load(entry, scope);
                if (CONV1D.matcher(strip(entry.name())).matches()) {
                    // (in, out) -> (out, in); flatten() makes the transposed view a contiguous copy.
                    value = value.transpose().flatten().reshape(parameter.getArray().getShape());
                }
                NDArray target = parameter.getArray();
                target.intern(value); // the parameter's array takes over the loaded tensor; its old one is freed
                target.setRequiresGradient(true);
            }
        }
    }

    private static String strip(String name) {
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    /**
     * Writes {@code dir/config.json} and {@code dir/model.safetensors} (float32, Hugging Face names and layouts,
     * {@code lm_head} left to tying) for a GPT-2 session. Refuses to replace an existing {@code model.safetensors}
     * unless {@code overwrite}.
     */
    public static void export(ModelSession session, Path dir, boolean overwrite) throws IOException {
        ModelConfig config = session.config();
        String configJson = HfGpt2Config.toJson(config); // refuses non-GPT-2 and bias-free models
        Path file = dir.resolve(WEIGHTS_FILE);
        if (Files.exists(file) && !overwrite) {
            throw new WeightsException(file + " already exists; choose another directory or allow overwriting");
        }
        Files.createDirectories(dir);
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : session.parameters().entrySet()) {
            String name = e.getKey();
            NDArray array = e.getValue().getArray();
            boolean conv1d = CONV1D.matcher(name).matches();
            Shape shape = array.getShape();
            Shape stored = conv1d ? new Shape(shape.get(1), shape.get(0)) : shape;
            tensors.add(new SafetensorsWriter.Tensor(name, stored, scope -> {
                NDArray view = array.get(scope, new ai.djl.ndarray.index.NDIndex()); // a view owned by the scope
                return conv1d ? view.transpose() : view;
            }));
        }
        SafetensorsWriter.write(file, tensors, Map.of("format", "pt", "producer", "amem"), session.manager());
        AtomicFiles.writeString(dir.resolve(HfGpt2Config.FILE), configJson);
    }

    private static String describe(ModelConfig c) {
        return "n_layer " + c.nLayer() + ", n_head " + c.nHead() + ", n_embd " + c.nEmbd() + ", vocab_size "
                + c.vocabSize() + ", n_positions " + c.contextLength();
    }
}
