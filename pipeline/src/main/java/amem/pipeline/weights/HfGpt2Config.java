package amem.pipeline.weights;

import amem.datasets.JsonErrors;
import amem.models.Architecture;
import amem.models.ModelConfig;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A Hugging Face GPT-2 {@code config.json} ⇄ {@link ModelConfig}. Reading refuses configs that describe a
 * network amem's GPT-2 would not reproduce (another activation, LayerNorm epsilon or attention scaling), naming
 * the field.
 */
public final class HfGpt2Config {

    public static final String FILE = "config.json";

    /** Activation names of the tanh-approximated GELU that {@code amem.models.Gelu} implements. */
    private static final Set<String> TANH_GELU = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast");

    private HfGpt2Config() {}

    /** Reads {@code dir/config.json}. */
    public static ModelConfig read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new WeightsException(file + " does not exist: a Hugging Face GPT-2 directory holds config.json "
                    + "and model.safetensors");
        }
        JsonObject json;
        try {
            JsonElement parsed = JsonParser.parseString(text);
            if (!parsed.isJsonObject()) {
                throw new WeightsException(file + " is not a JSON object");
            }
            json = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new WeightsException(file + " is not valid JSON: " + JsonErrors.describe(e));
        }
        if (json.has("config") && json.get("config").isJsonObject() && Files.isDirectory(dir.resolve("checkpoints"))) {
            // an amem run's config.json, not Hugging Face's: say what the directory is and how to get weights from it
            throw new WeightsException(dir + " is an amem run directory, not a Hugging Face GPT-2 directory; use"
                    + " `amem collect --run " + dir + "` directly, or export it first: amem weights export --run " + dir
                    + " --out DIR");
        }
        return parse(json, file.toString());
    }

    /** Parses a config object; {@code origin} names it in messages. */
    static ModelConfig parse(JsonObject json, String origin) {
        String type = optionalString(json, "model_type");
        if (type != null && !type.equals("gpt2")) {
            throw new WeightsException(origin + ": model_type is \"" + type + "\"; amem imports GPT-2 (\"gpt2\") only");
        }
        String activation = optionalString(json, "activation_function");
        if (activation != null && !TANH_GELU.contains(activation)) {
            throw new WeightsException(origin + ": activation_function \"" + activation + "\" is not GPT-2's "
                    + "tanh GELU (gelu_new)");
        }
        if (json.has("layer_norm_epsilon") && Math.abs(json.get("layer_norm_epsilon").getAsDouble() - 1e-5) > 1e-12) {
            throw new WeightsException(origin + ": layer_norm_epsilon " + json.get("layer_norm_epsilon")
                    + " differs from GPT-2's 1e-5, which amem's LayerNorm uses");
        }
        for (String flag : new String[] {"scale_attn_by_inverse_layer_idx", "add_cross_attention"}) {
            if (json.has(flag) && !json.get(flag).isJsonNull() && json.get(flag).getAsBoolean()) {
                throw new WeightsException(origin + ": " + flag + " = true is not supported");
            }
        }
        if (json.has("tie_word_embeddings") && !json.get("tie_word_embeddings").isJsonNull()
                && !json.get("tie_word_embeddings").getAsBoolean()) {
            throw new WeightsException(origin + ": tie_word_embeddings = false: this checkpoint has its own output head"
                    + " (lm_head), but amem's GPT-2 ties the head to wte and would silently use another model; untied"
                    + " checkpoints are not supported");
        }
        if (json.has("scale_attn_weights") && !json.get("scale_attn_weights").getAsBoolean()) {
            throw new WeightsException(origin + ": scale_attn_weights = false is not supported");
        }
        int vocab = requiredInt(json, origin, "vocab_size");
        int context = json.has("n_positions") ? requiredInt(json, origin, "n_positions") : requiredInt(json, origin, "n_ctx");
        int layers = requiredInt(json, origin, "n_layer");
        int heads = requiredInt(json, origin, "n_head");
        int width = requiredInt(json, origin, "n_embd");
        int inner = json.has("n_inner") && !json.get("n_inner").isJsonNull() ? requiredInt(json, origin, "n_inner") : 4 * width;
        try {
            return new ModelConfig(Architecture.GPT2, vocab, context, layers, heads, width, inner, 0f, true);
        } catch (IllegalArgumentException e) {
            throw new WeightsException(origin + ": " + e.getMessage());
        }
    }

    /** The {@code config.json} Hugging Face's {@code GPT2LMHeadModel} loads for {@code c}. */
    public static String toJson(ModelConfig c) {
        if (c.architecture() != Architecture.GPT2) {
            throw new WeightsException("only GPT-2 models export to the Hugging Face format; this is "
                    + c.architecture().key());
        }
        if (!c.bias()) {
            throw new WeightsException("Hugging Face GPT-2 always has biases; a model with model.bias = false cannot "
                    + "be exported to it");
        }
        JsonObject json = new JsonObject();
        com.google.gson.JsonArray architectures = new com.google.gson.JsonArray();
        architectures.add("GPT2LMHeadModel");
        json.add("architectures", architectures);
        json.addProperty("model_type", "gpt2");
        json.addProperty("vocab_size", c.vocabSize());
        json.addProperty("n_positions", c.contextLength());
        json.addProperty("n_ctx", c.contextLength());
        json.addProperty("n_embd", c.nEmbd());
        json.addProperty("n_layer", c.nLayer());
        json.addProperty("n_head", c.nHead());
        if (c.ffnWidth() != 4 * c.nEmbd()) {
            json.addProperty("n_inner", c.ffnWidth());
        }
        json.addProperty("activation_function", "gelu_new");
        json.addProperty("layer_norm_epsilon", 1e-5);
        json.addProperty("resid_pdrop", c.dropout());
        json.addProperty("embd_pdrop", c.dropout());
        json.addProperty("attn_pdrop", c.dropout());
        json.addProperty("initializer_range", 0.02);
        json.addProperty("scale_attn_weights", true);
        json.addProperty("tie_word_embeddings", true);
        json.addProperty("torch_dtype", "float32");
        return new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n";
    }

    private static String optionalString(JsonObject json, String field) {
        return json.has(field) && !json.get(field).isJsonNull() ? json.get(field).getAsString() : null;
    }

    private static int requiredInt(JsonObject json, String origin, String field) {
        JsonElement value = json.get(field);
        if (value == null || value.isJsonNull()) {
            throw new WeightsException(origin + ": missing field " + field);
        }
        try {
            return value.getAsInt();
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new WeightsException(origin + ": field " + field + " must be a whole number, got " + value);
        }
    }
}
