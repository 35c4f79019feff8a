package amem.pipeline.sweep;

import amem.datasets.subset.SubsetRule;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The two axes of a sweep (docs/THEORY.md §4): model shapes × data sizes. Written in a preset's {@code grid} object:
 *
 * <pre>{@code
 * "grid": {
 *   "models": [{"name": "L2-n64", "set": {"model.n_layer": 2, "model.n_embd": 64}}, ...],
 *   "data":   [{"name": "D100k", "tokens": 100000}, {"name": "full", "fraction": 1.0}, ...]
 * }
 * }</pre>
 *
 * A model point changes config keys of the base configuration; a data point is a nested, document-aligned subset of
 * the base store's training split ({@link SubsetRule}: a fraction or a token budget), and fraction 1 is the store
 * itself, never a copy. Either axis may be left out: one model point ("base") or the whole store ("all").
 */
public record SweepGrid(List<ModelPoint> models, List<DataPoint> data) {

    /** Names become directory names, so they are kept to a portable alphabet. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** A model shape: the config keys it changes. */
    public record ModelPoint(String name, JsonObject set) {
        public RunConfig apply(RunConfig base) {
            return base.merge(set);
        }
    }

    /** A data size: a subset rule over the base store's training split, seeded for nesting. */
    public record DataPoint(String name, Double fraction, Long tokens, long seed) {

        /** Whether this point is the base store itself (no subset is written). */
        public boolean whole() {
            return tokens == null && fraction == 1.0;
        }

        public SubsetRule rule() {
            return new SubsetRule(fraction, tokens, seed);
        }
    }

    public SweepGrid {
        models = List.copyOf(models);
        data = List.copyOf(data);
        if (models.isEmpty() || data.isEmpty()) {
            throw new ConfigException("a sweep grid needs at least one model and one data point");
        }
    }

    /** Parses and checks a grid; every model point's keys are validated against {@code base}. */
    public static SweepGrid parse(JsonObject grid, RunConfig base) {
        for (String key : grid.keySet()) {
            if (!key.equals("models") && !key.equals("data") && !key.equals("seed")) {
                throw new ConfigException("grid: unknown field \"" + key + "\" (fields: models, data, seed)");
            }
        }
        long seed = grid.has("seed") ? whole(grid, "seed", "grid") : 1L;
        List<ModelPoint> models = new ArrayList<>();
        for (JsonObject point : objects(grid, "models")) {
            String name = name(point, "models");
            if (point.has("set") && !point.get("set").isJsonObject()) {
                throw new ConfigException("grid.models." + name + ": \"set\" must be an object of config keys");
            }
            JsonObject set = point.has("set") ? point.getAsJsonObject("set") : new JsonObject();
            if (set.has("data.dir") || set.has("data")) {
                throw new ConfigException("grid.models." + name + ": data belongs on the data axis, not in a model point");
            }
            try {
                new ModelPoint(name, set).apply(base);
            } catch (ConfigException e) {
                throw new ConfigException("grid.models." + name + ": " + e.getMessage());
            }
            models.add(new ModelPoint(name, set));
        }
        if (models.isEmpty()) {
            models.add(new ModelPoint("base", new JsonObject()));
        }
        List<DataPoint> data = new ArrayList<>();
        for (JsonObject point : objects(grid, "data")) {
            String name = name(point, "data");
            Double fraction = point.has("fraction") ? number(point, "fraction", "grid.data." + name).doubleValue() : null;
            Long tokens = point.has("tokens") ? whole(point, "tokens", "grid.data." + name) : null;
            if ((fraction == null) == (tokens == null)) {
                throw new ConfigException("grid.data." + name + ": give exactly one of \"fraction\" and \"tokens\"");
            }
            if (fraction != null && !(fraction > 0 && fraction <= 1) || tokens != null && tokens <= 0) {
                throw new ConfigException("grid.data." + name + ": fraction must be in (0, 1] and tokens positive");
            }
            data.add(new DataPoint(name, fraction, tokens, seed));
        }
        if (data.isEmpty()) {
            data.add(new DataPoint("all", 1.0, null, seed));
        }
        unique(models.stream().map(ModelPoint::name).toList(), "models");
        unique(data.stream().map(DataPoint::name).toList(), "data");
        return new SweepGrid(models, data);
    }

    /** The grid as written in a preset (for sweep.json). */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        JsonArray m = new JsonArray();
        for (ModelPoint point : models) {
            JsonObject o = new JsonObject();
            o.addProperty("name", point.name());
            o.add("set", point.set().deepCopy());
            m.add(o);
        }
        JsonArray d = new JsonArray();
        for (DataPoint point : data) {
            JsonObject o = new JsonObject();
            o.addProperty("name", point.name());
            if (point.fraction() != null) {
                o.addProperty("fraction", point.fraction());
            }
            if (point.tokens() != null) {
                o.addProperty("tokens", point.tokens());
            }
            d.add(o);
        }
        json.add("models", m);
        json.add("data", d);
        json.addProperty("seed", data.get(0).seed());
        return json;
    }

    /** Number of cells: models × data. */
    public int size() {
        return models.size() * data.size();
    }

    private static List<JsonObject> objects(JsonObject grid, String field) {
        List<JsonObject> out = new ArrayList<>();
        if (!grid.has(field)) {
            return out;
        }
        if (!grid.get(field).isJsonArray()) {
            throw new ConfigException("grid." + field + " must be a list of objects");
        }
        for (JsonElement e : grid.getAsJsonArray(field)) {
            if (!e.isJsonObject()) {
                throw new ConfigException("grid." + field + " must be a list of objects, found " + e);
            }
            out.add(e.getAsJsonObject());
        }
        return out;
    }

    private static String name(JsonObject point, String axis) {
        if (!point.has("name")) {
            throw new ConfigException("grid." + axis + ": every point needs a \"name\", missing in " + point);
        }
        JsonElement value = point.get("name");
        String name = value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : value.toString();
        if (!NAME.matcher(name).matches()) {
            throw new ConfigException("grid." + axis + ": name \"" + name
                    + "\" must be letters, digits, '.', '_' or '-' (it names a directory)");
        }
        for (String key : point.keySet()) {
            Set<String> allowed = axis.equals("models") ? Set.of("name", "set") : Set.of("name", "fraction", "tokens");
            if (!allowed.contains(key)) {
                throw new ConfigException("grid." + axis + "." + name + ": unknown field \"" + key + "\" (fields: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
        return name;
    }

    private static java.math.BigDecimal number(JsonObject o, String field, String where) {
        JsonElement e = o.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new ConfigException(where + ": \"" + field + "\" must be a number, not " + e);
        }
        try {
            return e.getAsBigDecimal();
        } catch (NumberFormatException notANumber) {
            throw new ConfigException(where + ": \"" + field + "\" must be a number, not " + e);
        }
    }

    private static long whole(JsonObject o, String field, String where) {
        try {
            return number(o, field, where).longValueExact();
        } catch (ArithmeticException notWhole) {
            throw new ConfigException(where + ": \"" + field + "\" must be a whole number, not " + o.get(field));
        }
    }

    private static void unique(List<String> names, String axis) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new ConfigException("grid." + axis + ": the name \"" + name + "\" appears twice");
            }
        }
    }
}
