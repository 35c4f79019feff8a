package amem.datasets.tokenize;

import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenizer written out by hand: the pieces that byte-pair merges are applied to, exactly as jtokkit
 * 1.1.0 splits {@code r50k_base} text with {@link #PATTERN} (the regex of tiktoken's "gpt2" encoding) compiled with
 * {@link Pattern#UNICODE_CHARACTER_CLASS}. The regex was the larger part of jtokkit's tokenizing time; this loop
 * does the same work at a few characters' cost each.
 *
 * <p>How the alternatives of the pattern become {@link #pieceEnd}, for a piece starting at {@code i} (the regex's
 * {@code find()} always starts where the previous piece ended, and some alternative matches at every position, so
 * the pieces tile the text):
 * <ol>
 *   <li>{@code '(?:[sdmt]|ll|ve|re)}: an ASCII apostrophe and one of those lower-case endings is a piece;</li>
 *   <li>{@code  ?\p{L}+}, {@code  ?\p{N}+}, {@code  ?[^\s\p{L}\p{N}]+}: otherwise, a space (U+0020 only) followed by
 *       a letter, number or "other" code point takes the longest run of that class after it; a code point of one of
 *       those classes takes the longest run of its class (the three classes and whitespace partition all code
 *       points, so exactly one applies);</li>
 *   <li>{@code \s+(?!\S)}, {@code \s+}: a whitespace run that reaches the end of the text is one piece; one followed
 *       by a non-whitespace code point gives up its last character to the next piece (the look-ahead backtracks by
 *       one), unless it is a single character, which the last alternative then takes alone.</li>
 * </ol>
 * The classes are Java's, for every code point: {@code \p{L}} = {@link Character#isLetter(int)}, {@code \p{N}} = the
 * general categories Nd, Nl and No, and {@code \s} under {@code UNICODE_CHARACTER_CLASS} = Unicode White_Space
 * (categories Zs, Zl, Zp, U+0009–U+000D and U+0085). Like the regex, a lone surrogate counts as one "other" code
 * point. {@code Gpt2PreTokenizerTest} compares the classes with the regex's for all 1,114,112 code points and the
 * split with the regex on tricky and random text.
 */
public final class Gpt2PreTokenizer {
    /** jtokkit 1.1.0's r50k_base pattern ({@code EncodingFactory}), compiled with {@link Pattern#UNICODE_CHARACTER_CLASS}. */
    public static final String PATTERN = "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    static final byte SPACE = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte OTHER = 3;

    /**
     * The class of every char (BMP code point; a surrogate alone is "other"), from {@link #classify} once: a table
     * look-up in the loop instead of {@link Character#getType}'s, which also keeps the loop small for the JIT.
     */
    private static final byte[] BMP = new byte[Character.MAX_VALUE + 1];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            BMP[c] = classify(c);
        }
    }

    private Gpt2PreTokenizer() {}

    /**
     * Where the piece that starts at {@code start} ends, in the text {@code text[0, n)} ({@code 0 <= start < n}).
     * The text is a char array (the encoder copies a chunk's chars once) to spare the per-char checks of a String.
     */
    public static int pieceEnd(char[] text, int start, int n) {
        char c = text[start];
        if (c == '\'' && start + 1 < n) {
            char d = text[start + 1];
            if (d == 's' || d == 'd' || d == 'm' || d == 't') {
                return start + 2;
            }
            if (start + 2 < n) {
                char e = text[start + 2];
                if ((d == 'l' && e == 'l') || (d == 'v' && e == 'e') || (d == 'r' && e == 'e')) {
                    return start + 3;
                }
            }
        }
        if (c == ' ' && start + 1 < n) {
            byte next = classAt(text, start + 1, n);
            if (next != SPACE) {
                return runEnd(text, start + 1, n, next);
            }
        }
        byte own = classAt(text, start, n);
        if (own != SPACE) {
            return runEnd(text, start, n, own);
        }
        int end = runEnd(text, start, n, SPACE);
        // every whitespace code point is a single char, so giving one back is end - 1
        return end == n || end - 1 == start ? end : end - 1;
    }

    /** The first index from {@code from} on whose code point is not of class {@code cls}. */
    private static int runEnd(char[] text, int from, int n, byte cls) {
        int i = from;
        while (i < n) {
            char c = text[i];
            if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(text[i + 1])) {
                if (BMP[c] != cls) {
                    return i;
                }
                i++;
            } else {
                if (classify(Character.toCodePoint(c, text[i + 1])) != cls) {
                    return i;
                }
                i += 2;
            }
        }
        return n;
    }

    private static byte classAt(char[] text, int i, int n) {
        char c = text[i];
        if (!Character.isHighSurrogate(c) || i + 1 == n || !Character.isLowSurrogate(text[i + 1])) {
            return BMP[c];
        }
        return classify(Character.toCodePoint(c, text[i + 1]));
    }

    /** {@link #SPACE}, {@link #LETTER}, {@link #NUMBER} or {@link #OTHER}: the regex's classes of {@code cp}. */
    static byte classify(int cp) {
        int type = Character.getType(cp);
        if (isWhiteSpace(cp, type)) {
            return SPACE;
        }
        return switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            default -> OTHER;
        };
    }

    /** Unicode White_Space as {@code java.util.regex} defines {@code \s} under {@code UNICODE_CHARACTER_CLASS}. */
    private static boolean isWhiteSpace(int cp, int type) {
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (cp >= 0x9 && cp <= 0xd) || cp == 0x85;
    }
}
