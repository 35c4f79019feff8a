package amem.pipeline.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import amem.models.ModelConfig;
import amem.models.ParameterCount;
import amem.pipeline.config.RunConfig;
import amem.datasets.store.TokenStore;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** Builds the content of a run's {@code config.json}: resolved config, model size, data, device, versions. */
final class RunInfo {

    private RunInfo() {}

    static JsonObject describe(RunConfig config, ModelConfig model, TokenStore store, Device device) {
        JsonObject info = new JsonObject();
        info.add("config", config.toJson());
        ParameterCount count = ParameterCount.of(model);
        JsonObject parameters = new JsonObject();
        parameters.addProperty("total", count.total());
        parameters.addProperty("non_embedding", count.nonEmbedding());
        info.add("parameters", parameters);
        JsonObject data = new JsonObject();
        data.addProperty("dir", store.dir().toString());
        data.addProperty("tokenizer", store.meta().tokenizer());
        data.addProperty("vocab_size", store.vocabSize());
        for (String split : store.splitNames()) {
            data.addProperty(split + "_tokens", store.split(split).tokens());
        }
        info.add("data", data);
        info.addProperty("device", device.toString());
        JsonObject versions = new JsonObject();
        versions.addProperty("amem", RunInfo.class.getPackage().getImplementationVersion() == null
                ? "dev" : RunInfo.class.getPackage().getImplementationVersion());
        versions.addProperty("djl", Engine.getDjlVersion());
        versions.addProperty("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        versions.addProperty("java", System.getProperty("java.version"));
        versions.addProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        versions.addProperty("mkl_dispatch", MklDispatch.describe());
        info.add("versions", versions);
        info.addProperty("seed", config.getLong("train.seed"));
        info.addProperty("git_commit", gitCommit());
        info.addProperty("created", Instant.now().toString());
        return info;
    }

    /** The commit of the working directory's git checkout, or "unknown" outside one. */
    static String gitCommit() {
        try {
            Process process = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "unknown";
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
