package amem.datasets.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written split against the regex it replaces: character classes for every code point, pieces on text. */
class Gpt2PreTokenizerTest {
    private static final Pattern REGEX = Pattern.compile(Gpt2PreTokenizer.PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    /** Pieces that exercise each alternative of the pattern and the edges of its classes. */
    static final String[] TRICKY = {
        "'s", "'S", "'t", "'re", "'ve", "'m", "'ll", "'d", "'LL", "'Ll", "'l", "'v", "'r", "'x", "'", "''", "’s",
        "hello", "Hello", "I", "naïve", "Straße", "İ", "日本語", "Ωμέγα", "ﬁ", "e\u0301", "\u0301", "\u0915\u093f",
        "123", "٣٤", "½", "Ⅻ", "²", "3rd", "x2",
        " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", "\r", "\u00a0", "\u2003", "\u3000", "\u2028", "\u2029", "\u0085",
        "\u000b", "\u000c", "\u001c", "\u001f", "\u200b", "\u180e", "\ufeff",
        ".", ",", "!?", "—", "“", "”", "...", "$", "<|endoftext|>", "-", "_", "@", "\u0000", "\u0001", "\u007f",
        "😀", "👍🏽", "👨\u200d👩\u200d👧", "\ud83d", "\ude00", "\ud83d\ud83d", "𝔘𝔫𝔦", "𝟙𝟚", "\ud800\udc00", "\udbff\udfff"
    };

    @Test
    void classesAreTheRegexsForEveryCodePoint() {
        // all code points in one text, each found by one scan per class; surrogates are written alone between
        // separators (adjacent ones would pair), and the regex sees a lone surrogate as one code point too
        StringBuilder all = new StringBuilder();
        int[] codePointOf = new int[3 * (Character.MAX_CODE_POINT + 1)];
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            codePointOf[all.length()] = cp;
            all.appendCodePoint(cp);
            if (Character.getType(cp) == Character.SURROGATE) {
                codePointOf[all.length()] = -1;
                all.append('.');
            }
        }
        byte[] expected = new byte[Character.MAX_CODE_POINT + 1];
        java.util.Arrays.fill(expected, Gpt2PreTokenizer.OTHER);
        // the pattern tries \s, then \p{L}, then \p{N}: marked in reverse order, the first class that matches wins
        String[][] classes = {{"\\p{N}", "2"}, {"\\p{L}", "1"}, {"\\s", "0"}};
        int[] found = new int[4];
        for (String[] c : classes) {
            Matcher m = Pattern.compile(c[0], Pattern.UNICODE_CHARACTER_CLASS).matcher(all);
            while (m.find()) {
                expected[codePointOf[m.start()]] = Byte.parseByte(c[1]);
                found[Byte.parseByte(c[1])]++;
            }
        }
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Gpt2PreTokenizer.classify(cp) != expected[cp]) {
                assertEquals(expected[cp], Gpt2PreTokenizer.classify(cp), "class of U+" + Integer.toHexString(cp));
            }
        }
        assertEquals(25, found[Gpt2PreTokenizer.SPACE]); // Unicode White_Space
        assertTrue(found[Gpt2PreTokenizer.LETTER] > 100_000 && found[Gpt2PreTokenizer.NUMBER] > 1_000, java.util.Arrays.toString(found));
    }

    @Test
    void splitsTrickyTextLikeTheRegex() {
        for (String a : TRICKY) {
            assertSameSplit(a);
            for (String b : TRICKY) {
                assertSameSplit(a + b);
                assertSameSplit(a + " " + b);
                assertSameSplit(" " + a + "  " + b + "\n");
            }
        }
        assertSameSplit("He said: \"I'll go, won't you?\"  She'S  here.\r\n\r\n\tIt's 3:45pm —  1,000,000 times!   ");
    }

    @Test
    void splitsRandomTextLikeTheRegex() {
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 3000; i++) {
            assertSameSplit(randomText(random));
        }
    }

    /** Tricky pieces and random code points (any, lone surrogates included), 0 to 15 of them. */
    static String randomText(SplittableRandom random) {
        StringBuilder text = new StringBuilder();
        int parts = random.nextInt(16);
        for (int p = 0; p < parts; p++) {
            switch (random.nextInt(4)) {
                case 0 -> text.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
                case 1 -> text.append((char) random.nextInt(128));
                default -> text.append(TRICKY[random.nextInt(TRICKY.length)]);
            }
        }
        return text.toString();
    }

    private static void assertSameSplit(String text) {
        assertEquals(regexPieces(text), pieces(text), () -> "split of " + escaped(text));
    }

    private static List<String> regexPieces(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = REGEX.matcher(text);
        while (m.find()) {
            pieces.add(m.group());
        }
        return pieces;
    }

    static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        char[] chars = text.toCharArray();
        for (int start = 0; start < chars.length; ) {
            int end = Gpt2PreTokenizer.pieceEnd(chars, start, chars.length);
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    static String escaped(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\u%04x", c)));
        return out.append('"').toString();
    }
}
