package amem.datasets.tokenize;

import java.util.Arrays;

/**
 * Token ids of pre-tokenizer pieces already encoded, looked up by a range of the text without copying it. English
 * pieces repeat so much (" the", ",", " and") that almost every lookup hits, which leaves the byte-pair merges to
 * the few new pieces. The lookup is the hottest spot of tokenizing, so everything lives in primitive arrays rather
 * than objects, in two levels:
 *
 * <ul>
 *   <li>a small direct-mapped <em>front</em> table of short pieces ({@link #FRONT_CHARS} chars, {@link #FRONT_IDS}
 *       GPT-2 ids at most) held inline: the chars packed into three longs and the length and ids in a fourth, 32
 *       bytes an entry, 256 KB in all, so it stays in the core's L2 cache (1 MB here). The pieces are
 *       Zipf-distributed: the few thousand most frequent ones make up most lookups (91 % of the books' lookups hit the
 *       front), and a hit reads one cache line;
 *   <li>the <em>main</em> table of every piece held, sized to what it holds (grown by rehash): short pieces inline in
 *       an open-addressed table of such 4-long entries (a hit costs one random cache line and is then copied to the
 *       front, replacing whatever shared its front entry), and the others (longer, or of more ids) in a slot table
 *       of {hash, entry offset} and an arena where an entry is {chars, ids, the piece's chars, its ids}.
 * </ul>
 *
 * The chars of a short piece are read once, by straight-line code (C1 neither unrolls loops nor drops their
 * branches, and {@code prepare text} runs on C1 only), into the packed key whose 64-bit hash picks both the front
 * entry and the main slot. Why, with figures (the 18 Gutenberg books, 11.8 MB, 2.9M pieces, 66,511 distinct;
 * 2026-12-06, 2 cores shared with other work, so estimates): the single fixed 2 MB slot table plus arena that this
 * replaces had {@code find} at about 46 % of the tokenizing threads' JFR samples, as every hit, frequent or not,
 * hashed the chars, read a random slot and a random arena entry and compared the chars again. Looking up the books'
 * pieces alone on one thread (C1, best of 8) took 100–107 ms before, 75–80 ms now; {@code amem prepare text} on the
 * books, 36 alternating rounds: tokenizing 41.6 against 38.6 MB/s (medians, faster in 33 rounds), the whole command
 * 0.625 against 0.670 s wall (median per-round ratio 0.967; in the quietest 12 rounds 0.570 against 0.590 s). The
 * front table alone, in front of the old main table, measured no faster in the whole command: its misses were the
 * costly rare pieces, still two cache misses each.
 *
 * <p>Bounded: when {@link #MAX_ENTRIES} entries or {@link #MAX_ARENA} ints are held it starts empty again, so memory
 * stays under about 30 MB whatever the corpus (8 MB of inline table, 2 MB of slots, 16 MB of arena at most). Not
 * thread-safe: one per thread.
 */
final class PieceCache {
    /** Longer pieces (runs of spaces or dashes, long words) are rare and are encoded without the cache. */
    static final int MAX_PIECE_CHARS = 48;
    /** Entries held at most, both parts of the main table together (tables at most half full: short probes). */
    static final int MAX_ENTRIES = 1 << 17;
    /** Arena ints held at most (16 MB). */
    static final int MAX_ARENA = 1 << 22;
    /** Longest piece the front table holds: 12 chars of 16 bits in three longs. */
    static final int FRONT_CHARS = 12;
    /** Most ids of a piece the front table holds (16 bits each, with the length and count, in one long). */
    static final int FRONT_IDS = 3;
    /**
     * Front entries (a power of two): 8K, 256 KB. With the books' 2.92M pieces on one thread, 4K entries left 354K
     * lookups to the main table, 8K 254K, 16K 189K, 32K 148K (66.5K of them new pieces); the encode loop alone was
     * no faster at 16K than at 8K (noisy, 2026-12-06), as the larger table crowds L2.
     */
    static final int FRONT_SLOTS = 1 << 13;
    private static final int FRONT_SHIFT = 64 - Integer.numberOfTrailingZeros(FRONT_SLOTS);
    private static final int MIN_SLOTS = 1 << 12;

