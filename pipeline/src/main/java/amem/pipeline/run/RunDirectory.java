package amem.pipeline.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import amem.datasets.Messages;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The layout of {@code runs/<name>/}: {@code config.json} (resolved config, versions, device, seed, commit),
 * {@code metrics.csv}, {@code eval.csv}, {@code checkpoints/}, {@code activations/}, {@code analysis/}, and
 * {@code DONE}, written last, whose presence means the run finished.
 */
public final class RunDirectory {

    public static final String METRICS_HEADER =
            "step,tokens,lr,train_loss,grad_norm,ms_per_step,tokens_per_s,loss_scale";
    public static final String EVAL_HEADER = "step,split,loss,tokens,accuracy";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /**
     * Prepares a directory for a new run. It may not exist yet or be empty; one that already holds a run is
     * refused so that nothing overwrites earlier work.
     */
    public static RunDirectory create(Path root) throws IOException {
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) {
                throw new RunDirectoryException(root + " exists and is not a directory");
            }
            if (Files.exists(root.resolve("config.json"))) {
                throw new RunDirectoryException(root + " already holds a run; continue it with `amem train --resume "
                        + root + "` or choose another --run directory");
            }
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new RunDirectoryException(root + " is not empty and holds no run; choose another --run directory");
                }
            }
        }
        Files.createDirectories(root.resolve("checkpoints"));
        return new RunDirectory(root);
    }

    /** Opens an existing run (one with a config.json). */
    public static RunDirectory open(Path root) {
        if (!Files.isRegularFile(root.resolve("config.json"))) {
            throw new RunDirectoryException(root + " is not a run directory (no config.json)");
        }
        return new RunDirectory(root);
    }

    /** Whether {@code root} holds a run, finished or not. */
    public static boolean holdsRun(Path root) {
        return Files.isRegularFile(root.resolve("config.json"));
    }

    public Path root() {
        return root;
    }

    public Path configFile() {
        return root.resolve("config.json");
    }

    public Path metricsFile() {
        return root.resolve("metrics.csv");
    }

    public Path evalFile() {
        return root.resolve("eval.csv");
    }

    public Path checkpointsDir() {
        return root.resolve("checkpoints");
    }

    public Path doneFile() {
        return root.resolve("DONE");
    }

    public boolean isDone() {
        return Files.exists(doneFile());
    }

    public void writeConfig(JsonObject config) throws IOException {
        AtomicFiles.writeString(configFile(), GSON.toJson(config) + "\n");
    }

    /** The parsed config.json; a damaged one is refused naming the file. */
    public JsonObject readConfig() throws IOException {
        try {
            JsonElement json = JsonParser.parseString(Files.readString(configFile(), StandardCharsets.UTF_8));
            if (!json.isJsonObject()) {
                throw new RunDirectoryException(configFile() + " is damaged: not a JSON object");
            }
            return json.getAsJsonObject();
        } catch (JsonParseException | CharacterCodingException e) {
            throw new RunDirectoryException(configFile() + " is damaged: " + Messages.quoted(String.valueOf(e.getMessage())));
        }
    }

    /** Writes DONE (with a summary) as the very last file of a finished run. */
    public void markDone(JsonObject summary) throws IOException {
        AtomicFiles.writeString(doneFile(), GSON.toJson(summary) + "\n");
    }

    /** Removes DONE, e.g. when a finished run is extended with more steps. */
    public void clearDone() throws IOException {
        Files.deleteIfExists(doneFile());
    }
}
