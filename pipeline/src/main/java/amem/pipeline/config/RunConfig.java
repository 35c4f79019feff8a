package amem.pipeline.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fully resolved run configuration: every key of {@link ConfigSchema} with a typed value. Immutable; layers
 * (defaults, then a preset or file, then {@code --set} overrides) are applied with {@link #merge} and
 * {@link #with}. Serialises to nested JSON ({@code {"model": {...}, "data": {...}, "train": {...}}}); files may
 * also use dotted keys at the top level.
 */
public final class RunConfig {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final Map<String, Object> values;

    private RunConfig(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Every key at its default. */
    public static RunConfig defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigKey key : ConfigSchema.keys()) {
            values.put(key.name(), key.defaultValue());
        }
        return new RunConfig(values);
    }

    /** Reads a config file (JSON) on top of the defaults. */
    public static RunConfig fromFile(Path file) {
        try {
            return defaults().merge(parse(Files.readString(file), file.toString()));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    /** Parses JSON text into an object, naming {@code origin} on syntax errors. */
    public static JsonObject parse(String json, String origin) {
        try {
            JsonElement element = JsonParser.parseString(json);
            if (!element.isJsonObject()) {
                throw new ConfigException(origin + ": a config must be a JSON object");
            }
            return element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new ConfigException(origin + " is not valid JSON: " + amem.datasets.JsonErrors.describe(e));
        }
    }

    /** This config with the values of {@code json} (nested sections or dotted keys) applied. */
    public RunConfig merge(JsonObject json) {
        Map<String, Object> merged = new LinkedHashMap<>(values);
        flatten("", json, merged);
        return new RunConfig(merged);
    }

    private static void flatten(String prefix, JsonObject json, Map<String, Object> into) {
        for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
            String name = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            JsonElement value = entry.getValue();
            if (value.isJsonObject()) {
                flatten(name, value.getAsJsonObject(), into);
            } else if (value.isJsonPrimitive()) {
                ConfigKey key = ConfigSchema.get(name);
                JsonPrimitive primitive = value.getAsJsonPrimitive();
                Object raw = primitive.isNumber()
                        ? (Object) primitive.getAsBigDecimal()
                        : primitive.isBoolean() ? (Object) primitive.getAsBoolean() : primitive.getAsString();
                into.put(name, key.convert(raw));
            } else {
                throw new ConfigException(name + " must be a number, string or boolean, not " + value);
            }
        }
    }

    /** This config with one key set from text ({@code --set key=value}). */
    public RunConfig with(String name, String value) {
        ConfigKey key = ConfigSchema.get(name);
        Map<String, Object> changed = new LinkedHashMap<>(values);
        changed.put(name, key.convert(value));
        return new RunConfig(changed);
    }

    /** Applies an override written as {@code key=value}. */
    public RunConfig withAssignment(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("--set expects key=value, got \"" + assignment + "\"");
        }
        return with(assignment.substring(0, eq).trim(), assignment.substring(eq + 1));
    }

    public Object get(String name) {
        ConfigSchema.get(name);
        return values.get(name);
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public long getLong(String name) {
        return (Long) get(name);
    }

    public double getDouble(String name) {
        return (Double) get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    /** Nested JSON object with one member per section. */
    public JsonObject toJson() {
        JsonObject root = new JsonObject();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            String name = entry.getKey();
            int dot = name.indexOf('.');
            String section = name.substring(0, dot);
            if (!root.has(section)) {
                root.add(section, new JsonObject());
            }
            root.getAsJsonObject(section).add(name.substring(dot + 1), GSON.toJsonTree(entry.getValue()));
        }
        return root;
    }

    public String toPrettyJson() {
        return GSON.toJson(toJson());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RunConfig that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
