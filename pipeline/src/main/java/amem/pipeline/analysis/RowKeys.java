package amem.pipeline.analysis;

import amem.datasets.FileNames;
import amem.datasets.npy.NpyReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which token position each row of a hook records, so that docs/THEORY.md §2's nearest-neighbour search can leave out
 * "the vector itself and exact duplicates of the same token position": two rows with the same key are never
 * each other's neighbour. Keys come from, in this order of preference, in the hook's directory and then in the
 * dataset's root (or files the manifest names):
 * <ul>
 *   <li>{@code offsets.npy} / {@code token_offsets.npy}: the token's offset in its token store (unique per
 *       position);</li>
 *   <li>{@code positions.npy} together with {@code doc_ids.npy}, {@code document_ids.npy}, {@code documents.npy}
 *       or {@code docs.npy}: the pair (document, position).</li>
 * </ul>
 * Without them every row is its own key (only self-matches are excluded); {@link #source()} says which applied.
 *
 * @param keys one key per row; equal keys mean the same token position
 * @param source where the keys came from, for the report ("row index" when no id files exist)
 */
public record RowKeys(long[] keys, String source) {

    private static final List<String> OFFSET_FILES = List.of("offsets.npy", "token_offsets.npy");
    private static final List<String> POSITION_FILES = List.of("positions.npy");
    private static final List<String> DOCUMENT_FILES = List.of("doc_ids.npy", "document_ids.npy", "documents.npy", "docs.npy");

    /** Every row its own key. */
    public static RowKeys identity(long rows) {
        long[] keys = new long[Math.toIntExact(rows)];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i;
        }
        return new RowKeys(keys, "row index");
    }

    /** The keys of {@code hook}'s rows in {@code set}. */
    public static RowKeys of(ActivationSet set, ActivationSet.Hook hook) throws IOException {
        Path hookDir = set.dir().resolve(hook.name());
        RowKeys own = fromPlace(hookDir, null, null, hook, true);
        if (own != null) {
            return own;
        }
        // Files at the dataset's root describe the tokens every hook recorded; a hook with another row count
        // (e.g. one recorded at other positions) cannot use them.
        Map<String, String> offsetFiles = set.manifestFiles("offset");
        Map<String, String> positionFiles = set.manifestFiles("position");
        Map<String, String> documentFiles = set.manifestFiles("doc");
        String manifest = set.dir().resolve("manifest.json").toString();
        RowKeys shared = fromPlace(set.dir(),
                offsetFiles.isEmpty() ? null : FileNames.inside(set.dir(), offsetFiles.values().iterator().next(), manifest),
                positionFiles.isEmpty() || documentFiles.isEmpty() ? null : new Path[] {
                    FileNames.inside(set.dir(), documentFiles.values().iterator().next(), manifest),
                    FileNames.inside(set.dir(), positionFiles.values().iterator().next(), manifest)},
                hook, false);
        if (shared != null && shared.keys.length == hook.rows()) {
            return shared;
        }
        RowKeys rows = identity(hook.rows());
        return shared == null ? rows : new RowKeys(rows.keys, "row index (" + shared.source + " has "
                + shared.keys.length + " entries, the hook " + hook.rows() + ")");
    }

    /**
     * Keys from the files in {@code dir}, else from the manifest-named files; null when there are none. With
     * {@code strict} a length that differs from the hook's row count is an error.
     */
    private static RowKeys fromPlace(Path dir, Path manifestOffsets, Path[] manifestPair, ActivationSet.Hook hook,
            boolean strict) throws IOException {
        Path offsets = first(dir, OFFSET_FILES);
        if (offsets == null) {
            offsets = manifestOffsets;
        }
        if (offsets != null) {
            return fromOffsets(offsets, hook, strict);
        }
        Path positions = first(dir, POSITION_FILES);
        Path documents = first(dir, DOCUMENT_FILES);
        if ((positions == null || documents == null) && manifestPair != null) {
            documents = manifestPair[0];
            positions = manifestPair[1];
        }
        if (positions != null && documents != null) {
            return fromPairs(documents, positions, hook, strict);
        }
        return null;
    }

    /** The keys of the selected rows (ascending row indices). */
    public RowKeys select(long[] rows) {
        long[] selected = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            selected[i] = keys[Math.toIntExact(rows[i])];
        }
        return new RowKeys(selected, source);
    }

    /** Number of rows whose key an earlier row already has (repeated token positions). */
    public long repeats() {
        Map<Long, Boolean> seen = new HashMap<>(keys.length * 2);
        long repeats = 0;
        for (long key : keys) {
            if (seen.put(key, Boolean.TRUE) != null) {
                repeats++;
            }
        }
        return repeats;
    }

    private static Path first(Path dir, List<String> names) {
        for (String name : names) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        return null;
    }

    private static RowKeys fromOffsets(Path file, ActivationSet.Hook hook, boolean strict) throws IOException {
        long[] offsets = readIds(file, hook, strict);
        return new RowKeys(offsets, "token offset (" + file.getFileName() + ")");
    }

    private static RowKeys fromPairs(Path documentFile, Path positionFile, ActivationSet.Hook hook, boolean strict)
            throws IOException {
        long[] documents = readIds(documentFile, hook, strict);
        long[] positions = readIds(positionFile, hook, strict);
        if (documents.length != positions.length) {
            throw new AnalysisInputException(documentFile + " has " + documents.length + " entries but " + positionFile
                    + " has " + positions.length);
        }
        Map<List<Long>, Long> dense = new HashMap<>(documents.length * 2);
        long[] keys = new long[documents.length];
        for (int i = 0; i < keys.length; i++) {
            List<Long> pair = new ArrayList<>(2);
            pair.add(documents[i]);
            pair.add(positions[i]);
            Long key = dense.putIfAbsent(pair, (long) dense.size());
            keys[i] = key == null ? dense.size() - 1 : key;
        }
        return new RowKeys(keys, "(document, position) (" + documentFile.getFileName() + ", " + positionFile.getFileName() + ")");
    }

    private static long[] readIds(Path file, ActivationSet.Hook hook, boolean strict) throws IOException {
        long[] ids;
        try (NpyReader reader = NpyReader.open(file)) {
            ids = reader.readLongs();
        }
        if (strict && ids.length != hook.rows()) {
            throw new AnalysisInputException(file + " has " + ids.length + " entries but hook " + hook.name()
                    + " has " + hook.rows() + " vectors; the ids must have one entry per vector");
        }
        return ids;
    }
}
