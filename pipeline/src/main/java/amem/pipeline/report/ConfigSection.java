package amem.pipeline.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;

/** The report's run-configuration section: the resolved config, parameter counts, data, device and versions. */
final class ConfigSection {

    private ConfigSection() {}

    static void write(Html html, RunData run) {
        html.element("h3", run.name());
        html.open("table", "class", "config", "id", "config-" + Plots.slug(run.name()));
        html.open("tbody");
        row(html, "directory", run.run().root().toString());
        row(html, "status", run.run().isDone() ? "finished (DONE)" : "unfinished (no DONE)");
        JsonObject config = run.run().config();
        Map<String, String> rows = new java.util.LinkedHashMap<>();
        for (String top : new String[] {"config", "parameters", "data"}) {
            if (config.has(top) && config.get(top).isJsonObject()) {
                flatten(rows, top.equals("config") ? "" : top + ".", config.getAsJsonObject(top));
            }
        }
        resolveDefaults(config, rows);
        rows.forEach((key, value) -> row(html, key, value));
        for (String key : new String[] {"device", "seed", "git_commit", "created"}) {
            if (config.has(key) && config.get(key).isJsonPrimitive()) {
                row(html, key, config.get(key).getAsString());
            }
        }
        if (config.has("versions") && config.get("versions").isJsonObject()) {
            StringBuilder versions = new StringBuilder();
            for (Map.Entry<String, JsonElement> e : config.getAsJsonObject("versions").entrySet()) {
                versions.append(versions.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                        .append(e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString());
            }
            row(html, "versions", versions.toString());
        }
        html.close("tbody").close("table");
    }

    private static void flatten(Map<String, String> rows, String prefix, JsonObject object) {
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            JsonElement value = e.getValue();
            if (value.isJsonObject()) {
                flatten(rows, prefix + e.getKey() + ".", value.getAsJsonObject());
            } else {
                rows.put(prefix + e.getKey(), value.isJsonPrimitive() ? value.getAsString() : value.toString());
            }
        }
    }

    /**
     * Settings whose stored value means "take it from elsewhere" (model.vocab_size 0: the store's vocabulary) get
     * the value the run used beside them; a bare 0 read as a model without a vocabulary.
     */
    private static void resolveDefaults(JsonObject config, Map<String, String> rows) {
        String vocab = rows.get("model.vocab_size");
        if ("0".equals(vocab) && config.has("data") && config.getAsJsonObject("data").has("vocab_size")) {
            rows.put("model.vocab_size", config.getAsJsonObject("data").get("vocab_size").getAsString()
                    + " (0 in the config: the token store's vocabulary)");
        }
        if ("0".equals(rows.get("train.decay_steps")) && rows.containsKey("train.steps")) {
            rows.put("train.decay_steps", rows.get("train.steps") + " (0 in the config: train.steps)");
        }
        if ("0".equals(rows.get("train.eval_batches"))) {
            rows.put("train.eval_batches", "0 (the whole split, for line corpora)");
        }
        if ("0".equals(rows.get("model.ffn_width")) && rows.containsKey("model.n_embd")) {
            rows.put("model.ffn_width", 4 * Integer.parseInt(rows.get("model.n_embd")) + " (0 in the config: 4 x n_embd)");
        }
    }

    private static void row(Html html, String key, String value) {
        html.open("tr").element("th", key).element("td", value).close("tr");
    }
}
