package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feeds a reader of outside data thousands of damaged files: valid seed files mutated (bit flips, interesting bytes,
 * truncation, extension, deleted and duplicated chunks, swapped chunks, numbers replaced by extreme ones, and for
 * JSON a random node replaced, deleted or renamed) plus adversarial files a test generates. Every case must end in
 * success or a clean refusal: an {@link IOException}, a {@code ConfigException} or an {@link IllegalArgumentException}
 * (not a bare {@link NumberFormatException}) whose message is one line naming the file. Anything else — another
 * unchecked exception, an {@link Error} such as {@link OutOfMemoryError}, or a case running past its time limit (a
 * hang) — fails the test with the case that caused it, reproducible from the seed.
 *
 * <p>The number of random cases per reader is {@code -Damem.fuzz.cases=N} (default: the test's CI size).
 */
final class FileFuzzer implements AutoCloseable {

    /** Reads one case; {@code file} holds the mutated bytes. */
    interface Reader {
        void read(Path file) throws Exception;
    }

    /** Counts of one reader's run. */
    record Outcome(String reader, int cases, int accepted, int refused, long millis) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d cases (%d read, %d refused cleanly) in %.1f s", reader, cases,
                    accepted, refused, millis / 1000.0);
        }
    }

    private static final String[] NUMBERS = {"0", "-1", "1", "-0", "2147483647", "2147483648", "4294967296",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "99999999999999999999999", "1e308",
        "-1e308", "1e-320", "1.5", "0.5", "NaN", "Infinity", "1e10"};
    private static final byte[] BYTES = {0, -1, 0x7f, (byte) 0x80, '"', '{', '}', '[', ']', ',', ':', '-', '9', '\n',
        '\t', '\\', (byte) 0xc3};

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fuzz-case");
        t.setDaemon(true); // a hung case must not keep the JVM alive
        return t;
    });
    private final long caseSeconds;

    FileFuzzer(long caseSeconds) {
        this.caseSeconds = caseSeconds;
    }

    /** The number of random cases: {@code -Damem.fuzz.cases}, else {@code ciDefault}. */
    static int cases(int ciDefault) {
        return Integer.getInteger("amem.fuzz.cases", ciDefault);
    }

    /**
     * Runs {@code adversarial} files, then {@code cases} mutations of {@code seeds}, each written to {@code file} and
     * read by {@code reader}. {@code named} is the text a clean refusal's message must contain (the file's name, or
     * its directory's for readers of a directory).
     */
    Outcome run(String name, Path file, String named, List<byte[]> seeds, List<byte[]> adversarial, int cases, long seed,
            Reader reader) throws Exception {
        Random random = new Random(seed);
        long start = System.nanoTime();
        int accepted = 0;
        int refused = 0;
        Map<String, String> failures = new java.util.LinkedHashMap<>();
        int failed = 0;
        int total = adversarial.size() + cases;
        for (int i = 0; i < total; i++) {
            byte[] bytes;
            String how;
            if (i < adversarial.size()) {
                bytes = adversarial.get(i);
                how = "adversarial file " + i;
            } else {
                int pick = random.nextInt(seeds.size());
                StringBuilder description = new StringBuilder("seed " + pick);
                bytes = seeds.get(pick);
                int rounds = 1 + random.nextInt(3);
                for (int r = 0; r < rounds; r++) {
                    bytes = mutate(bytes, random, description);
                }
                how = "case " + i + " (" + description + ")";
            }
            Files.write(file, bytes);
            Future<?> future = worker.submit(() -> {
                reader.read(file);
                return null;
            });
            try {
                future.get(caseSeconds, TimeUnit.SECONDS);
                accepted++;
            } catch (TimeoutException e) {
                future.cancel(true);
                fail(name + ": " + how + " ran past " + caseSeconds + " s (a hang); bytes: " + preview(bytes));
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = e.getCause();
                String problem = judge(t, named);
                if (problem == null) {
                    refused++;
                } else {
                    failed++;
                    // one example per kind of failure: the exception class and where it was thrown
                    String kind = problem.replaceAll(":.*", "") + " " + t.getClass().getName() + " " + where(t);
                    failures.putIfAbsent(kind, how + ": " + problem + "\n    bytes: " + preview(bytes) + "\n    at " + where(t));
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(name + ": " + failed + " of " + total + " cases did not end cleanly, " + failures.size()
                    + " kinds; one case of each:\n  " + String.join("\n  ", failures.values()));
        }
        Outcome outcome = new Outcome(name, total, accepted, refused, (System.nanoTime() - start) / 1_000_000);
        System.out.println("fuzz " + outcome);
        return outcome;
    }

    /** Null for a clean refusal, else what is wrong with it. */
    static String judge(Throwable t, String named) {
        boolean clean = t instanceof IOException
                || t instanceof amem.pipeline.config.ConfigException
                || t instanceof amem.pipeline.run.RunDirectoryException
                || (t instanceof IllegalArgumentException && !(t instanceof NumberFormatException));
        if (!clean) {
            return "not a clean refusal: " + t;
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return "a refusal without a message: " + t;
        }
        if (message.contains("\n")) {
            return "a message of several lines: " + t;
        }
        if (!message.contains(named)) {
            return "a message that does not name " + named + ": " + t;
        }
        return null;
    }

    private static String where(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(6, trace.length); i++) {
            out.append(i == 0 ? "" : " < ").append(trace[i].getClassName().replaceAll(".*\\.", "")).append('.')
                    .append(trace[i].getMethodName()).append(':').append(trace[i].getLineNumber());
        }
        return out.toString();
    }

    private static String preview(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 160), StandardCharsets.ISO_8859_1)
                .replaceAll("[^\\x20-\\x7e]", "?");
        return bytes.length + " bytes: " + text;
    }

    /** One random mutation of {@code in}; appends its name to {@code how}. */
    static byte[] mutate(byte[] in, Random random, StringBuilder how) {
        int n = in.length;
        int kind = random.nextInt(10);
        if (n == 0) {
            kind = 3;
        }
        byte[] out;
        switch (kind) {
            case 0 -> { // bit flips
                out = in.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    out[random.nextInt(n)] ^= (byte) (1 << random.nextInt(8));
                }
                how.append(", ").append(flips).append(" bit flips");
            }
            case 1 -> { // an interesting byte
                out = in.clone();
                int at = random.nextInt(n);
                out[at] = BYTES[random.nextInt(BYTES.length)];
                how.append(", byte ").append(at).append(" set");
            }
            case 2 -> { // truncation
                int length = random.nextInt(n);
                out = Arrays.copyOf(in, length);
                how.append(", truncated to ").append(length);
            }
            case 3 -> { // extension with random bytes or zeros
                int extra = 1 + random.nextInt(64);
                out = Arrays.copyOf(in, n + extra);
                if (random.nextBoolean()) {
                    for (int i = n; i < out.length; i++) {
                        out[i] = (byte) random.nextInt(256);
                    }
                }
                how.append(", extended by ").append(extra);
            }
            case 4 -> { // a chunk deleted
                int from = random.nextInt(n);
                int length = 1 + random.nextInt(Math.min(32, n - from));
                out = new byte[n - length];
                System.arraycopy(in, 0, out, 0, from);
                System.arraycopy(in, from + length, out, from, n - from - length);
                how.append(", ").append(length).append(" bytes deleted at ").append(from);
            }
            case 5 -> { // a chunk duplicated elsewhere
                int from = random.nextInt(n);
                int length = 1 + random.nextInt(Math.min(32, n - from));
                int at = random.nextInt(n + 1);
                out = new byte[n + length];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, from, out, at, length);
                System.arraycopy(in, at, out, at + length, n - at);
                how.append(", ").append(length).append(" bytes copied to ").append(at);
            }
            case 6 -> { // two chunks swapped (field swap in binary formats)
                out = in.clone();
                int length = 1 + random.nextInt(Math.max(1, Math.min(16, n / 2)));
                int a = random.nextInt(Math.max(1, n - length));
                int b = random.nextInt(Math.max(1, n - length));
                byte[] tmp = Arrays.copyOfRange(out, a, Math.min(n, a + length));
                System.arraycopy(out, b, out, a, Math.min(tmp.length, n - b));
                System.arraycopy(tmp, 0, out, b, Math.min(tmp.length, n - b));
                how.append(", chunks at ").append(a).append(" and ").append(b).append(" swapped");
            }
            case 7 -> { // a run of digits replaced by an extreme number
                String text = new String(in, StandardCharsets.ISO_8859_1);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?[0-9][0-9.eE+-]*").matcher(text);
                List<int[]> spans = new ArrayList<>();
                while (m.find()) {
                    spans.add(new int[] {m.start(), m.end()});
                }
                if (spans.isEmpty()) {
                    return mutate(in, random, how);
                }
                int[] span = spans.get(random.nextInt(spans.size()));
                String number = NUMBERS[random.nextInt(NUMBERS.length)];
                out = (text.substring(0, span[0]) + number + text.substring(span[1])).getBytes(StandardCharsets.ISO_8859_1);
                how.append(", number at ").append(span[0]).append(" -> ").append(number);
            }
            default -> { // JSON-aware: a node replaced, deleted or renamed (bytes when the text is not JSON)
                out = mutateJson(in, random, how);
                if (out == null) {
                    return mutate(in, random, how);
                }
            }
        }
        return out;
    }

    /** A JSON document with one random node changed, or null when {@code in} is not a JSON object or array. */
    static byte[] mutateJson(byte[] in, Random random, StringBuilder how) {
        JsonElement root;
        try {
            root = JsonParser.parseString(new String(in, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
        if (!root.isJsonObject() && !root.isJsonArray()) {
            return null;
        }
        List<JsonElement> containers = new ArrayList<>();
        collect(root, containers);
        JsonElement container = containers.get(random.nextInt(containers.size()));
        if (container.isJsonObject()) {
            JsonObject object = container.getAsJsonObject();
            if (object.size() == 0) {
                object.add("x", value(random));
                how.append(", a member added");
            } else {
                List<String> keys = new ArrayList<>(object.keySet());
                String key = keys.get(random.nextInt(keys.size()));
                switch (random.nextInt(4)) {
                    case 0 -> {
                        object.remove(key);
                        how.append(", \"").append(key).append("\" removed");
                    }
                    case 1 -> {
                        JsonElement value = object.remove(key);
                        object.add(key + (random.nextBoolean() ? "_" : "").toUpperCase(Locale.ROOT), value);
                        how.append(", \"").append(key).append("\" renamed");
                    }
                    case 2 -> { // field swap: the value of another member
                        String other = keys.get(random.nextInt(keys.size()));
                        JsonElement tmp = object.get(key);
                        object.add(key, object.get(other));
                        object.add(other, tmp);
                        how.append(", values of \"").append(key).append("\" and \"").append(other).append("\" swapped");
                    }
                    default -> {
                        object.add(key, value(random));
                        how.append(", \"").append(key).append("\" replaced");
                    }
                }
            }
        } else {
            JsonArray array = container.getAsJsonArray();
            if (array.size() == 0 || random.nextInt(4) == 0) {
                array.add(value(random));
                how.append(", an element appended");
            } else {
                int at = random.nextInt(array.size());
                if (random.nextBoolean()) {
                    array.remove(at);
                    how.append(", element ").append(at).append(" removed");
                } else {
                    array.set(at, value(random));
                    how.append(", element ").append(at).append(" replaced");
                }
            }
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void collect(JsonElement element, List<JsonElement> into) {
        if (element.isJsonObject()) {
            into.add(element);
            for (Map.Entry<String, JsonElement> e : element.getAsJsonObject().entrySet()) {
                collect(e.getValue(), into);
            }
        } else if (element.isJsonArray()) {
            into.add(element);
            element.getAsJsonArray().forEach(e -> collect(e, into));
        }
    }

    private static JsonElement value(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive(random.nextBoolean());
            case 2 -> new JsonPrimitive("x" + random.nextInt(10));
            case 3 -> new JsonArray();
            case 4 -> new JsonObject();
            case 5 -> {
                JsonArray nested = new JsonArray();
                nested.add(new java.math.BigDecimal(NUMBERS[random.nextInt(6)]));
                yield nested;
            }
            case 6 -> new JsonPrimitive("../../" + random.nextInt(10));
            default -> {
                String number = NUMBERS[random.nextInt(NUMBERS.length)];
                yield number.matches("-?[0-9.e+-]+") ? new JsonPrimitive(new java.math.BigDecimal(number))
                        : new JsonPrimitive(number);
            }
        };
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
