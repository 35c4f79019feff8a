package amem.pipeline.weights;

import ai.djl.Device;
import amem.models.ModelConfig;
import amem.models.ParameterCount;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.AtomicFiles;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.run.RunDirectory;
import amem.pipeline.run.RunDirectoryException;
import amem.pipeline.session.ModelConfigs;
import amem.pipeline.session.ModelSession;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where a model for analysis comes from: a training run's checkpoint, or a Hugging Face GPT-2 directory. Each
 * loads the model and describes it for manifests (shape, source, weights file and its SHA-256), so an activation
 * dataset says exactly which weights produced it.
 */
public final class ModelSources {

    /** A loaded model and its description; closing it closes the session. */
    public record Loaded(ModelSession session, JsonObject description) implements AutoCloseable {
        @Override
        public void close() {
            session.close();
        }
    }

    private ModelSources() {}

    /** The configuration of a run's model, without loading weights (for listing hook points). */
    public static ModelConfig runConfig(Path runDir) throws IOException {
        JsonObject info = RunDirectory.open(runDir).readConfig();
        RunConfig config = RunConfig.defaults().merge(info.getAsJsonObject("config"));
        return ModelConfigs.from(config, info.getAsJsonObject("data").get("vocab_size").getAsInt());
    }

    /** The data directory a run trained on ({@code data.dir}). */
    public static Path runData(Path runDir) throws IOException {
        JsonObject info = RunDirectory.open(runDir).readConfig();
        return Path.of(info.getAsJsonObject("config").getAsJsonObject("data").get("dir").getAsString());
    }

    /**
     * Loads a run's checkpoint: the newest valid one, or the one of {@code step}.
     *
     * @param step a checkpoint step, or null for the newest
     */
    public static Loaded fromRun(Path runDir, Long step, Device device, Consumer<String> warnings) throws IOException {
        ModelConfig config = runConfig(runDir);
        RunDirectory run = RunDirectory.open(runDir);
        Checkpoints.Checkpoint checkpoint;
        if (step == null) {
            checkpoint = new Checkpoints(run.checkpointsDir(), Integer.MAX_VALUE).latest(warnings)
                    .orElseThrow(() -> new RunDirectoryException(runDir + " has no checkpoint yet"));
        } else {
            Path dir = run.checkpointsDir().resolve(String.format(Locale.ROOT, "step-%09d", step));
            if (!Files.isDirectory(dir)) {
                throw new RunDirectoryException(runDir + " has no checkpoint of step " + step + " (" + dir + ")");
            }
            checkpoint = Checkpoints.verify(dir);
        }
        ModelSession session = ModelSession.create(config, device, 0);
        try {
            session.load(checkpoint.dir());
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
        String paramsFile = ModelSession.PARAMS_PREFIX + "-0000.params";
        JsonObject description = describe(config);
        description.addProperty("source", "run");
        description.addProperty("run", runDir.toAbsolutePath().normalize().toString());
        description.addProperty("checkpoint_step", checkpoint.step());
        description.addProperty("weights_file", checkpoint.file(paramsFile).toAbsolutePath().normalize().toString());
        JsonObject files = checkpoint.state().getAsJsonObject("files");
        description.addProperty("weights_sha256", files != null && files.has(paramsFile)
                ? files.get(paramsFile).getAsString() : AtomicFiles.sha256(checkpoint.file(paramsFile)));
        return new Loaded(session, description);
    }

    /** Loads a Hugging Face GPT-2 directory ({@code config.json} + {@code model.safetensors}). */
    public static Loaded fromWeights(Path dir, Device device) throws IOException {
        ModelSession session = Gpt2Weights.load(dir, device);
        try {
            JsonObject description = describe(session.config());
            Path file = dir.resolve(Gpt2Weights.WEIGHTS_FILE);
            description.addProperty("source", "safetensors");
            description.addProperty("weights_dir", dir.toAbsolutePath().normalize().toString());
            description.addProperty("weights_file", file.toAbsolutePath().normalize().toString());
            description.addProperty("weights_sha256", AtomicFiles.sha256(file));
            return new Loaded(session, description);
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** Architecture, shape and parameter counts of a model, for manifests. */
    public static JsonObject describe(ModelConfig c) {
        JsonObject json = new JsonObject();
        json.addProperty("architecture", c.architecture().key());
        json.addProperty("vocab_size", c.vocabSize());
        json.addProperty("context_length", c.contextLength());
        json.addProperty("n_layer", c.nLayer());
        json.addProperty("n_head", c.nHead());
        json.addProperty("n_embd", c.nEmbd());
        json.addProperty("ffn_width", c.ffnWidth());
        json.addProperty("bias", c.bias());
        ParameterCount count = ParameterCount.of(c);
        json.addProperty("parameters", count.total());
        json.addProperty("non_embedding_parameters", count.nonEmbedding());
        return json;
    }
}
