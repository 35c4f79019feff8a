package amem.datasets.qf;

import amem.datasets.grammar.Pcfg;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule probabilities of the Question-Formation grammar ({@link QfGrammar}): one probability per alternative of each
 * non-terminal, the words of a lexical category staying equally likely.
 *
 * <p>Two profiles are built in: {@value #THEORY} (docs/THEORY.md §6, i.e. McCoy et al.'s {@code cfgs/question.gr}: weight 1
 * everywhere except 2:1:1:2 in the relative clauses) and {@value #MCCOY} (maximum-likelihood fit to McCoy et al.'s
 * published {@code question.train} lines by {@link QfWeightFit}; the numbers and the command that derived them are in
 * {@code docs/DATA.md}). Any other profile is a JSON file:
 * <pre>
 * {"name": "...", "description": "...", "fitted": {...how it was derived...},
 *  "rules": {"S": {"NP_M_S VP_M_S": 0.52, "NP_M_P VP_M_P": 0.48}, "NP_M_S": {...}, ...}}
 * </pre>
 * Every alternative of every non-terminal must be named (by its right-hand side, symbols separated by one space), with
 * a positive number; each non-terminal's numbers are normalised to sum to 1.
 *
 * @param name        the profile's name, recorded in the store's {@code meta.json}
 * @param description one sentence on where the numbers come from
 * @param rules       non-terminal → one probability per alternative, in the order of {@link QfGrammar#RULES}
 * @param fitted      how a fitted profile was derived (files, lines, method); empty for {@value #THEORY}
 */
public record QfWeights(String name, String description, Map<String, double[]> rules, Map<String, Object> fitted) {
    /** Name of docs/THEORY.md §6's weights. */
    public static final String THEORY = "theory-s6";
    /** Name of the profile fitted to McCoy et al.'s files, the default of {@code amem prepare qf}. */
    public static final String MCCOY = "mccoy-2020";
    private static final String MCCOY_RESOURCE = "mccoy-2020.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    public QfWeights {
        rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        fitted = fitted == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fitted));
    }

    /** docs/THEORY.md §6's weights. */
    public static QfWeights theory() {
        Pcfg g = QfGrammar.theory().pcfg();
        Map<String, double[]> rules = new LinkedHashMap<>();
        for (String lhs : g.nonTerminals()) {
            rules.put(lhs, g.rule(lhs).alternatives().stream().mapToDouble(Pcfg.Alternative::probability).toArray());
        }
        return new QfWeights(THEORY, "docs/THEORY.md section 6 (McCoy et al.'s cfgs/question.gr): weight 1 except the relative"
                + " clauses' 2:1:1:2", rules, Map.of());
    }

    /** The profile fitted to McCoy et al.'s published files (bundled with the code). */
    public static QfWeights mccoy() {
        try (InputStream in = QfWeights.class.getResourceAsStream(MCCOY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("bundled weights " + MCCOY_RESOURCE + " missing from the classpath");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8), MCCOY_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled weights " + MCCOY_RESOURCE, e);
        }
    }

    /** A built-in profile by name ({@value #THEORY}, {@value #MCCOY}) or a weights JSON file. */
    public static QfWeights resolve(String nameOrFile) throws IOException {
        if (nameOrFile.equals(THEORY)) {
            return theory();
        }
        if (nameOrFile.equals(MCCOY)) {
            return mccoy();
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--weights " + nameOrFile + ": neither a built-in profile (" + THEORY + ", " + MCCOY
                    + ") nor a file");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in, file.toString());
        }
    }

    /**
     * The profile a store's {@code meta.json} records under {@code source.grammar_weights} (name, description, fitted,
     * rules), or {@link #theory()} for a store written before weights were recorded (null).
     */
    public static QfWeights fromRecord(Map<String, ?> record, String origin) {
        return record == null ? theory() : parse(GSON.toJsonTree(record).getAsJsonObject(), origin);
    }

    private static QfWeights parse(Reader in, String origin) {
        JsonObject root;
        try {
            root = JsonParser.parseReader(in).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(origin + ": not a weights JSON object (" + e.getMessage() + ")");
        }
        return parse(root, origin);
    }

    private static QfWeights parse(JsonObject root, String origin) {
        if (!root.has("rules") || !root.get("rules").isJsonObject()) {
            throw new IllegalArgumentException(origin + ": no \"rules\" object");
        }
        JsonObject rules = root.getAsJsonObject("rules");
        Pcfg g = QfGrammar.theory().pcfg();
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String lhs : g.nonTerminals()) {
            if (!rules.has(lhs) || !rules.get(lhs).isJsonObject()) {
                throw new IllegalArgumentException(origin + ": rules has no object for non-terminal '" + lhs + "'");
            }
            JsonObject alts = rules.getAsJsonObject(lhs);
            List<Pcfg.Alternative> alternatives = g.rule(lhs).alternatives();
            if (alts.size() != alternatives.size()) {
                throw new IllegalArgumentException(origin + ": '" + lhs + "' has " + alternatives.size() + " alternatives, the file names "
                        + alts.size());
            }
            double[] p = new double[alternatives.size()];
            double total = 0;
            for (int i = 0; i < p.length; i++) {
                String rhs = String.join(" ", alternatives.get(i).symbols());
                JsonElement v = alts.get(rhs);
                if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber() || !(v.getAsDouble() > 0)
                        || Double.isInfinite(v.getAsDouble())) {
                    throw new IllegalArgumentException(origin + ": '" + lhs + " -> " + rhs + "' needs a positive number");
                }
                p[i] = v.getAsDouble();
                total += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] /= total;
            }
            out.put(lhs, p);
        }
        for (String lhs : rules.keySet()) {
            if (!out.containsKey(lhs)) {
                throw new IllegalArgumentException(origin + ": '" + lhs + "' is not a non-terminal of the grammar");
            }
        }
        String name = root.has("name") ? root.get("name").getAsString() : origin;
        String description = root.has("description") ? root.get("description").getAsString() : "";
        @SuppressWarnings("unchecked")
        Map<String, Object> fitted = root.has("fitted") ? GSON.fromJson(root.get("fitted"), Map.class) : Map.of();
        return new QfWeights(name, description, out, fitted);
    }

    /** Probability of alternative {@code rhs} (symbols joined by one space) of {@code lhs}. */
    public double probability(String lhs, String rhs) {
        List<Pcfg.Alternative> alternatives = QfGrammar.theory().pcfg().rule(lhs).alternatives();
        for (int i = 0; i < alternatives.size(); i++) {
            if (String.join(" ", alternatives.get(i).symbols()).equals(rhs)) {
                return rules.get(lhs)[i];
            }
        }
        throw new IllegalArgumentException("'" + lhs + " -> " + rhs + "' is not a rule of the grammar");
    }

    /** The JSON text of this profile (the format {@link #resolve} reads). */
    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", name);
        root.put("description", description);
        if (!fitted.isEmpty()) {
            root.put("fitted", fitted);
        }
        root.put("rules", asMap());
        return GSON.toJson(root) + "\n";
    }

    /** Non-terminal → (right-hand side → probability), for meta.json and the JSON file. */
    public Map<String, Object> asMap() {
        Pcfg g = QfGrammar.theory().pcfg();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String lhs : g.nonTerminals()) {
            Map<String, Double> alts = new LinkedHashMap<>();
            List<Pcfg.Alternative> alternatives = g.rule(lhs).alternatives();
            for (int i = 0; i < alternatives.size(); i++) {
                alts.put(String.join(" ", alternatives.get(i).symbols()), rules.get(lhs)[i]);
            }
            out.put(lhs, alts);
        }
        return out;
    }
}
