package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Our byte-pair merges against jtokkit's {@code encodeOrdinary} (the reference; it does tiktoken's merges on its own
 * tables) piece by piece, and our two merge loops (short pieces, long pieces) against each other.
 */
class Gpt2BytePairEncoderTest {
    private static final MergeableRanks RANKS = MergeableRanks.r50kBase();
    private static final Gpt2BytePairEncoder ENCODER = new Gpt2BytePairEncoder(RANKS);
    private final Gpt2Tokenizer gpt2 = Gpt2Tokenizer.get();

    /**
     * tiktoken's rules worked by hand on a vocabulary of the 256 bytes (ranks 0–255) and a few merges: the lowest
     * rank merges first wherever it is, the leftmost of equal ranks first, and a piece that is a token is that token
     * even where merges would not reach it.
     */
    @Test
    void handComputedMergesOnATinyVocabulary() {
        Gpt2BytePairEncoder tiny = new Gpt2BytePairEncoder(tinyVocabulary("aa", "bc", "ab", "xyz"));
        int a = 'a';
        int b = 'b';
        int c = 'c';
        assertMerges(tiny, "aaa", 256, a); // (a,a) twice at rank 256: the left one merges
        assertMerges(tiny, "aaaa", 256, 256);
        assertMerges(tiny, "abc", a, 257); // bc (257) before ab (258), though ab comes first
        assertMerges(tiny, "abab", 258, 258);
        assertMerges(tiny, "xyz", 259); // a token: itself, though no pair of it is a token
        assertMerges(tiny, "xyzx", 'x', 'y', 'z', 'x');
        assertMerges(tiny, "", new int[0]);
        assertMerges(tiny, "b", b);
        assertMerges(tiny, "cab", c, 258);
    }

    private static void assertMerges(Gpt2BytePairEncoder encoder, String piece, int... expected) {
        byte[] bytes = piece.getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(expected, encoder.encode(bytes, bytes.length), piece);
        if (expected.length != 1 || bytes.length < 2) {
            assertArrayEquals(expected, encoder.mergeLong(bytes, bytes.length), piece);
        }
    }

