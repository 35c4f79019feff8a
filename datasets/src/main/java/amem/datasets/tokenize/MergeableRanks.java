package amem.datasets.tokenize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A byte-pair vocabulary in tiktoken's form: every token is a byte string whose rank is its id (a lower rank was
 * merged earlier in training). Read from the {@code .tiktoken} file that jtokkit 1.1.0 ships for {@code r50k_base}
 * (lines {@code base64(bytes) rank}): jtokkit stays the pinned source of the vocabulary, but keeps its own loader and
 * tables package-private, so the resource is read here directly. Immutable; the byte strings live in one array, and
 * a byte range is looked up without copying it (open addressing over {@link #polynomialHash}).
 */
final class MergeableRanks {
    /** jtokkit 1.1.0's copy of tiktoken's {@code r50k_base.tiktoken} (the "gpt2" encoding). */
    static final String R50K_BASE_RESOURCE = "/com/knuddels/jtokkit/r50k_base.tiktoken";

    private final byte[] bytes; // every token's bytes, in rank order
    private final int[] offsets; // token r is bytes[offsets[r], offsets[r + 1])
    private final int[] slots; // id + 1 of the token hashed there; 0: empty

    private MergeableRanks(byte[][] tokens) {
        offsets = new int[tokens.length + 1];
        for (int r = 0; r < tokens.length; r++) {
            offsets[r + 1] = offsets[r] + tokens[r].length;
        }
        bytes = new byte[offsets[tokens.length]];
        for (int r = 0; r < tokens.length; r++) {
            System.arraycopy(tokens[r], 0, bytes, offsets[r], tokens[r].length);
        }
        slots = new int[Integer.highestOneBit(Math.max(1, tokens.length)) * 4];
        int mask = slots.length - 1;
        for (int r = 0; r < tokens.length; r++) {
            int slot = spread(polynomialHash(tokens[r], 0, tokens[r].length)) & mask;
            for (; slots[slot] != 0; slot = (slot + 1) & mask) {
                if (Arrays.equals(tokens[slots[slot] - 1], tokens[r])) {
                    throw new IllegalStateException("the tokens of ranks " + (slots[slot] - 1) + " and " + r + " are the same bytes");
                }
            }
            slots[slot] = r + 1;
        }
    }

    /** The {@code r50k_base} ranks from jtokkit's jar (about 50 ms; 50,256 tokens). */
    static MergeableRanks r50kBase() {
        try (InputStream in = MergeableRanks.class.getResourceAsStream(R50K_BASE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("jtokkit's " + R50K_BASE_RESOURCE + " is not on the class path");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read jtokkit's " + R50K_BASE_RESOURCE, e);
        }
    }

    /** Ranks from a {@code .tiktoken} file's contents; the ranks must be 0, 1, ... n − 1 in some order. */
    static MergeableRanks parse(byte[] file) {
        Base64.Decoder base64 = Base64.getDecoder();
        byte[][] tokens = new byte[64][];
        int count = 0;
        for (int at = 0; at < file.length; ) {
            int space = at;
            while (space < file.length && file[space] != ' ') {
                space++;
            }
            int rank = 0;
            int end = space + 1;
            for (; end < file.length && file[end] != '\n'; end++) {
                int digit = file[end] - '0';
                if (digit < 0 || digit > 9 || rank > (Integer.MAX_VALUE - digit) / 10) {
                    throw new IllegalStateException("bad rank in line " + (count + 1) + " of a .tiktoken file");
                }
                rank = 10 * rank + digit;
            }
            if (space == at || end == space + 1) {
                throw new IllegalStateException("line " + (count + 1) + " of a .tiktoken file is not 'base64 rank'");
            }
            if (rank >= tokens.length) {
                tokens = Arrays.copyOf(tokens, Math.max(2 * tokens.length, rank + 1));
            }
            if (tokens[rank] != null) {
                throw new IllegalStateException("rank " + rank + " appears twice in a .tiktoken file");
            }
            tokens[rank] = base64.decode(Arrays.copyOfRange(file, at, space));
            count++;
            at = end + 1;
        }
        for (int r = 0; r < count; r++) {
            if (tokens[r] == null) {
                throw new IllegalStateException("rank " + r + " is missing from a .tiktoken file of " + count + " ranks");
            }
        }
        return new MergeableRanks(Arrays.copyOf(tokens, count));
    }

    /** Number of tokens (ranks 0 … size − 1). */
    int size() {
        return offsets.length - 1;
    }

    /** The bytes of the token of rank {@code id} (a copy). */
    byte[] bytes(int id) {
        return Arrays.copyOfRange(bytes, offsets[id], offsets[id + 1]);
    }

    /** Byte length of the token of rank {@code id}. */
    int length(int id) {
        return offsets[id + 1] - offsets[id];
    }

    /** Copies the bytes of token {@code id} to {@code out} at {@code at}; returns the position after them. */
    int copyBytes(int id, byte[] out, int at) {
        int length = length(id);
        System.arraycopy(bytes, offsets[id], out, at, length);
        return at + length;
    }

    /** The rank of the byte string {@code b[from, to)}, or −1 if it is not a token. */
    int rank(byte[] b, int from, int to) {
        return rank(b, from, to, polynomialHash(b, from, to));
    }

    /**
     * {@link #rank(byte[], int, int)} of a byte string whose {@link #polynomialHash} is known: the table of merges
     * looks up every prefix and suffix of every token, and rolls their hashes instead of hashing each again.
     */
    int rank(byte[] b, int from, int to, int polynomialHash) {
        int mask = slots.length - 1;
        for (int slot = spread(polynomialHash) & mask; slots[slot] != 0; slot = (slot + 1) & mask) {
            int id = slots[slot] - 1;
            if (offsets[id + 1] - offsets[id] == to - from
                    && Arrays.equals(bytes, offsets[id], offsets[id + 1], b, from, to)) {
                return id;
            }
        }
        return -1;
    }

    /** {@code sum of b[i] · 31^(to − 1 − i)}: the hash of {@code b[from, to)} is {@code h(prefix + s) = h(prefix) · 31^|s| + h(s)}. */
    static int polynomialHash(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
