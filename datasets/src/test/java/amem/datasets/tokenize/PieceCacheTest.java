package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PieceCacheTest {
    @Test
    void findsPiecesByTheirRangeAndStartsOverWhenFull() {
        PieceCache cache = new PieceCache();
        String text = "ab ab abc";
        cache.put("ab", PieceCache.hash(text, 0, 2), new int[] {1, 2});
        assertArrayEquals(new int[] {1, 2}, cache.get(text, 3, 5, PieceCache.hash(text, 3, 5)));
        assertNull(cache.get(text, 6, 9, PieceCache.hash(text, 6, 9)));
        assertNull(cache.get(text, 2, 4, PieceCache.hash(text, 2, 4)));
        // keys of one hash (all collide on purpose) must still be told apart by their text
        cache.put("abc", 7, new int[] {3});
        cache.put("xyz", 7, new int[] {4});
        assertArrayEquals(new int[] {4}, cache.get("xyz", 0, 3, 7));
        assertArrayEquals(new int[] {3}, cache.get(text, 6, 9, 7));
        for (int i = 3; i < PieceCache.MAX_ENTRIES; i++) {
            String piece = "p" + i;
            cache.put(piece, PieceCache.hash(piece, 0, piece.length()), new int[] {i});
        }
        String last = "p" + (PieceCache.MAX_ENTRIES - 1);
        assertArrayEquals(new int[] {PieceCache.MAX_ENTRIES - 1}, cache.get(last, 0, last.length(), PieceCache.hash(last, 0, last.length())));
        cache.put("new", PieceCache.hash("new", 0, 3), new int[] {9}); // full: starts over
        assertNull(cache.get(last, 0, last.length(), PieceCache.hash(last, 0, last.length())));
        assertArrayEquals(new int[] {9}, cache.get("new", 0, 3, PieceCache.hash("new", 0, 3)));
    }
}
