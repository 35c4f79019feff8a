package amem.datasets.tokenize;

/**
 * UTF-8 bytes of a range of chars, exactly as {@code new String(chars, start, end - start).getBytes(UTF_8)} gives
 * them, without the string: the tokenizer encodes each new piece straight from the text's char array. As in {@link
 * String#getBytes}, a surrogate that is not part of a pair (a Java string may hold one) becomes the byte {@code ?};
 * jtokkit encodes pieces with {@code getBytes}, so its ids for such text are those of {@code ?} too.
 */
final class Utf8 {
    private Utf8() {}

    /** Most bytes {@code chars} chars can take (3 per char; a pair of surrogates takes 4 for 2). */
    static int maxBytes(int chars) {
        return 3 * chars;
    }

    /** Writes the bytes of {@code chars[start, end)} to {@code out} from 0 on; returns their number. */
    static int encode(char[] chars, int start, int end, byte[] out) {
        int n = 0;
        for (int i = start; i < end; i++) {
            char c = chars[i];
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xc0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (!Character.isSurrogate(c)) {
                out[n++] = (byte) (0xe0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                out[n++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                out[n++] = (byte) (0xf0 | (cp >> 18));
                out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                out[n++] = (byte) (0x80 | (cp & 0x3f));
            } else {
                out[n++] = '?';
            }
        }
        return n;
    }
}
