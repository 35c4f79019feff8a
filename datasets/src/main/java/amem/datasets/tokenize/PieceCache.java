package amem.datasets.tokenize;

/**
 * Token ids of pre-tokenizer pieces already encoded, looked up by a range of the text without copying it. English
 * pieces repeat so much (" the", ",", " and") that almost every lookup hits, which leaves the byte-pair merges to
 * the few new pieces. Open addressing with linear probing; bounded: when {@link #MAX_ENTRIES} are held it starts
 * empty again, so memory stays a few megabytes whatever the corpus. Not thread-safe: one per thread.
 */
final class PieceCache {
    /** Longer pieces (runs of spaces or dashes, long words) are rare and are encoded without the cache. */
    static final int MAX_PIECE_CHARS = 48;
    /** Entries held at most (half the slots, so probes stay short). */
    static final int MAX_ENTRIES = 1 << 16;

    private final String[] keys = new String[2 * MAX_ENTRIES];
    private final int[][] values = new int[2 * MAX_ENTRIES][];
    private final int[] hashes = new int[2 * MAX_ENTRIES];
    private int size;

    /** Hash of {@code text[start, end)} for {@link #get} and {@link #put}. */
    static int hash(String text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h ^ (h >>> 15);
    }

    /** The ids stored for the piece {@code text[start, end)} with hash {@code hash}, or null. */
    int[] get(String text, int start, int end, int hash) {
        int mask = keys.length - 1;
        int length = end - start;
        for (int slot = hash & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (hashes[slot] == hash && key.length() == length && key.regionMatches(0, text, start, length)) {
                return values[slot];
            }
        }
        return null;
    }

    /** Stores {@code ids} for {@code piece} (not held yet) with hash {@code hash}. */
    void put(String piece, int hash, int[] ids) {
        if (size == MAX_ENTRIES) {
            java.util.Arrays.fill(keys, null);
            java.util.Arrays.fill(values, null);
            size = 0;
        }
        int mask = keys.length - 1;
        int slot = hash & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = piece;
        values[slot] = ids;
        hashes[slot] = hash;
        size++;
    }
}
