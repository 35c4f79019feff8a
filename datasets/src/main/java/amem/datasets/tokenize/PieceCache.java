package amem.datasets.tokenize;

import java.util.Arrays;

/**
 * Token ids of pre-tokenizer pieces already encoded, looked up by a range of the text without copying it. English
 * pieces repeat so much (" the", ",", " and") that almost every lookup hits, which leaves the byte-pair merges to
 * the few new pieces. The lookup is the hottest spot of tokenizing, so everything lives in two int arrays rather
 * than objects: a slot table (open addressing, linear probing) of {hash, entry offset} and an arena where an entry
 * is {chars, ids, the piece's chars, its ids}, one or two cache lines per hit. Bounded: when {@link #MAX_ENTRIES}
 * entries or {@link #MAX_ARENA} ints are held it starts empty again, so memory stays a few megabytes whatever the
 * corpus. Not thread-safe: one per thread.
 */
final class PieceCache {
    /** Longer pieces (runs of spaces or dashes, long words) are rare and are encoded without the cache. */
    static final int MAX_PIECE_CHARS = 48;
    /** Entries held at most (half the slots, so probes stay short). */
    static final int MAX_ENTRIES = 1 << 17;
    /** Arena ints held at most (16 MB). */
    static final int MAX_ARENA = 1 << 22;

    private final int[] slots = new int[2 * 2 * MAX_ENTRIES]; // {hash, offset + 1}; offset + 1 == 0: empty
    private int[] arena = new int[1 << 16];
    private int used;
    private int size;

    /** Hash of {@code text[start, end)} for {@link #find} and {@link #put}. */
    static int hash(char[] text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text[i];
        }
        return h ^ (h >>> 15);
    }

    /** The entry of the piece {@code text[start, end)} with hash {@code hash} (for {@link #copyIds}), or −1. */
    int find(char[] text, int start, int end, int hash) {
        int mask = slots.length / 2 - 1;
        int length = end - start;
        for (int slot = hash & mask; slots[2 * slot + 1] != 0; slot = (slot + 1) & mask) {
            if (slots[2 * slot] == hash) {
                int entry = slots[2 * slot + 1] - 1;
                if (arena[entry] == length && sameChars(entry + 2, text, start, length)) {
                    return entry;
                }
            }
        }
        return -1;
    }

    private boolean sameChars(int at, char[] text, int start, int length) {
        for (int i = 0; i < length; i++) {
            if (arena[at + i] != text[start + i]) {
                return false;
            }
        }
        return true;
    }

    /** Copies the ids of {@code entry} to {@code out} from {@code count} on; returns the new count. */
    int copyIds(int entry, int[] out, int count) {
        int chars = arena[entry];
        int ids = arena[entry + 1];
        System.arraycopy(arena, entry + 2 + chars, out, count, ids);
        return count + ids;
    }

    /** Stores {@code ids} for the piece {@code text[start, end)} (not held yet) with hash {@code hash}. */
    void put(char[] text, int start, int end, int hash, int[] ids) {
        int length = end - start;
        int need = 2 + length + ids.length;
        if (size == MAX_ENTRIES || used + need > MAX_ARENA) {
            Arrays.fill(slots, 0);
            used = 0;
            size = 0;
        }
        if (used + need > arena.length) {
            arena = Arrays.copyOf(arena, Math.min(MAX_ARENA, Math.max(2 * arena.length, used + need)));
        }
        int entry = used;
        arena[entry] = length;
        arena[entry + 1] = ids.length;
        for (int i = 0; i < length; i++) {
            arena[entry + 2 + i] = text[start + i];
        }
        System.arraycopy(ids, 0, arena, entry + 2 + length, ids.length);
        used += need;
        int mask = slots.length / 2 - 1;
        int slot = hash & mask;
        while (slots[2 * slot + 1] != 0) {
            slot = (slot + 1) & mask;
        }
        slots[2 * slot] = hash;
        slots[2 * slot + 1] = entry + 1;
        size++;
    }
}