    /** The 256 single bytes, then {@code merged} as ranks 256, 257, ..., as a {@code .tiktoken} file. */
    private static MergeableRanks tinyVocabulary(String... merged) {
        StringBuilder file = new StringBuilder();
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        for (int b = 0; b < 256; b++) {
            file.append(base64.encodeToString(new byte[] {(byte) b})).append(' ').append(b).append('\n');
        }
        for (int i = 0; i < merged.length; i++) {
            file.append(base64.encodeToString(merged[i].getBytes(StandardCharsets.US_ASCII))).append(' ').append(256 + i).append('\n');
        }
        return MergeableRanks.parse(file.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void malformedRankFilesAreRefused() {
        assertEquals("rank 1 appears twice in a .tiktoken file",
                assertThrows(IllegalStateException.class, () -> MergeableRanks.parse("YQ== 1\nYg== 1\n".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertEquals("rank 0 is missing from a .tiktoken file of 1 ranks",
                assertThrows(IllegalStateException.class, () -> MergeableRanks.parse("YQ== 1\n".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertEquals("the tokens of ranks 0 and 1 are the same bytes",
                assertThrows(IllegalStateException.class, () -> MergeableRanks.parse("YQ== 0\nYQ== 1".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertEquals("bad rank in line 1 of a .tiktoken file",
                assertThrows(IllegalStateException.class, () -> MergeableRanks.parse("YQ== x\n".getBytes(StandardCharsets.US_ASCII))).getMessage());
        assertEquals("byte 1 is not a token of the vocabulary", assertThrows(IllegalStateException.class,
                () -> new Gpt2BytePairEncoder(MergeableRanks.parse("AA== 0\n".getBytes(StandardCharsets.US_ASCII)))).getMessage());
    }

    @Test
    void ranksAreJtokkitsVocabulary() {
        assertEquals(Gpt2Tokenizer.END_OF_TEXT, RANKS.size());
        for (int id = 0; id < RANKS.size(); id++) {
            assertArrayEquals(gpt2.decodeBytesWithJtokkit(new int[] {id}), RANKS.bytes(id), "bytes of token " + id);
            assertEquals(id, RANKS.rank(RANKS.bytes(id), 0, RANKS.length(id)));
        }
        assertEquals(-1, RANKS.rank("<|endoftext|>".getBytes(StandardCharsets.UTF_8), 0, 13));
        assertEquals(31373, RANKS.rank("xhellox".getBytes(StandardCharsets.UTF_8), 1, 6));
    }

    /**
     * Every token encodes to itself, as in tiktoken, whose encoder returns a piece that is a token as that token
     * without merging. jtokkit agrees wherever a token can be given to it as text that the split leaves whole (its
     * bytes are UTF-8 and one piece). The merges alone, without that look-up, reach every token of r50k_base too
     * (both loops), which checks them on all 50,256 byte strings: a wrong order of merges would end in several parts.
     */
    @Test
    void everyTokenEncodesToItself() {
        int asText = 0;
        for (int id = 0; id < RANKS.size(); id++) {
            byte[] bytes = RANKS.bytes(id);
            assertArrayEquals(new int[] {id}, ENCODER.encode(bytes, bytes.length), "token " + id);
            String text = utf8(bytes);
            if (text != null && Gpt2PreTokenizerTest.pieces(text).size() == 1) {
                assertArrayEquals(new int[] {id}, gpt2.encodeWithJtokkit(text), "jtokkit on token " + id);
                asText++;
            }
            assertArrayEquals(new int[] {id}, ENCODER.merge(bytes, bytes.length), "merges of token " + id);
            assertArrayEquals(new int[] {id}, ENCODER.mergeLong(bytes, bytes.length), "long merges of token " + id);
        }
        // the other 344 are not valid UTF-8 alone (parts of characters) or are split into several pieces
        assertEquals(49_912, asText);
    }

    @Test
    void piecesAreJtokkitsOnTrickyAndRandomText() {
        for (String a : Gpt2PreTokenizerTest.TRICKY) {
            for (String b : Gpt2PreTokenizerTest.TRICKY) {
                assertPiecesLikeJtokkit(a + b + " " + a + a + b);
            }
        }
        SplittableRandom random = new SplittableRandom(91);
        for (int i = 0; i < 3000; i++) {
            assertPiecesLikeJtokkit(Gpt2PreTokenizerTest.randomText(random));
        }
    }

    /**
     * Runs over small alphabets merge again and again, with many ties between equal ranks (the leftmost wins): words
     * of a few letters, digits and spaces, lengths across the short/long boundary.
     */
    @Test
    void manyMergesAndTiesAreJtokkits() {
        String[] alphabets = {"a", "ab", "ea", "the", "0", "01", "9", " ", " \n", "-", "-=", "é", "日本", "\u0301e", "ing s"};
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1500; i++) {
            String alphabet = alphabets[random.nextInt(alphabets.length)];
            int length = random.nextInt(2) == 0 ? random.nextInt(40) : random.nextInt(700);
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < length; k++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertPiecesLikeJtokkit(text.toString());
        }
    }

    /** The long-piece loop (a heap) gives the same parts as the short-piece loop on any bytes, valid UTF-8 or not. */
    @Test
    void bothMergeLoopsAgreeOnRandomBytes() {
        SplittableRandom random = new SplittableRandom(8);
        byte[] common = " the and of ing ed er 00 -- \n\n é 日本 ".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[random.nextInt(300)];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : common[random.nextInt(common.length)];
            }
            assertArrayEquals(ENCODER.merge(bytes, bytes.length), ENCODER.mergeLong(bytes, bytes.length),
                    () -> java.util.Arrays.toString(bytes));
        }
    }

    /**
     * Pieces of 10,000 characters (spaces, one letter, two letters, CJK letters of three bytes, digits, dashes) equal
     * jtokkit's and take milliseconds, not the seconds of an O(k²) loop.
     */
    @Test
    void tenThousandCharacterPieces() {
        SplittableRandom random = new SplittableRandom(3);
        StringBuilder ab = new StringBuilder();
        for (int k = 0; k < 10_000; k++) {
            ab.append(random.nextBoolean() ? 'a' : 'b');
        }
        for (String piece : new String[] {" ".repeat(10_000), "a".repeat(10_000), ab.toString(), "日".repeat(10_000),
                "0".repeat(10_000), "-".repeat(10_000), "é".repeat(10_000), " " + "x".repeat(9_999)}) {
            assertEquals(1, Gpt2PreTokenizerTest.pieces(piece).size());
            long start = System.nanoTime();
            int[] ids = gpt2.encodePiece(piece);
            double ms = (System.nanoTime() - start) / 1e6;
            assertArrayEquals(gpt2.encodeWithJtokkit(piece), ids, () -> Gpt2PreTokenizerTest.escaped(piece.substring(0, 8)));
            assertTrue(ms < 2000, "10,000 characters took " + ms + " ms");
        }
    }

    /**
     * An unpaired surrogate, which a Java string may hold, is one "other" code point to the split and becomes the
     * byte {@code ?} in jtokkit (String.getBytes' replacement); so it does here.
     */
    @Test
    void unpairedSurrogatesAreJtokkits() {
        for (String text : new String[] {"\ud83d", "\ude00", "a\ud83db", "\ude00\ud83d", "x\ud83d\ud83d\ude00y", "?\ud800?",
                " \udfff", "\ud83d ", "it\ud83d's", "\ud83d\ud83d\ud83d\ud83d\ud83d\ud83d\ud83d\ud83d", "??\udc00??"}) {
            for (String piece : Gpt2PreTokenizerTest.pieces(text)) {
                assertArrayEquals(gpt2.encodeWithJtokkit(piece), gpt2.encodePiece(piece), () -> Gpt2PreTokenizerTest.escaped(piece));
            }
            assertArrayEquals(gpt2.encodeWithJtokkit(text), gpt2.encode(text), () -> Gpt2PreTokenizerTest.escaped(text));
        }
        assertArrayEquals(gpt2.encodePiece("?"), gpt2.encodePiece("\ud83d"));
    }

    private void assertPiecesLikeJtokkit(String text) {
        for (String piece : Gpt2PreTokenizerTest.pieces(text)) {
            assertArrayEquals(gpt2.encodeWithJtokkit(piece), gpt2.encodePiece(piece), () -> "ids of " + Gpt2PreTokenizerTest.escaped(piece));
        }
        assertArrayEquals(gpt2.encodeWithJtokkit(text), gpt2.encode(text), () -> "ids of " + Gpt2PreTokenizerTest.escaped(text));
    }

    /** {@code bytes} as text if they are valid UTF-8 (and so round-trip), else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
