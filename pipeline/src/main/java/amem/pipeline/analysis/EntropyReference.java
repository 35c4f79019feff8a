package amem.pipeline.analysis;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The entropy figures of a Question-Formation corpus (docs/THEORY.md §3 and §6), read from its token store's
 * {@code meta.json}. What a figure is depends on the store, and the store says so in a {@code what} member beside it
 * ({@link #what}): for a generated store the closed form is the generating grammar's entropy rate, the loss floor for
 * fresh samples of that grammar (and only for them); for a store imported with {@code --from-reference} every figure
 * belongs to a grammar fitted to the store's train lines, and a split's figure is that grammar's cross-entropy on the
 * split, an estimate a model can beat. The lookup is tolerant of where the figures
 * sit: an {@code entropy} member at the top level or under {@code source} (or any member whose name contains
 * "entropy", three levels deep), either a number or an object. Figures are the numbers whose name contains
 * {@code nats_per…token} or {@code rate} (counts such as lines or tokens and per-line figures are not); the store writes
 * {@code closed_form.nats_per_token}, {@code closed_form.nats_per_predicted_token} and, per split,
 * {@code <split>.nats_per_(predicted_)token} (the grammar's cross-entropy on that split's lines).
 *
 * <p>The figure compared with a split's loss ({@link #forSplit}) is that split's own
 * {@code nats_per_predicted_token} (per predicted token is the model's loss convention: the first token of a line is
 * not predicted), else its {@code nats_per_token}, else the primary figure ({@link #value()}): in order of
 * preference the training lines' per-predicted-token figure, the training lines' per-token figure, the closed form
 * per predicted token, any per-predicted-token figure, any rate, the first.
 *
 * @param value the primary figure
 * @param key dotted path of the primary figure in meta.json
 * @param figures every figure found, by dotted path
 * @param notes the text members that say what the figures are and how they count tokens ("what", "convention",
 *              "unit", "grammar_weights"), by dotted path
 * @param file the meta.json read
 */
public record EntropyReference(double value, String key, Map<String, Double> figures, Map<String, String> notes,
        Path file) {

    /** Looks the figures up in {@code metaJson}; empty when there are none. */
    public static Optional<EntropyReference> lookup(Path metaJson) throws IOException {
        return lookup(RunFiles.readJson(metaJson), metaJson);
    }

    static Optional<EntropyReference> lookup(JsonObject meta, Path file) {
        Map<String, Double> figures = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        collect(meta, "", false, figures, notes, 0);
        if (figures.isEmpty()) {
            return Optional.empty();
        }
        String chosen = pick(figures, List.of("train", "predicted")).or(() -> pick(figures, List.of("train", "nats_per")))
                .or(() -> pick(figures, List.of("closed", "predicted"))).or(() -> pick(figures, List.of("predicted")))
                .or(() -> pick(figures, List.of("rate"))).orElse(figures.keySet().iterator().next());
        return Optional.of(new EntropyReference(figures.get(chosen), chosen, figures, notes, file));
    }

    /** The figure to compare with {@code split}'s loss and its dotted path (see the class comment). */
    public Map.Entry<String, Double> forSplit(String split) {
        String part = "." + split.toLowerCase(Locale.ROOT) + ".";
        for (String rate : List.of("nats_per_predicted_token", "nats_per_token")) {
            for (Map.Entry<String, Double> f : figures.entrySet()) {
                String k = "." + f.getKey().toLowerCase(Locale.ROOT);
                if (k.contains(part) && k.endsWith("." + rate)) {
                    return f;
                }
            }
        }
        return Map.entry(key, value);
    }

    /**
     * What the figure at dotted path {@code key} is, from the nearest {@code what} note at or above its level (empty
     * for stores written before figures said what they are).
     */
    public String what(String key) {
        String parent = key;
        while (parent.contains(".")) {
            parent = parent.substring(0, parent.lastIndexOf('.'));
            String note = notes.get(parent + ".what");
            if (note != null) {
                return note;
            }
        }
        return "";
    }

    private static Optional<String> pick(Map<String, Double> figures, List<String> parts) {
        return figures.keySet().stream()
                .filter(k -> parts.stream().allMatch(p -> k.toLowerCase(Locale.ROOT).contains(p))).findFirst();
    }

    private static void collect(JsonObject object, String prefix, boolean inside, Map<String, Double> figures,
            Map<String, String> notes, int depth) {
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            String key = prefix + e.getKey();
            String name = e.getKey().toLowerCase(Locale.ROOT);
            boolean entropy = inside || name.contains("entropy");
            JsonElement value = e.getValue();
            if (value.isJsonObject() && depth < 4) {
                collect(value.getAsJsonObject(), key + ".", entropy, figures, notes, depth + 1);
            } else if (entropy && value.isJsonPrimitive()) {
                boolean figure = !inside || (name.contains("nats_per") && name.contains("token")) || name.contains("rate");
                if (value.getAsJsonPrimitive().isNumber() && figure && Double.isFinite(value.getAsDouble())) {
                    figures.put(key, value.getAsDouble());
                } else if (value.getAsJsonPrimitive().isString() && (name.contains("convention") || name.contains("unit")
                        || name.equals("what") || name.equals("grammar_weights"))) {
                    notes.put(key, value.getAsString());
                }
            }
        }
    }
}
