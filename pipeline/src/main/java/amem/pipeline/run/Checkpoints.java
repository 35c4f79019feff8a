package amem.pipeline.run;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The checkpoints of a run, {@code checkpoints/step-000000500/}: each a directory with the files the trainer
 * writes (model parameters, optimizer state) and {@code state.json} (step, counters, seeds and the SHA-256 of
 * every other file). A checkpoint is written into {@code .tmp-step-…}, forced to disk and renamed into place,
 * so a kill at any moment leaves either the complete new checkpoint or none; older ones are pruned only after
 * the new one is in place. Loading verifies the checksums and falls back to the previous checkpoint when the
 * newest is damaged.
 */
public final class Checkpoints {

    /** A checkpoint on disk whose checksums were verified. */
    public record Checkpoint(Path dir, long step, JsonObject state) {
        public Path file(String name) {
            return dir.resolve(name);
        }
    }

    /** Writes a checkpoint's payload files into the directory it is given. */
    @FunctionalInterface
    public interface Payload {
        void writeTo(Path dir) throws IOException;
    }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private static final String PREFIX = "step-";
    private static final String STATE = "state.json";

    private final Path dir;
    private final int keep;

    public Checkpoints(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
    }

    /** Writes checkpoint {@code step} atomically and prunes all but the newest {@code keep}. */
    public Path save(long step, JsonObject state, Payload payload) throws IOException {
        Files.createDirectories(dir);
        String name = String.format(Locale.ROOT, "%s%09d", PREFIX, step);
        Path temporary = dir.resolve(".tmp-" + name);
        Path target = dir.resolve(name);
        try {
            AtomicFiles.deleteTree(temporary);
            Files.createDirectories(temporary);
            payload.writeTo(temporary);

            JsonObject files = new JsonObject();
            try (Stream<Path> written = Files.list(temporary)) {
                for (Path file : written.sorted().toList()) {
                    AtomicFiles.force(file);
                    files.addProperty(file.getFileName().toString(), AtomicFiles.sha256(file));
                }
            }
            JsonObject full = state.deepCopy();
            full.addProperty("step", step);
            full.add("files", files);
            Path stateFile = temporary.resolve(STATE);
            Files.writeString(stateFile, GSON.toJson(full) + "\n");
            AtomicFiles.force(stateFile);

            AtomicFiles.deleteTree(target);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteTree(temporary);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        forceDirectory(dir);
        prune();
        return target;
    }

    /** The newest checkpoint whose files match their checksums; damaged ones are reported and skipped. */
    public Optional<Checkpoint> latest(Consumer<String> warnings) throws IOException {
        for (Path candidate : complete()) {
            try {
                return Optional.of(verify(candidate));
            } catch (IOException | RuntimeException e) {
                warnings.accept("checkpoint " + candidate + " is damaged (" + e.getMessage() + "); trying an older one");
            }
        }
        return Optional.empty();
    }

    /** Checks a checkpoint directory against the checksums in its state.json. */
    public static Checkpoint verify(Path checkpointDir) throws IOException {
        Path stateFile = checkpointDir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IOException("no " + STATE + " in " + checkpointDir);
        }
        JsonObject state = JsonParser.parseString(Files.readString(stateFile)).getAsJsonObject();
        JsonObject files = state.getAsJsonObject("files");
        for (String name : files.keySet()) {
            Path file = checkpointDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + " is missing");
            }
            String actual = AtomicFiles.sha256(file);
            String expected = files.get(name).getAsString();
            if (!actual.equals(expected)) {
                throw new IOException(file + " has sha256 " + actual + ", state.json records " + expected);
            }
        }
        return new Checkpoint(checkpointDir, state.get("step").getAsLong(), state);
    }

    /** Complete checkpoint directories, newest first; leftovers of interrupted writes are removed. */
    private List<Path> complete() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> result = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".tmp-")) {
                    AtomicFiles.deleteTree(entry);
                } else if (name.startsWith(PREFIX) && Files.isDirectory(entry)) {
                    result.add(entry);
                }
            }
        }
        result.sort(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed());
        return result;
    }

    private void prune() throws IOException {
        List<Path> all = complete();
        for (int i = keep; i < all.size(); i++) {
            AtomicFiles.deleteTree(all.get(i));
        }
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the rename itself is still atomic.
        }
    }
}
