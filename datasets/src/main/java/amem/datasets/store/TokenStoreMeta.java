package amem.datasets.store;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contents of a token store's {@code meta.json} (snake_case keys in the file).
 *
 * @param format     always {@link #FORMAT}; lets readers refuse a future incompatible layout
 * @param tokenizer  {@code gpt2} (BPE ids) or {@code word} (ids index {@code vocab.txt}), free text otherwise
 * @param vocabSize  every id is in {@code [0, vocabSize)}
 * @param dtype      width of a token on disk
 * @param vocabFile  word list, one token per line, line i = id i; null when the tokenizer defines the ids
 * @param splits     split name → its files and counts, in file order (train first by convention)
 * @param source     where the tokens came from (kind, generator options, input files...); free-form
 * @param seed       seed of any randomness used to build the store, or null
 * @param created    ISO-8601 instant of the commit, or null
 * @param subset     the subset rule when this store is a subset of another, else null
 * @param inferred   true when there was no {@code meta.json} and these values were guessed from a plain
 *                   nanoGPT directory; never written to the file
 */
public record TokenStoreMeta(
        String format,
        String tokenizer,
        int vocabSize,
        Dtype dtype,
        String vocabFile,
        Map<String, SplitMeta> splits,
        Map<String, Object> source,
        Long seed,
        String created,
        Map<String, Object> subset,
        boolean inferred) {

    /** Format tag of the layout this code reads and writes. */
    public static final String FORMAT = "amem-token-store/1";
    /** File name of the metadata inside a store directory. */
    public static final String FILE_NAME = "meta.json";

    public TokenStoreMeta {
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        source = source == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(source));
        subset = subset == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(subset));
    }

    /** Pretty-printed JSON, as written to {@code meta.json}. */
    public String toJson() {
        return StoreJson.GSON.toJson(this);
    }

    /**
     * Reads and validates a {@code meta.json}.
     *
     * @throws TokenStoreException naming the file and the field when the file is missing, is not JSON,
     *                             lacks a required field or holds a value of the wrong kind
     */
    public static TokenStoreMeta fromJson(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TokenStoreException(file + ": no such file");
        }
        return parse(text, file.toString());
    }

    /** Parses {@code json}; {@code origin} names the text in error messages. */
    static TokenStoreMeta parse(String json, String origin) throws TokenStoreException {
        JsonObject root;
        try {
            JsonElement element = JsonParser.parseString(json);
            if (!element.isJsonObject()) {
                throw new TokenStoreException(origin + ": expected a JSON object, got " + shorten(element));
            }
            root = element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new TokenStoreException(origin + ": not valid JSON: " + amem.datasets.JsonErrors.describe(e), e);
        }
        new Validator(origin).check(root);
        try {
            return StoreJson.GSON.fromJson(root, TokenStoreMeta.class);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new TokenStoreException(origin + ": " + e.getMessage(), e);
        }
    }

    private static String shorten(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** Checks the required fields on the raw JSON, so messages can name the field and the offending value. */
    private record Validator(String origin) {
        void check(JsonObject root) throws TokenStoreException {
            String format = string(root, "format", true);
            if (!FORMAT.equals(format)) {
                throw error("format", "'" + FORMAT + "'", new JsonPrimitive(format));
            }
            string(root, "tokenizer", true);
            long vocabSize = integer(root, "vocab_size", 1, Integer.MAX_VALUE);
            String dtypeName = string(root, "dtype", true);
            Dtype dtype;
            try {
                dtype = Dtype.fromJsonName(dtypeName);
            } catch (IllegalArgumentException e) {
                throw new TokenStoreException(origin + ": field 'dtype': " + e.getMessage());
            }
            if (vocabSize > dtype.maxVocabulary()) {
                throw new TokenStoreException(origin + ": vocab_size " + vocabSize + " does not fit dtype " + dtypeName
                        + " (at most " + dtype.maxVocabulary() + " ids)");
            }
            string(root, "vocab_file", false);
            JsonElement splits = require(root, "splits");
            if (!splits.isJsonObject() || splits.getAsJsonObject().size() == 0) {
                throw error("splits", "a non-empty object of split name → {file, tokens, ...}", splits);
            }
            for (Map.Entry<String, JsonElement> split : splits.getAsJsonObject().entrySet()) {
                String prefix = "splits." + split.getKey();
                if (!split.getValue().isJsonObject()) {
                    throw error(prefix, "an object {file, tokens, ...}", split.getValue());
                }
                Validator inner = new Validator(origin + " (" + prefix + ")");
                JsonObject s = split.getValue().getAsJsonObject();
                inner.string(s, "file", true);
                inner.integer(s, "tokens", 0, Long.MAX_VALUE);
                inner.string(s, "lines_index", false);
                inner.string(s, "sha256", false);
            }
        }

        private JsonElement require(JsonObject o, String field) throws TokenStoreException {
            JsonElement e = o.get(field);
            if (e == null || e.isJsonNull()) {
                throw new TokenStoreException(origin + ": missing required field '" + field + "'");
            }
            return e;
        }

        private String string(JsonObject o, String field, boolean required) throws TokenStoreException {
            if (!required && (o.get(field) == null || o.get(field).isJsonNull())) {
                return null;
            }
            JsonElement e = require(o, field);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().isEmpty()) {
                throw error(field, "a non-empty string", e);
            }
            return e.getAsString();
        }

        private long integer(JsonObject o, String field, long min, long max) throws TokenStoreException {
            JsonElement e = require(o, field);
            String expected = "an integer in [" + min + ", " + max + "]";
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw error(field, expected, e);
            }
            try {
                long v = e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
                if (v < min || v > max) {
                    throw error(field, expected, e);
                }
                return v;
            } catch (ArithmeticException notWhole) {
                throw error(field, expected, e);
            }
        }

        private TokenStoreException error(String field, String expected, JsonElement got) {
            return new TokenStoreException(origin + ": field '" + field + "' must be " + expected + ", got " + shorten(got));
        }
    }
}
