package amem.pipeline.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bundled experiment presets: JSON resources {@code presets/<name>.json} holding a {@code description}, a
 * {@code config} object and, for experiments that are grids of runs, a {@code grid} object that {@code amem sweep}
 * expands (see {@code amem.pipeline.sweep.SweepGrid}); listed in {@code presets/index.txt}. {@code amem train}
 * trains a preset's {@code config} as it is, grid or not.
 */
public final class Presets {

    /** A named preset. */
    public record Preset(String name, String description, JsonObject config, JsonObject grid) {

        /** Whether the preset defines a grid of runs for {@code amem sweep}. */
        public boolean isSweep() {
            return grid != null;
        }

        /** The preset applied on top of the defaults. */
        public RunConfig resolve() {
            return RunConfig.defaults().merge(config);
        }
    }

    private Presets() {}

    /** All presets in index order. */
    public static List<Preset> all() {
        List<Preset> presets = new ArrayList<>();
        for (String line : read("presets/index.txt").split("\n")) {
            String name = line.trim();
            if (!name.isEmpty() && !name.startsWith("#")) {
                presets.add(get(name));
            }
        }
        return presets;
    }

    /** The preset of that name, or a {@link ConfigException} listing the available ones. */
    public static Preset get(String name) {
        String resource = "presets/" + name + ".json";
        if (Presets.class.getClassLoader().getResource(resource) == null) {
            List<String> names = all().stream().map(Preset::name).toList();
            throw new ConfigException("no preset named \"" + name + "\"; available: " + String.join(", ", names));
        }
        JsonObject json = RunConfig.parse(read(resource), resource);
        String description = json.has("description") ? json.get("description").getAsString() : "";
        JsonObject config = json.has("config") ? json.getAsJsonObject("config") : new JsonObject();
        JsonObject grid = json.has("grid") ? json.getAsJsonObject("grid") : null;
        return new Preset(name, description, config, grid);
    }

    /**
     * A preset-shaped JSON file of the user's ({@code description}, {@code config}, {@code grid}); named after the
     * file without its extension.
     */
    public static Preset fromFile(java.nio.file.Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text (a damaged or foreign file)");
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        JsonObject json = RunConfig.parse(text, file.toString());
        for (String field : json.keySet()) {
            if (!List.of("description", "config", "grid").contains(field)) {
                throw new ConfigException(file + ": unknown field \"" + field + "\" (fields: description, config, grid)");
            }
        }
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        JsonElement description = json.get("description");
        if (description != null && !(description.isJsonPrimitive() && description.getAsJsonPrimitive().isString())) {
            throw new ConfigException(file + ": \"description\" must be a string");
        }
        for (String field : List.of("config", "grid")) {
            if (json.has(field) && !json.get(field).isJsonObject()) {
                throw new ConfigException(file + ": \"" + field + "\" must be an object");
            }
        }
        Preset preset = new Preset(name, description == null ? "" : description.getAsString(),
                json.has("config") ? json.getAsJsonObject("config") : new JsonObject(),
                json.has("grid") ? json.getAsJsonObject("grid") : null);
        try {
            preset.resolve(); // checked now, so that a bad key is reported with the file it is in
        } catch (ConfigException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        return preset;
    }

    private static String read(String resource) {
        try (InputStream in = Presets.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the amem jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
