package amem.pipeline.analysis;

import amem.pipeline.run.RunDirectory;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Read access to a run directory for analysis and reports (layout in runs/README.md): its name, parsed
 * {@code config.json}, CSV logs, {@code analysis/} and {@code activations/}, and the token store it trained on.
 */
public final class RunFiles {

    private final RunDirectory run;
    private final JsonObject config;

    private RunFiles(RunDirectory run, JsonObject config) {
        this.run = run;
        this.config = config;
    }

    /** Opens {@code dir}; a directory without {@code config.json} is refused (a wrong request). */
    public static RunFiles open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run directory " + dir + ": no such directory");
        }
        RunDirectory run = RunDirectory.open(dir);
        try {
            return new RunFiles(run, run.readConfig());
        } catch (JsonParseException | IllegalStateException e) {
            throw new AnalysisInputException(run.configFile() + ": not a JSON object (" + amem.datasets.JsonErrors.describe(e) + ")");
        }
    }

    public Path root() {
        return run.root();
    }

    /** The run's name: its directory name. */
    public String name() {
        Path name = run.root().toAbsolutePath().normalize().getFileName();
        return name == null ? run.root().toString() : name.toString();
    }

    public JsonObject config() {
        return config;
    }

    public Path metricsFile() {
        return run.metricsFile();
    }

    public Path evalFile() {
        return run.evalFile();
    }

    public Path analysisDir() {
        return run.root().resolve("analysis");
    }

    public boolean isDone() {
        return run.isDone();
    }

    /** A value of config.json by dotted path ({@code config.model.n_layer}), if present and not null. */
    public Optional<JsonElement> get(String dottedPath) {
        JsonElement at = config;
        for (String part : dottedPath.split("\\.")) {
            if (at == null || !at.isJsonObject() || !at.getAsJsonObject().has(part)) {
                return Optional.empty();
            }
            at = at.getAsJsonObject().get(part);
        }
        return at == null || at.isJsonNull() ? Optional.empty() : Optional.of(at);
    }

    /**
     * The token store's {@code meta.json}: {@code data.dir} of config.json taken as it is (absolute, or relative
     * to the working directory, as training resolved it), else relative to the run's parent directories.
     */
    public Optional<Path> storeMeta() {
        Optional<JsonElement> dir = get("data.dir").or(() -> get("config.data.dir"));
        if (dir.isEmpty() || !dir.get().isJsonPrimitive()) {
            return Optional.empty();
        }
        Path store = Path.of(dir.get().getAsString());
        List<Path> candidates = new ArrayList<>();
        candidates.add(store);
        if (!store.isAbsolute()) {
            Path parent = run.root().toAbsolutePath().normalize().getParent();
            for (int up = 0; up < 3 && parent != null; up++, parent = parent.getParent()) {
                candidates.add(parent.resolve(store));
            }
        }
        return candidates.stream().map(p -> p.resolve("meta.json")).filter(Files::isRegularFile).findFirst();
    }

    /** Parses a JSON object file, naming it in errors. */
    static JsonObject readJson(Path file) throws IOException {
        try {
            JsonElement json = JsonParser.parseString(Files.readString(file));
            if (!json.isJsonObject()) {
                throw new AnalysisInputException(file + ": expected a JSON object");
            }
            return json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new AnalysisInputException(file + ": not valid JSON (" + amem.datasets.JsonErrors.describe(e) + ")");
        }
    }
}
