package amem.pipeline.analysis;

import amem.datasets.npy.NpyHeader;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An activation dataset on disk (DESIGN.md "Formats"): {@code DIR/manifest.json} and, per hook point,
 * {@code DIR/<hook>/shard-00000.npy}, {@code shard-00001.npy}, … each of shape (vectors, n), float32 or float16,
 * C order; optionally {@code tokens.npy} and per-row identities (see {@link RowKeys}). Hooks are found by their
 * directories, so a manifest is optional; when present it is kept for reports and may name the id files.
 * Nothing is loaded here but headers: {@link HookReader} streams the vectors.
 */
public final class ActivationSet {

    private static final Pattern SHARD = Pattern.compile("shard-(\\d+)\\.npy");
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");

    /**
     * One hook point's shards.
     *
     * @param name hook name (its directory name)
     * @param shards shard headers in order
     * @param rows vectors in all shards
     * @param width the vector dimension n
     */
    public record Hook(String name, List<NpyHeader> shards, long rows, int width) {}

    private final Path dir;
    private final JsonObject manifest;
    private final List<Hook> hooks;

    private ActivationSet(Path dir, JsonObject manifest, List<Hook> hooks) {
        this.dir = dir;
        this.manifest = manifest;
        this.hooks = hooks;
    }

    /** Opens an activation directory, reading every shard header (and checking each file's size against it). */
    public static ActivationSet open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("activation directory " + dir + ": no such directory");
        }
        JsonObject manifest = readManifest(dir.resolve("manifest.json"));
        List<Hook> hooks = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path sub : entries.filter(Files::isDirectory).toList()) {
                List<Path> shardFiles = shardFiles(sub);
                if (!shardFiles.isEmpty()) {
                    hooks.add(readHook(sub, shardFiles));
                }
            }
        }
        if (hooks.isEmpty()) {
            List<Path> snapshots = snapshots(dir);
            throw new IllegalArgumentException("activation directory " + dir + " holds no hook directories with "
                    + "shard-NNNNN.npy files (expected " + dir + "/<hook>/shard-00000.npy)"
                    + (snapshots.isEmpty() ? "" : "; it has snapshots, e.g. " + snapshots.get(0)));
        }
        hooks.sort(Comparator.comparing(Hook::name, HookNames.MODEL_ORDER));
        return new ActivationSet(dir, manifest, List.copyOf(hooks));
    }

    /** Whether {@code dir} looks like an activation dataset (has a hook directory with shards). */
    public static boolean isActivationSet(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path sub : entries.filter(Files::isDirectory).toList()) {
                if (!shardFiles(sub).isEmpty()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The activation datasets of a run: {@code RUN/activations} itself when it holds hooks, every
     * {@code RUN/activations/step-NNNNNNNNN} snapshot, by step, and any other dataset directly under it (what
     * {@code amem collect --run RUN} writes without {@code --out}).
     */
    public static List<Path> inRun(Path runDir) throws IOException {
        Path root = runDir.resolve("activations");
        List<Path> found = new ArrayList<>();
        if (isActivationSet(root)) {
            found.add(root);
        }
        for (Path snapshot : snapshots(root)) {
            if (isActivationSet(snapshot)) {
                found.add(snapshot);
            }
        }
        return found;
    }

    private static List<Path> snapshots(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            // step-N snapshots of training and any dataset `amem collect --run` wrote there (collect-<split>)
            List<Path> found = new ArrayList<>();
            for (Path p : entries.filter(Files::isDirectory).sorted().toList()) {
                if (STEP_DIR.matcher(p.getFileName().toString()).matches() || isActivationSet(p)) {
                    found.add(p);
                }
            }
            return found;
        }
    }

    private static List<Path> shardFiles(Path hookDir) throws IOException {
        try (Stream<Path> files = Files.list(hookDir)) {
            return files.filter(p -> SHARD.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
    }

    private static Hook readHook(Path hookDir, List<Path> shardFiles) throws IOException {
        String name = hookDir.getFileName().toString();
        List<NpyHeader> shards = new ArrayList<>();
        long rows = 0;
        int width = -1;
        for (int i = 0; i < shardFiles.size(); i++) {
            Path file = shardFiles.get(i);
            Matcher m = SHARD.matcher(file.getFileName().toString());
            if (m.matches() && Integer.parseInt(m.group(1)) != i) {
                throw new AnalysisInputException("hook " + name + ": shard files are not numbered 0, 1, 2, … ("
                        + file.getFileName() + " is shard number " + i + "); is one missing?");
            }
            NpyHeader header = NpyHeader.read(file);
            header.requireMatrix();
            int n = Math.toIntExact(header.shape()[1]);
            if (width >= 0 && n != width) {
                throw new AnalysisInputException("hook " + name + ": " + file + " has vectors of dimension " + n
                        + " but earlier shards have " + width);
            }
            width = n;
            rows += header.rows();
            shards.add(header);
        }
        return new Hook(name, List.copyOf(shards), rows, width);
    }

    private static JsonObject readManifest(Path file) throws IOException {
        return Files.isRegularFile(file) ? RunFiles.readJson(file) : null;
    }

    public Path dir() {
        return dir;
    }

    public List<Hook> hooks() {
        return hooks;
    }

    /** The hook named {@code name}, if present. */
    public Optional<Hook> hook(String name) {
        return hooks.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    /**
     * The run whose checkpoint recorded the dataset in {@code dir} ({@code amem collect --run} writes it to the
     * manifest's {@code model.run}), when that directory still holds a run; empty for datasets of Hugging Face
     * weights or without a manifest. {@code amem analyze --activations} writes its tables into that run, where the
     * report reads them.
     */
    public static Optional<Path> sourceRun(Path dir) throws IOException {
        JsonObject manifest = readManifest(dir.resolve("manifest.json"));
        if (manifest == null || !manifest.has("model") || !manifest.get("model").isJsonObject()) {
            return Optional.empty();
        }
        JsonObject model = manifest.getAsJsonObject("model");
        if (!model.has("run") || !model.get("run").isJsonPrimitive()) {
            return Optional.empty();
        }
        Path run = Path.of(model.get("run").getAsString());
        return Files.isRegularFile(run.resolve("config.json")) ? Optional.of(run) : Optional.empty();
    }

    /** The parsed manifest, if the directory has one. */
    public Optional<JsonObject> manifest() {
        return Optional.ofNullable(manifest);
    }

    /** The training step of a snapshot: the manifest's {@code step}, or the directory name {@code step-N}. */
    public OptionalLong step() {
        if (manifest != null && manifest.has("step") && manifest.get("step").isJsonPrimitive()
                && manifest.get("step").getAsJsonPrimitive().isNumber()) {
            return OptionalLong.of(manifest.get("step").getAsLong());
        }
        Matcher m = STEP_DIR.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** String-valued manifest fields whose name contains {@code part} (case-insensitive), searched one level deep. */
    Map<String, String> manifestFiles(String part) {
        Map<String, String> found = new HashMap<>();
        if (manifest == null) {
            return found;
        }
        collectFiles(manifest, "", part.toLowerCase(Locale.ROOT), found, 0);
        return found;
    }

    private static void collectFiles(JsonObject object, String prefix, String part, Map<String, String> found, int depth) {
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            JsonElement value = e.getValue();
            String key = prefix + e.getKey();
            if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()
                    && value.getAsString().endsWith(".npy") && key.toLowerCase(Locale.ROOT).contains(part)) {
                found.put(key, value.getAsString());
            } else if (value.isJsonObject() && depth < 1) {
                collectFiles(value.getAsJsonObject(), key + ".", part, found, depth + 1);
            }
        }
    }
}
