package amem.datasets.store;

import java.io.Closeable;
import amem.datasets.FileNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An opened token store directory: its metadata, its splits and (for word-level stores) its vocabulary.
 *
 * <p>{@link #open} validates what is cheap to validate — {@code meta.json}, that every token file exists
 * and has exactly {@code tokens × bytes per token} bytes (a truncated copy fails here, not mid-training),
 * the line indexes and the vocabulary length — and maps the token files. Checksums are only recomputed on
 * request ({@link #verifyChecksums()}) since hashing 17 GB of OpenWebText takes minutes.
 *
 * <p>A directory without {@code meta.json} is read as a nanoGPT-prepared directory: GPT-2 BPE, 50,257 ids,
 * uint16, one split per {@code *.bin}, and {@code meta().inferred()} is true.
 *
 * <p>Java cannot unmap files explicitly: {@link #close()} drops this store's references and the operating
 * system mappings go away when the splits are garbage-collected.
 */
public final class TokenStore implements Closeable {
    private final Path dir;
    private final TokenStoreMeta meta;
    private final Map<String, TokenSplit> splits;
    private final List<String> vocabulary;
    private volatile boolean closed;

    private TokenStore(Path dir, TokenStoreMeta meta, Map<String, TokenSplit> splits, List<String> vocabulary) {
        this.dir = dir;
        this.meta = meta;
        this.splits = splits;
        this.vocabulary = vocabulary;
    }

    /** Opens and validates the store in {@code dir}. */
    public static TokenStore open(Path dir) throws IOException {
        return open(dir, MappedTokens.DEFAULT_CHUNK_BYTES);
    }

    /** As {@link #open(Path)}, mapping token files in windows of {@code chunkBytes}; small windows let tests cross boundaries. */
    static TokenStore open(Path dir, int chunkBytes) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new TokenStoreException("token store " + dir + " does not exist or is not a directory");
        }
        Path metaFile = dir.resolve(TokenStoreMeta.FILE_NAME);
        TokenStoreMeta meta = Files.exists(metaFile) ? TokenStoreMeta.fromJson(metaFile) : NanoGptDirectory.inferMeta(dir);
        Map<String, TokenSplit> splits = new LinkedHashMap<>();
        for (Map.Entry<String, SplitMeta> e : meta.splits().entrySet()) {
            splits.put(e.getKey(), openSplit(dir, e.getKey(), e.getValue(), meta.dtype(), chunkBytes));
        }
        List<String> vocabulary = meta.vocabFile() == null ? List.of()
                : readVocabulary(FileNames.inside(dir, meta.vocabFile(), metaFile + ", vocab_file"), meta.vocabSize());
        return new TokenStore(dir, meta, Collections.unmodifiableMap(splits), vocabulary);
    }

    private static TokenSplit openSplit(Path dir, String name, SplitMeta s, Dtype dtype, int chunkBytes) throws IOException {
        String origin = dir.resolve(TokenStoreMeta.FILE_NAME) + ", splits." + name;
        Path file = FileNames.inside(dir, s.file(), origin + ".file");
        if (!Files.isRegularFile(file)) {
            throw new TokenStoreException(file + ": token file of split '" + name + "' is missing");
        }
        long expected = s.tokens() * dtype.bytes();
        long actual = Files.size(file);
        if (actual != expected) {
            throw new TokenStoreException(file + ": expected " + expected + " bytes (" + s.tokens() + " tokens × "
                    + dtype.bytes() + " bytes, " + dtype.jsonName() + ") but the file has " + actual + " bytes"
                    + (actual < expected ? " (truncated?)" : ""));
        }
        LineIndex lines = s.linesIndex() == null ? null : LineIndex.read(FileNames.inside(dir, s.linesIndex(), origin + ".lines_index"), s.tokens());
        return new TokenSplit(name, file, new MappedTokens(file, s.tokens(), dtype, chunkBytes), lines);
    }

    private static List<String> readVocabulary(Path file, int vocabSize) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new TokenStoreException(file + ": vocabulary file named in " + TokenStoreMeta.FILE_NAME + " is missing");
        }
        List<String> words = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (words.size() != vocabSize) {
            throw new TokenStoreException(file + ": has " + words.size() + " lines, expected vocab_size = " + vocabSize);
        }
        return List.copyOf(words);
    }

    public TokenStoreMeta meta() {
        return meta;
    }

    public int vocabSize() {
        return meta.vocabSize();
    }

    public Path dir() {
        return dir;
    }

    /** Split names in {@code meta.json} order. */
    public Set<String> splitNames() {
        return splits.keySet();
    }

    public boolean hasSplit(String name) {
        return splits.containsKey(name);
    }

    /** The named split; the message lists the available ones when it is absent. */
    public TokenSplit split(String name) {
        if (closed) {
            throw new IllegalStateException("token store " + dir + " is closed");
        }
        TokenSplit split = splits.get(name);
        if (split == null) {
            throw new IllegalArgumentException("token store " + dir + " has no split '" + name + "'; available: " + splitNames());
        }
        return split;
    }

    /** Token strings by id for word-level stores ({@code vocab.txt}); empty when the store has no vocabulary file. */
    public List<String> vocabulary() {
        return vocabulary;
    }

    /**
     * Recomputes the sha256 of every token file and compares it with {@code meta.json}.
     *
     * @throws TokenStoreException naming the file, the expected and the actual digest on a mismatch, or
     *                             the split when {@code meta.json} recorded no digest for it
     */
    public void verifyChecksums() throws IOException {
        for (Map.Entry<String, SplitMeta> e : meta.splits().entrySet()) {
            Path file = FileNames.inside(dir, e.getValue().file(), TokenStoreMeta.FILE_NAME + ", splits." + e.getKey() + ".file");
            String expected = e.getValue().sha256();
            if (expected == null) {
                throw new TokenStoreException(file + ": no sha256 recorded for split '" + e.getKey() + "'"
                        + (meta.inferred() ? " (no " + TokenStoreMeta.FILE_NAME + ")" : ""));
            }
            String actual = Sha256.ofFile(file);
            if (!actual.equalsIgnoreCase(expected)) {
                throw new TokenStoreException(file + ": sha256 mismatch: expected " + expected + ", actual " + actual);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "TokenStore[" + dir + ", " + meta.tokenizer() + ", vocab " + meta.vocabSize() + ", splits " + splits.values() + "]";
    }
}
