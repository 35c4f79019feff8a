package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Expected ids are tiktoken's for the "gpt2" encoding (from tiktoken's own tests and docstrings where noted), and
 * jtokkit's own {@code encodeOrdinary} of the whole text on tricky and random text (the split is checked on its own
 * in {@code Gpt2PreTokenizerTest}).
 */
class Gpt2TokenizerTest {
    private final Gpt2Tokenizer gpt2 = Gpt2Tokenizer.get();

    @Test
    void idsMatchTiktoken() {
        assertArrayEquals(new int[] {15496, 995}, gpt2.encode("Hello world"));
        assertArrayEquals(new int[] {31373, 995}, gpt2.encode("hello world")); // tiktoken test_basic_encode
        assertArrayEquals(new int[] {995}, gpt2.encode(" world"));
        assertArrayEquals(new int[] {11274, 16390, 995}, gpt2.encode("goodbye world")); // encode_ordinary_batch docstring
        assertArrayEquals(new int[] {198}, gpt2.encode("\n"));
        assertArrayEquals(new int[] {628}, gpt2.encode("\n\n"));
        assertArrayEquals(new int[] {220}, gpt2.encode(" "));
        assertArrayEquals(new int[0], gpt2.encode(""));
        // tiktoken test_simple_repeated
        assertArrayEquals(new int[] {15}, gpt2.encode("0"));
        assertArrayEquals(new int[] {405}, gpt2.encode("00"));
        assertArrayEquals(new int[] {830}, gpt2.encode("000"));
        assertArrayEquals(new int[] {2388}, gpt2.encode("0000"));
        assertArrayEquals(new int[] {8269}, gpt2.encode("00000000"));
        assertArrayEquals(new int[] {10535, 830}, gpt2.encode("000000000"));
        assertArrayEquals(new int[] {25645}, gpt2.encode("0000000000000000"));
        assertArrayEquals(new int[] {8269, 10535, 830}, gpt2.encode("00000000000000000"));
    }

    @Test
    void endOfTextInTheTextIsOrdinaryText() {
        // tiktoken: enc.encode("<|endoftext|>", disallowed_special=()) == [27, 91, 437, 1659, 5239, 91, 29]
        assertArrayEquals(new int[] {27, 91, 437, 1659, 5239, 91, 29}, gpt2.encode("<|endoftext|>"));
        assertEquals("<|endoftext|>", gpt2.decode(new int[] {Gpt2Tokenizer.END_OF_TEXT}));
        assertEquals(50257, gpt2.vocabSize());
        assertEquals("gpt2", gpt2.name());
    }

    @Test
    void decodeRoundTrips() {
        for (String text : new String[] {"Hello world", "  two  spaces\n\n\nand lines\r\n", "naïve café — “quotes” 日本語 😀",
                "it's they're we'll I'd", "x = 3.14159; y=[1,2]", "\u0000\u0001 tab\there"}) {
            int[] ids = gpt2.encode(text);
            assertEquals(text, gpt2.decode(ids), text);
            assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), gpt2.decodeBytes(ids), text);
        }
    }

    @Test
    void decodeIsJtokkits() {
        SplittableRandom random = new SplittableRandom(44);
        for (int i = 0; i < 2000; i++) {
            int[] ids = new int[random.nextInt(12)];
            for (int k = 0; k < ids.length; k++) {
                // ids below 256 are single bytes, most of them parts of UTF-8 sequences: text cut inside characters
                ids[k] = random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(Gpt2Tokenizer.VOCAB_SIZE);
            }
            byte[] expected = gpt2.decodeBytesWithJtokkit(ids);
            assertArrayEquals(expected, gpt2.decodeBytes(ids));
            assertEquals(new String(expected, StandardCharsets.UTF_8), gpt2.decode(ids));
        }
    }

    @Test
    void idsAreJtokkitsOnTrickyText() {
        for (String a : Gpt2PreTokenizerTest.TRICKY) {
            assertSameIds(a);
            for (String b : Gpt2PreTokenizerTest.TRICKY) {
                assertSameIds(a + b);
                assertSameIds(" " + a + "  " + b + "\n");
            }
        }
        assertSameIds("");
        assertSameIds("x".repeat(PieceCache.MAX_PIECE_CHARS + 1) + " " + "-".repeat(200) + " ".repeat(100));
    }

    @Test
    void idsAreJtokkitsOnRandomText() {
        SplittableRandom random = new SplittableRandom(2357);
        for (int i = 0; i < 4000; i++) {
            assertSameIds(Gpt2PreTokenizerTest.randomText(random));
        }
    }

    @Test
    void idsAreJtokkitsOnEnglishOnSeveralThreads() throws Exception {
        String text = ("It's the 3rd time they'll say: \"We'd rather not.\"  Isn't it?\n\n" + "Mr. Darcy's 10,000 a year — "
                + "naïve café, 日本語 and 😀 too.\r\n").repeat(200);
        int[] expected = gpt2.encodeWithJtokkit(text);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<int[]>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                runs.add(pool.submit(() -> gpt2.encode(text)));
            }
            for (java.util.concurrent.Future<int[]> run : runs) {
                assertArrayEquals(expected, run.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void assertSameIds(String text) {
        assertArrayEquals(gpt2.encodeWithJtokkit(text), gpt2.encode(text), () -> "ids of " + Gpt2PreTokenizerTest.escaped(text));
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpt2.decode(new int[] {50257}));
        assertEquals("token id 50257 is outside the GPT-2 vocabulary [0, 50257)", e.getMessage());
    }
}