    /** {chars 0–3, chars 4–7, chars 8–11, length | ids << 4 | id0 << 8 | id1 << 24 | id2 << 40}; 0: empty. */
    private final long[] front = new long[4 * FRONT_SLOTS];
    /** Short pieces of the main table, inline: entries as in {@link #front}, open addressing, linear probing. */
    private long[] shorts = new long[4 * MIN_SLOTS];
    private int[] slots = new int[2 * MIN_SLOTS]; // {hash, offset + 1}; offset + 1 == 0: empty
    private int[] arena = new int[1 << 16];
    private int used;
    private int size; // entries of both parts of the main table
    private int shortCount;
    /** The chars of the last piece {@link #mix} was given, packed (scratch, so that it need not return three longs). */
    private long k0;
    private long k1;
    private long k2;

    /**
     * Hash of {@code text[start, end)} for the main table ({@link #find}, {@link #put}): of a short piece, the top
     * half of {@link #mix} (so that a piece missing from the front table is not read a second time); of a longer one,
     * a polynomial over its chars.
     */
    int hash(char[] text, int start, int end) {
        if (end - start <= FRONT_CHARS) {
            return (int) (mix(text, start, end) >>> 32);
        }
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text[i];
        }
        return h ^ (h >>> 15);
    }

    /**
     * Packs the piece {@code text[start, end)} (at most {@link #FRONT_CHARS} chars) into {@link #k0}, {@link #k1},
     * {@link #k2} and returns a 64-bit hash of it. Straight-line code (a switch that falls through, one char per
     * case) rather than a loop: {@code prepare text} runs on C1, which neither unrolls nor removes the loop's own
     * branches, and this is one of the two passes over the text.
     */
    @SuppressWarnings("fallthrough")
    private long mix(char[] text, int start, int end) {
        long a = 0;
        long b = 0;
        long c = 0;
        switch (end - start) {
            case 12: c |= (long) text[start + 11] << 48;
            case 11: c |= (long) text[start + 10] << 32;
            case 10: c |= (long) text[start + 9] << 16;
            case 9: c |= text[start + 8];
            case 8: b |= (long) text[start + 7] << 48;
            case 7: b |= (long) text[start + 6] << 32;
            case 6: b |= (long) text[start + 5] << 16;
            case 5: b |= text[start + 4];
            case 4: a |= (long) text[start + 3] << 48;
            case 3: a |= (long) text[start + 2] << 32;
            case 2: a |= (long) text[start + 1] << 16;
            case 1: a |= text[start];
            default:
        }
        k0 = a;
        k1 = b;
        k2 = c;
        return mix(a, b, c, end - start);
    }

    /** The 64-bit hash of a packed piece (also for rehashing {@link #shorts}, from the keys it holds). */
    private static long mix(long a, long b, long c, long length) {
        return ((a * 0x9E3779B97F4A7C15L + b) * 0x9E3779B97F4A7C15L + c + length) * 0xC2B2AE3D27D4EB4FL;
    }

    /**
     * Appends the ids of the piece {@code text[start, end)} (1 to {@link #MAX_PIECE_CHARS} chars) to {@code out}
     * from {@code count} on and returns the new count, or returns −1 when the piece is not held ({@code out} must
     * have room for the ids: never more than the piece's UTF-8 bytes).
     */
    int lookup(char[] text, int start, int end, int[] out, int count) {
        int length = end - start;
        if (length > FRONT_CHARS) {
            int entry = find(text, start, end, hash(text, start, end));
            return entry < 0 ? -1 : copyIds(entry, out, count);
        }
        long m = mix(text, start, end);
        int f = (int) (m >>> FRONT_SHIFT) << 2;
        long meta = front[f + 3];
        if ((meta & 0xf) == length && front[f] == k0 && front[f + 1] == k1 && front[f + 2] == k2) {
            return writeIds(meta, out, count);
        }
        int hash = (int) (m >>> 32);
        int mask = shorts.length / 4 - 1;
        for (int slot = hash & mask; shorts[4 * slot + 3] != 0; slot = (slot + 1) & mask) {
            int t = 4 * slot;
            meta = shorts[t + 3];
            if ((meta & 0xf) == length && shorts[t] == k0 && shorts[t + 1] == k1 && shorts[t + 2] == k2) {
                front[f] = k0; // replaces whatever piece held the front entry
                front[f + 1] = k1;
                front[f + 2] = k2;
                front[f + 3] = meta;
                return writeIds(meta, out, count);
            }
        }
        int entry = find(text, start, end, hash); // a short piece of more ids than fit inline
        return entry < 0 ? -1 : copyIds(entry, out, count);
    }

    private static int writeIds(long meta, int[] out, int count) {
        out[count] = (int) (meta >>> 8 & 0xffff);
        int ids = (int) (meta >>> 4 & 0xf);
        if (ids > 1) {
            out[count + 1] = (int) (meta >>> 24 & 0xffff);
            if (ids > 2) {
                out[count + 2] = (int) (meta >>> 40 & 0xffff);
            }
        }
        return count + ids;
    }

    /** The front entry of the piece {@code text[start, end)} (at most {@link #FRONT_CHARS} chars; for tests). */
    int frontEntry(char[] text, int start, int end) {
        return (int) (mix(text, start, end) >>> FRONT_SHIFT);
    }

    /** The inline entry's last long for a piece of {@code length} chars and {@code ids}, or 0 if they do not fit. */
    private static long inlineMeta(int length, int[] ids) {
        if (length > FRONT_CHARS || ids.length < 1 || ids.length > FRONT_IDS) {
            return 0;
        }
        long meta = length | (long) ids.length << 4;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] > 0xffff) {
                return 0; // not a GPT-2 id: left to the arena
            }
            meta |= (long) ids[i] << (8 + 16 * i);
        }
        return meta;
    }

    /** Stores {@code ids} for the piece {@code text[start, end)} (not held yet; at most {@link #MAX_PIECE_CHARS}). */
    void put(char[] text, int start, int end, int[] ids) {
        long meta = inlineMeta(end - start, ids);
        if (meta == 0) {
            put(text, start, end, hash(text, start, end), ids);
            return;
        }
        long m = mix(text, start, end);
        if (size == MAX_ENTRIES) {
            clear();
        }
        if (2 * (shortCount + 1) > shorts.length / 4) {
            shorts = rehash(shorts, 2 * shorts.length);
        }
        insertShort(shorts, (int) (m >>> 32), k0, k1, k2, meta);
        shortCount++;
        size++;
    }

    private static void insertShort(long[] table, int hash, long a, long b, long c, long meta) {
        int mask = table.length / 4 - 1;
        int slot = hash & mask;
        while (table[4 * slot + 3] != 0) {
            slot = (slot + 1) & mask;
        }
        table[4 * slot] = a;
        table[4 * slot + 1] = b;
        table[4 * slot + 2] = c;
        table[4 * slot + 3] = meta;
    }

    private static long[] rehash(long[] old, int longs) {
        long[] table = new long[longs];
        for (int t = 0; t < old.length; t += 4) {
            long meta = old[t + 3];
            if (meta != 0) {
                long m = mix(old[t], old[t + 1], old[t + 2], meta & 0xf);
                insertShort(table, (int) (m >>> 32), old[t], old[t + 1], old[t + 2], meta);
            }
        }
        return table;
    }

    private void clear() {
        slots = new int[2 * MIN_SLOTS];
        shorts = new long[4 * MIN_SLOTS];
        Arrays.fill(front, 0);
        used = 0;
        size = 0;
        shortCount = 0;
    }

    /**
     * The main table's entry of the piece {@code text[start, end)} with hash {@code hash} (for {@link #copyIds}), or
     * −1. Package-private, with the hash a parameter, so that tests can make pieces collide.
     */
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

    /** Copies the ids of main-table {@code entry} to {@code out} from {@code count} on; returns the new count. */
    int copyIds(int entry, int[] out, int count) {
        int chars = arena[entry];
        int ids = arena[entry + 1];
        System.arraycopy(arena, entry + 2 + chars, out, count, ids);
        return count + ids;
    }

    /** Stores a piece in the arena, whatever its length, with the hash given (tests use it to make pieces collide). */
    void put(char[] text, int start, int end, int hash, int[] ids) {
        int length = end - start;
        int need = 2 + length + ids.length;
        if (size == MAX_ENTRIES || used + need > MAX_ARENA) {
            clear();
        }
        if (2 * (size - shortCount + 1) > slots.length / 2) {
            rehash(2 * slots.length);
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
        insert(slots, hash, entry);
        size++;
    }

    /** Number of slots of the arena's table (for tests: grows with what is held, small again when full). */
    int slotCount() {
        return slots.length / 2;
    }

    /** Number of slots of the inline table of short pieces (for tests, as {@link #slotCount}). */
    int shortSlotCount() {
        return shorts.length / 4;
    }

    private void rehash(int ints) {
        int[] old = slots;
        slots = new int[ints];
        for (int i = 0; i < old.length; i += 2) {
            if (old[i + 1] != 0) {
                insert(slots, old[i], old[i + 1] - 1);
            }
        }
    }

    private static void insert(int[] table, int hash, int entry) {
        int mask = table.length / 2 - 1;
        int slot = hash & mask;
        while (table[2 * slot + 1] != 0) {
            slot = (slot + 1) & mask;
        }
        table[2 * slot] = hash;
        table[2 * slot + 1] = entry + 1;
    }
}
