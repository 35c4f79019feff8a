package amem.datasets.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's byte-pair encoding ({@code r50k_base}, the table tiktoken calls "gpt2"), as nanoGPT's {@code prepare.py}
 * uses it: {@link #encode} is {@code encode_ordinary}, so a literal {@code <|endoftext|>} in the text is encoded as the
 * seven ordinary tokens it spells, never as the special id; a document boundary is marked by appending {@link
 * #END_OF_TEXT} explicitly.
 *
 * <p>The vocabulary is jtokkit 1.1.0's ({@link MergeableRanks} reads the rank file from its jar), and jtokkit's
 * {@code encodeOrdinary} is the reference the tests compare with, but the work is done here: {@link #encode} cuts the
 * text into pieces with {@link Gpt2PreTokenizer} (the same pieces as jtokkit's regex, which was the larger part of
 * its time) and looks each piece up in a per-thread {@link PieceCache}; only a piece the thread has not seen before
 * is merged, alone, by {@link Gpt2BytePairEncoder}, from its UTF-8 bytes ({@link Utf8}). That gives jtokkit's ids:
 * jtokkit encodes each piece of its split independently, and a piece given alone is split into itself (the pattern
 * has no anchors, and its one look-ahead, {@code (?!\S)} after whitespace, succeeds at the end of the text as it did
 * before the next piece). {@code Gpt2TokenizerTest} compares the two on tricky and random text, {@code
 * Gpt2BytePairEncoderTest} piece by piece.
 *
 * <p>Why not jtokkit for the new pieces: on the 18 Gutenberg books (11.8 MB; 66,511 distinct pieces of 2.9M) its
 * {@code encodeOrdinary} was about 30 % of the Java CPU samples of {@code prepare text}. Encoding the distinct pieces
 * once, each in a fresh JVM with the launcher's first JIT tier only (2026-12-06, shared machine, so estimates): 34–49
 * ms here against 160–179 ms by jtokkit; building the tables 50–60 ms (reading the ranks about 23, the table of
 * merges about 29) against 60–90 ms for jtokkit's. jtokkit's tables are not loaded at all by {@code prepare text} now;
 * decoding uses the same ranks. A cache shared by the threads (a {@code ConcurrentHashMap} of pieces) used to spare
 * jtokkit's few microseconds per piece; with merges of well under a microsecond, its look-ups and resizing cost more
 * than merging a piece again on another thread (the first pass over the books on 2 threads: about 0.58 against 0.64
 * CPU-s, medians of 7 alternating runs, 2026-12-06, noisy).
 *
 * <p>The tables take tens of milliseconds to build, so there is one shared instance ({@link #preload} starts the
 * build in the background); they are immutable and safe to use from many threads, and each thread has its own cache.
 */
public final class Gpt2Tokenizer implements Tokenizer {
    /** Name in {@code meta.json}. */
    public static final String NAME = "gpt2";
    /** 50,256 BPE ids plus end-of-text. */
    public static final int VOCAB_SIZE = 50257;
    /** {@code <|endoftext|>}: nanoGPT appends it after every document. */
    public static final int END_OF_TEXT = 50256;
    /** What the tokenizer is, for a store's {@code source} record. */
    public static final String DESCRIPTION = "GPT-2 BPE (tiktoken gpt2 = r50k_base, via jtokkit 1.1.0), encode_ordinary";

    private static final byte[] END_OF_TEXT_BYTES = "<|endoftext|>".getBytes(StandardCharsets.UTF_8);

    private static final class Holder {
        static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();
    }

    private final MergeableRanks ranks = MergeableRanks.r50kBase();
    private final Gpt2BytePairEncoder merges = new Gpt2BytePairEncoder(ranks);
    private final ThreadLocal<PieceCache> cache = ThreadLocal.withInitial(PieceCache::new);

    private Gpt2Tokenizer() {}

    /** The shared instance (the tables are built on first use). */
    public static Gpt2Tokenizer get() {
        return Holder.INSTANCE;
    }

    /**
     * Starts building the tables (the ranks and the merges) on a background thread, so that it overlaps other
     * start-up work (reading the input); {@link #get} then waits only for what is left of it.
     */
    public static void preload() {
        Thread loader = new Thread(Gpt2Tokenizer::get, "amem-gpt2-load");
        loader.setDaemon(true);
        loader.start();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int[] encode(String text) {
        PieceCache pieces = cache.get();
        char[] chars = text.toCharArray();
        int n = chars.length;
        int[] out = new int[n / 3 + 16];
        int count = 0;
        for (int start = 0; start < n; ) {
            int end = Gpt2PreTokenizer.pieceEnd(chars, start, n);
            // a piece of k chars has at most 3k UTF-8 bytes, and never more ids than bytes
            if (count + 3 * (end - start) > out.length) {
                out = Arrays.copyOf(out, Math.max(2 * out.length, count + 3 * (end - start)));
            }
            int next = end - start <= PieceCache.MAX_PIECE_CHARS ? pieces.lookup(chars, start, end, out, count) : -1;
            if (next >= 0) {
                count = next;
            } else {
                int[] ids = encodeNew(chars, start, end, pieces);
                System.arraycopy(ids, 0, out, count, ids.length);
                count += ids.length;
            }
            start = end;
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    /**
     * A piece this thread has not seen: its byte-pair merges (then into the thread's cache, unless too long for it).
     * The bytes are {@link String#getBytes}'s UTF-8, as in jtokkit ({@link Utf8}).
     */
    private int[] encodeNew(char[] chars, int start, int end, PieceCache pieces) {
        int[] ids = merge(chars, start, end);
        if (end - start <= PieceCache.MAX_PIECE_CHARS) {
            pieces.put(chars, start, end, ids);
        }
        return ids;
    }

    /** The ids of one pre-tokenizer piece (or of any text that the split leaves whole). */
    int[] encodePiece(String piece) {
        char[] chars = piece.toCharArray();
        return merge(chars, 0, chars.length);
    }

    /** The byte-pair merges of {@code chars[start, end)}'s UTF-8 bytes. */
    private int[] merge(char[] chars, int start, int end) {
        byte[] bytes = new byte[Utf8.maxBytes(end - start)];
        return merges.encode(bytes, Utf8.encode(chars, start, end, bytes));
    }

    /**
     * jtokkit's own {@code encodeOrdinary} (its regex split, then its merges of each piece's UTF-8 bytes): the
     * reference that tests compare {@link #encode} with. jtokkit's tables are loaded on the first call only, so
     * {@code prepare text} never loads them.
     */
    int[] encodeWithJtokkit(String text) {
        return Jtokkit.R50K_BASE.encodeOrdinary(text).toArray();
    }

    /**
     * Decodes ids to text; bytes that are not valid UTF-8 on their own (a character cut between two ids) become
     * U+FFFD, as in tiktoken's {@code decode} (the same {@code new String(bytes, UTF_8)} as jtokkit's).
     * {@link #END_OF_TEXT} decodes to {@code <|endoftext|>}.
     */
    @Override
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** The exact bytes of {@code ids}: concatenating the bytes of consecutive pieces never loses a character. */
    public byte[] decodeBytes(int[] ids) {
        int length = 0;
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + id + " is outside the GPT-2 vocabulary [0, " + VOCAB_SIZE + ")");
            }
            length += id == END_OF_TEXT ? END_OF_TEXT_BYTES.length : ranks.length(id);
        }
        byte[] out = new byte[length];
        int at = 0;
        for (int id : ids) {
            if (id == END_OF_TEXT) {
                System.arraycopy(END_OF_TEXT_BYTES, 0, out, at, END_OF_TEXT_BYTES.length);
                at += END_OF_TEXT_BYTES.length;
            } else {
                at = ranks.copyBytes(id, out, at);
            }
        }
        return out;
    }

    /** jtokkit's {@code decodeBytes}, the reference that tests compare {@link #decodeBytes} with. */
    byte[] decodeBytesWithJtokkit(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            list.add(id);
        }
        return Jtokkit.R50K_BASE.decodeBytes(list);
    }

    /** jtokkit's {@code r50k_base} encoding, the tests' reference, loaded on first use. */
    private static final class Jtokkit {
        static final Encoding R50K_BASE = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }
}
