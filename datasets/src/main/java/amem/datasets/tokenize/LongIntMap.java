package amem.datasets.tokenize;

import java.util.Arrays;

/**
 * A map from non-negative {@code long} keys to {@code int} values in two primitive arrays (open addressing, linear
 * probing, no boxing): the byte-pair encoder's table of merges is hundreds of thousands of entries looked up in its
 * innermost loop. Fixed capacity, chosen at construction; not thread-safe while being filled, safe to read from many
 * threads once filled and published (e.g. through a final field).
 */
final class LongIntMap {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] values;
    private final int shift;
    private int size;

    /** A map that holds up to {@code capacity} entries (at most half full, so probes stay short). */
    LongIntMap(int capacity) {
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2;
        keys = new long[slots];
        values = new int[slots];
        Arrays.fill(keys, EMPTY);
        shift = 64 - Integer.numberOfTrailingZeros(slots);
    }

    /** Maps {@code key} (≥ 0) to {@code value}; replaces an earlier value of the same key. */
    void put(long key, int value) {
        if (key < 0) {
            throw new IllegalArgumentException("negative key " + key);
        }
        int mask = keys.length - 1;
        int slot = slot(key);
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        if (keys[slot] == EMPTY) {
            if (2 * (size + 1) > keys.length) {
                throw new IllegalStateException("LongIntMap is full: " + size + " entries");
            }
            keys[slot] = key;
            size++;
        }
        values[slot] = value;
    }

    /** The value of {@code key}, or {@code missing} if it has none. */
    int get(long key, int missing) {
        int mask = keys.length - 1;
        for (int slot = slot(key); keys[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (keys[slot] == key) {
                return values[slot];
            }
        }
        return missing;
    }

    /** Number of keys held. */
    int size() {
        return size;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift); // Fibonacci hashing: the top bits of the product
    }
}
