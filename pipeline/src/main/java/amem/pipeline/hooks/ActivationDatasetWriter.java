package amem.pipeline.hooks;

import amem.datasets.npy.NpyDtype;
import amem.datasets.npy.NpyWriter;
import amem.models.HookPoint;
import amem.pipeline.run.AtomicFiles;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Streams recorded activations to disk as an activation dataset:
 *
 * <pre>
 * out/manifest.json                       written last: what, from where, how, and every file's shape
 * out/&lt;hook&gt;/shard-00000.npy, ...        (vectors, width) float32 or float16, at most shardVectors rows each
 * out/tokens.npy     (records,) int32     token id of each record
 * out/positions.npy  (records,) int32     position in its sequence
 * out/documents.npy  (records,) int64     line number or window index
 * out/offsets.npy    (records,) int64     offset of the token in its split (same offset = same corpus token)
 * </pre>
 *
 * Row i of every file is record i. Everything is written into a hidden sibling directory ({@code .NAME.partial-PID})
 * and renamed to {@code out} only after the manifest is in, so a directory named {@code out} is always complete;
 * an interrupted or failed collection leaves no {@code out} (and {@link #close()} removes the partial one).
 */
public final class ActivationDatasetWriter implements ActivationSink {

    public static final String MANIFEST = "manifest.json";
    public static final String FORMAT = "amem-activations/1";

    private final Path out;
    private final Path partial;
    private final long shardVectors;
    private final boolean overwrite;
    private final Map<String, HookFiles> hooks = new LinkedHashMap<>();
    private NpyDtype dtype;
    private NpyWriter tokens;
    private NpyWriter positions;
    private NpyWriter documents;
    private NpyWriter offsets;
    private long records;
    private boolean committed;

    /** The shards of one hook. */
    private final class HookFiles {
        final HookPoint point;
        final Path dir;
        final List<JsonObject> shards = new ArrayList<>();
        NpyWriter current;

        HookFiles(HookPoint point, Path dir) {
            this.point = point;
            this.dir = dir;
        }

        void write(ByteBuffer data, int count) throws IOException {
            long rowBytes = (long) point.width() * dtype.bytes();
            int done = 0;
            while (done < count) {
                if (current == null || current.rows() == shardVectors) {
                    finishShard();
                    String name = String.format(Locale.ROOT, "shard-%05d.npy", shards.size());
                    current = new NpyWriter(dir.resolve(name), dtype, point.width());
                }
                int rows = (int) Math.min(count - done, shardVectors - current.rows());
                ByteBuffer part = data.slice((int) (done * rowBytes), (int) (rows * rowBytes));
                current.append(part, rows);
                done += rows;
            }
        }

        void finishShard() throws IOException {
            if (current != null) {
                current.close();
                JsonObject shard = new JsonObject();
                shard.addProperty("file", point.name() + "/" + current.file().getFileName());
                shard.addProperty("rows", current.rows());
                shards.add(shard);
                current = null;
            }
        }
    }

    /**
     * @param out the dataset directory to create
     * @param shardVectors rows per shard file
     * @param overwrite replace an existing dataset at {@code out} (only once the new one is complete)
     * @throws IllegalArgumentException when {@code out} exists and {@code overwrite} is false
     */
    public ActivationDatasetWriter(Path out, long shardVectors, boolean overwrite) throws IOException {
        if (shardVectors < 1) {
            throw new IllegalArgumentException("vectors per shard must be positive, got " + shardVectors);
        }
        if (Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(out + " already exists; choose another output directory or allow "
                    + "overwriting (--overwrite)");
        }
        this.out = out.toAbsolutePath().normalize();
        this.shardVectors = shardVectors;
        this.overwrite = overwrite;
        Path parent = this.out.getParent();
        Files.createDirectories(parent);
        this.partial = parent.resolve("." + this.out.getFileName() + ".partial-" + ProcessHandle.current().pid());
        AtomicFiles.deleteTree(partial);
        Files.createDirectories(partial);
    }

    @Override
    public void open(List<HookPoint> points, NpyDtype dtype) throws IOException {
        this.dtype = dtype;
        for (HookPoint point : points) {
            Path dir = partial.resolve(point.name());
            Files.createDirectories(dir);
            hooks.put(point.name(), new HookFiles(point, dir));
        }
        tokens = new NpyWriter(partial.resolve("tokens.npy"), NpyDtype.INT32, 0);
        positions = new NpyWriter(partial.resolve("positions.npy"), NpyDtype.INT32, 0);
        documents = new NpyWriter(partial.resolve("documents.npy"), NpyDtype.INT64, 0);
        offsets = new NpyWriter(partial.resolve("offsets.npy"), NpyDtype.INT64, 0);
    }

    @Override
    public void write(RecordedBatch batch) throws IOException {
        int count = batch.count();
        for (HookFiles files : hooks.values()) {
            files.write(batch.vectors().get(files.point.name()), count);
        }
        tokens.appendInts(batch.tokens(), count);
        positions.appendInts(batch.positions(), count);
        documents.appendLongs(batch.documents(), count);
        offsets.appendLongs(batch.offsets(), count);
        records += count;
    }

    /** Records written so far. */
    public long records() {
        return records;
    }

    /**
     * Closes every file, writes {@code manifest.json} ({@code description}'s members plus the format, counts,
     * dtype and the shards of each hook) and renames the directory into place.
     *
     * @return the manifest as written
     */
    public JsonObject commit(JsonObject description) throws IOException {
        for (HookFiles files : hooks.values()) {
            files.finishShard();
        }
        for (NpyWriter writer : List.of(tokens, positions, documents, offsets)) {
            writer.close();
        }
        JsonObject manifest = new JsonObject();
        manifest.addProperty("format", FORMAT);
        manifest.addProperty("records", records);
        manifest.addProperty("dtype", dtype.key());
        JsonObject hookInfo = new JsonObject();
        for (HookFiles files : hooks.values()) {
            JsonObject info = new JsonObject();
            info.addProperty("kind", files.point.kind().name().toLowerCase(Locale.ROOT));
            info.addProperty("width", files.point.width());
            JsonArray shape = new JsonArray();
            shape.add(records);
            shape.add(files.point.width());
            info.add("shape", shape);
            JsonArray shards = new JsonArray();
            files.shards.forEach(shards::add);
            info.add("shards", shards);
            hookInfo.add(files.point.name(), info);
        }
        manifest.add("hooks", hookInfo);
        JsonObject perRecord = new JsonObject();
        perRecord.addProperty("tokens", "tokens.npy");
        perRecord.addProperty("positions", "positions.npy");
        perRecord.addProperty("documents", "documents.npy");
        perRecord.addProperty("offsets", "offsets.npy");
        manifest.add("record_files", perRecord);
        description.entrySet().forEach(e -> manifest.add(e.getKey(), e.getValue()));
        AtomicFiles.writeString(partial.resolve(MANIFEST),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(manifest) + "\n");
        Path previous = null;
        if (Files.exists(out)) {
            if (!overwrite) {
                throw new IllegalArgumentException(out + " appeared while collecting; the new dataset is left in "
                        + partial);
            }
            previous = out.resolveSibling("." + out.getFileName() + ".replaced-" + ProcessHandle.current().pid());
            AtomicFiles.deleteTree(previous);
            Files.move(out, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
        committed = true;
        if (previous != null) {
            AtomicFiles.deleteTree(previous);
        }
        return manifest;
    }

    /** Without a {@link #commit}: closes the files and removes the partial directory. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        IOException first = null;
        List<NpyWriter> open = new ArrayList<>();
        hooks.values().forEach(h -> open.add(h.current));
        open.addAll(java.util.Arrays.asList(tokens, positions, documents, offsets));
        for (NpyWriter writer : open) {
            try {
                if (writer != null) {
                    writer.close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        AtomicFiles.deleteTree(partial);
        if (first != null) {
            throw first;
        }
    }
}
