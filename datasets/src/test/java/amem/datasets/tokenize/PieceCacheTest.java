package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PieceCacheTest {
    private final PieceCache cache = new PieceCache();

    @Test
    void findsPiecesByTheirRangeAndStartsOverWhenFull() {
        char[] text = "ab ab abc".toCharArray();
        cache.put(text, 0, 2, PieceCache.hash(text, 0, 2), new int[] {1, 2});
        assertArrayEquals(new int[] {1, 2}, ids(text, 3, 5, PieceCache.hash(text, 3, 5)));
        assertEquals(-1, cache.find(text, 6, 9, PieceCache.hash(text, 6, 9)));
        assertEquals(-1, cache.find(text, 2, 4, PieceCache.hash(text, 2, 4)));
        // keys of one hash (all collide on purpose) must still be told apart by their text
        char[] xyz = "xyz".toCharArray();
        cache.put(text, 6, 9, 7, new int[] {3});
        cache.put(xyz, 0, 3, 7, new int[] {4, 5, 6});
        assertArrayEquals(new int[] {4, 5, 6}, ids(xyz, 0, 3, 7));
        assertArrayEquals(new int[] {3}, ids(text, 6, 9, 7));
        for (int i = 3; i < PieceCache.MAX_ENTRIES; i++) {
            char[] piece = ("p" + i).toCharArray();
            cache.put(piece, 0, piece.length, PieceCache.hash(piece, 0, piece.length), new int[] {i});
        }
        char[] last = ("p" + (PieceCache.MAX_ENTRIES - 1)).toCharArray();
        int lastHash = PieceCache.hash(last, 0, last.length);
        assertArrayEquals(new int[] {PieceCache.MAX_ENTRIES - 1}, ids(last, 0, last.length, lastHash));
        char[] fresh = "new".toCharArray();
        cache.put(fresh, 0, 3, PieceCache.hash(fresh, 0, 3), new int[] {9}); // full: starts over
        assertEquals(-1, cache.find(last, 0, last.length, lastHash));
        assertArrayEquals(new int[] {9}, ids(fresh, 0, 3, PieceCache.hash(fresh, 0, 3)));
    }

    private int[] ids(char[] text, int start, int end, int hash) {
        int entry = cache.find(text, start, end, hash);
        int[] out = new int[8];
        return Arrays.copyOf(out, cache.copyIds(entry, out, 0));
    }
}
