package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PieceCacheTest {
    private final PieceCache cache = new PieceCache();

    @Test
    void findsPiecesByTheirRangeAndStartsOverWhenFull() {
        char[] text = "ab ab abc".toCharArray();
        cache.put(text, 0, 2, cache.hash(text, 0, 2), new int[] {1, 2});
        assertArrayEquals(new int[] {1, 2}, ids(text, 3, 5, cache.hash(text, 3, 5)));
        assertEquals(-1, cache.find(text, 6, 9, cache.hash(text, 6, 9)));
        assertEquals(-1, cache.find(text, 2, 4, cache.hash(text, 2, 4)));
        // keys of one hash (all collide on purpose) must still be told apart by their text
        char[] xyz = "xyz".toCharArray();
        cache.put(text, 6, 9, 7, new int[] {3});
        cache.put(xyz, 0, 3, 7, new int[] {4, 5, 6});
        assertArrayEquals(new int[] {4, 5, 6}, ids(xyz, 0, 3, 7));
        assertArrayEquals(new int[] {3}, ids(text, 6, 9, 7));
        for (int i = 0; i < 3000; i++) { // the arena's own table grows too
            char[] piece = ("long piece number " + i).toCharArray();
            cache.put(piece, 0, piece.length, new int[] {i});
        }
        assertEquals(1 << 13, cache.slotCount());
        char[] some = "long piece number 1234".toCharArray();
        assertArrayEquals(new int[] {1234}, lookup(some, 0, some.length));
        assertArrayEquals(new int[] {4, 5, 6}, ids(xyz, 0, 3, 7)); // still there after the rehash
        for (int i = 3003; i < PieceCache.MAX_ENTRIES; i++) {
            char[] piece = ("p" + i).toCharArray();
            cache.put(piece, 0, piece.length, new int[] {i % 50_000}); // GPT-2 ids (16 bits), so inline
        }
        // short pieces of few ids are held inline, in a table grown by rehash (half full at most)
        assertEquals(2 * PieceCache.MAX_ENTRIES, cache.shortSlotCount());
        assertEquals(1 << 13, cache.slotCount()); // the 3,000 long pieces only
        char[] last = ("p" + (PieceCache.MAX_ENTRIES - 1)).toCharArray();
        assertArrayEquals(new int[] {(PieceCache.MAX_ENTRIES - 1) % 50_000}, lookup(last, 0, last.length));
        assertArrayEquals(new int[] {(PieceCache.MAX_ENTRIES - 1) % 50_000}, lookup(last, 0, last.length)); // front
        char[] early = "p3003".toCharArray();
        assertArrayEquals(new int[] {3003}, lookup(early, 0, 5)); // held across every rehash
        char[] fresh = "new".toCharArray();
        cache.put(fresh, 0, 3, new int[] {9}); // full: starts over, the front table too
        assertEquals(1 << 12, cache.shortSlotCount());
        assertEquals(-1, cache.lookup(last, 0, last.length, new int[8], 0));
        assertEquals(-1, cache.lookup(early, 0, 5, new int[8], 0));
        assertEquals(-1, cache.lookup(some, 0, some.length, new int[8], 0));
        assertEquals(1 << 12, cache.slotCount());
        assertArrayEquals(new int[] {9}, lookup(fresh, 0, 3));
    }

    @Test
    void looksUpShortAndLongPiecesTwiceAlikeAndMissesWhatIsNotHeld() {
        // around the front table's limits: 12 chars (inline) and 13 (main table only), 3 ids (inline) and 4
        String[] pieces = {" the", ",", " abcdefghijk", " abcdefghijkl", " abcdefghij", "x", " é€"};
        int[][] ids = {{262}, {11}, {1, 2, 3}, {4, 5, 6}, {7, 8, 9, 10}, {50255, 0}, {65535, 65536}};
        assertEquals(PieceCache.FRONT_CHARS, pieces[2].length());
        assertEquals(PieceCache.FRONT_CHARS + 1, pieces[3].length());
        assertEquals(PieceCache.FRONT_IDS, ids[2].length);
        String text = String.join("", pieces);
        char[] chars = text.toCharArray();
        int[] starts = new int[pieces.length];
        for (int i = 0, at = 0; i < pieces.length; at += pieces[i].length(), i++) {
            starts[i] = at;
            assertEquals(-1, cache.lookup(chars, at, at + pieces[i].length(), new int[8], 0));
            cache.put(chars, at, at + pieces[i].length(), ids[i]);
        }
        for (int round = 0; round < 3; round++) { // first from the main table, then from the front for the short ones
            for (int i = 0; i < pieces.length; i++) {
                char[] alone = pieces[i].toCharArray();
                assertArrayEquals(ids[i], lookup(alone, 0, alone.length), pieces[i] + " round " + round);
                int[] out = {-5, -5, -5, -5, -5, -5, -5};
                int end = cache.lookup(chars, starts[i], starts[i] + alone.length, out, 2);
                assertEquals(2 + ids[i].length, end);
                assertArrayEquals(ids[i], Arrays.copyOfRange(out, 2, end));
                assertEquals(-5, out[1]); // nothing before count is touched
            }
        }
        // pieces that differ from a held one by length only, a last char, or a trailing char 0 are not held
        for (String miss : new String[] {" th", " thee", " thf", " the\0", "\0", " abcdefghijkm", " abcdefghijklm"}) {
            char[] m = miss.toCharArray();
            assertEquals(-1, cache.lookup(m, 0, m.length, new int[8], 0), "[" + miss + "]");
        }
    }

    @Test
    void piecesSharingAFrontEntryTakeItInTurnAndKeepTheirIds() {
        Map<Integer, String> byEntry = new HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String piece = " w" + i;
            char[] chars = piece.toCharArray();
            String other = byEntry.put(cache.frontEntry(chars, 0, chars.length), piece);
            if (other != null) {
                a = other;
                b = piece;
            }
        }
        assertNotEquals(a, b);
        char[] ca = a.toCharArray();
        char[] cb = b.toCharArray();
        cache.put(ca, 0, ca.length, new int[] {100, 101});
        cache.put(cb, 0, cb.length, new int[] {200});
        for (int round = 0; round < 4; round++) { // each lookup evicts the other from the front entry
            assertArrayEquals(new int[] {100, 101}, lookup(ca, 0, ca.length));
            assertArrayEquals(new int[] {100, 101}, lookup(ca, 0, ca.length));
            assertArrayEquals(new int[] {200}, lookup(cb, 0, cb.length));
        }
    }

    private int[] ids(char[] text, int start, int end, int hash) {
        int entry = cache.find(text, start, end, hash);
        int[] out = new int[8];
        return Arrays.copyOf(out, cache.copyIds(entry, out, 0));
    }

    private int[] lookup(char[] text, int start, int end) {
        int[] out = new int[8];
        int count = cache.lookup(text, start, end, out, 0);
        return count < 0 ? null : Arrays.copyOf(out, count);
    }
}
