package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Utf8#encode} against {@link String#getBytes}'s UTF-8, which jtokkit uses. */
class Utf8Test {
    @Test
    void everyCharAloneAndBetweenOthersIsGetBytes() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            assertSameBytes(String.valueOf((char) c));
            assertSameBytes("a" + (char) c + "é");
        }
    }

    /** Surrogates in every arrangement: pairs, a high one last, a low one first, two highs, a low before a high. */
    @Test
    void surrogatesInEveryArrangementAreGetBytes() {
        char[] surrogates = {'\ud800', '\udbff', '\ud83d', '\udc00', '\udfff', '\ude00'};
        for (char a : surrogates) {
            for (char b : surrogates) {
                for (char c : new char[] {'x', '\ud83d', '\ude00', '日'}) {
                    assertSameBytes("" + a + b + c);
                    assertSameBytes("" + c + a + b);
                }
            }
        }
    }

    @Test
    void randomTextIsGetBytes() {
        SplittableRandom random = new SplittableRandom(31);
        for (int i = 0; i < 3000; i++) {
            char[] chars = new char[random.nextInt(40)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = switch (random.nextInt(4)) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) random.nextInt(0xd800, 0xe000); // surrogates, paired or not
                    default -> (char) random.nextInt(Character.MAX_VALUE + 1);
                };
            }
            assertSameBytes(new String(chars));
        }
    }

    private static void assertSameBytes(String text) {
        char[] chars = ("<" + text + ">").toCharArray();
        byte[] out = new byte[Utf8.maxBytes(text.length())];
        int n = Utf8.encode(chars, 1, chars.length - 1, out); // a range inside a larger array
        assertTrue(n <= out.length);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), Arrays.copyOf(out, n), () -> Gpt2PreTokenizerTest.escaped(text));
    }
}
