package amem.datasets.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.Arrays;

/**
 * GPT-2's byte-pair encoding through jtokkit ({@code r50k_base}, the table tiktoken calls "gpt2"), as nanoGPT's
 * {@code prepare.py} uses it: {@link #encode} is {@code encode_ordinary}, so a literal {@code <|endoftext|>} in the
 * text is encoded as the seven ordinary tokens it spells, never as the special id; a document boundary is marked by
 * appending {@link #END_OF_TEXT} explicitly.
 *
 * <p>jtokkit is the reference and does every byte-pair merge, but not the splitting: {@link #encode} cuts the text
 * into pieces with {@link Gpt2PreTokenizer} (the same pieces as jtokkit's regex, which was the larger part of its
 * time) and looks each piece up in a per-thread {@link PieceCache}; only a piece not seen before goes to jtokkit,
 * alone. That gives jtokkit's ids: jtokkit encodes each piece of its split independently, and a piece given alone
 * is split into itself (the pattern has no anchors, and its one look-ahead, {@code (?!\S)} after whitespace,
 * succeeds at the end of the text as it did before the next piece). {@code Gpt2TokenizerTest} compares the two on
 * tricky and random text.
 *
 * <p>Loading the merge table takes a few hundred milliseconds, so there is one shared instance ({@link #preload}
 * starts the load in the background); jtokkit's encoding holds only immutable tables and is safe to use from many
 * threads, and each thread has its own cache.
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

    private static final class Holder {
        static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer();
    }

    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    private final ThreadLocal<PieceCache> cache = ThreadLocal.withInitial(PieceCache::new);

    private Gpt2Tokenizer() {}

    /** The shared instance (the merge table is loaded on first use). */
    public static Gpt2Tokenizer get() {
        return Holder.INSTANCE;
    }

    /**
     * Starts loading the merge table on a background thread, so that it overlaps other start-up work (reading the
     * input); {@link #get} then waits only for what is left of it.
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
        int n = text.length();
        int[] out = new int[n / 3 + 16];
        int count = 0;
        for (int start = 0; start < n; ) {
            int end = Gpt2PreTokenizer.pieceEnd(text, start);
            int[] ids;
            if (end - start <= PieceCache.MAX_PIECE_CHARS) {
                int hash = PieceCache.hash(text, start, end);
                ids = pieces.get(text, start, end, hash);
                if (ids == null) {
                    String piece = text.substring(start, end);
                    ids = encodeWithJtokkit(piece);
                    pieces.put(piece, hash, ids);
                }
            } else {
                ids = encodeWithJtokkit(text.substring(start, end));
            }
            if (count + ids.length > out.length) {
                out = Arrays.copyOf(out, Math.max(2 * out.length, count + ids.length));
            }
            System.arraycopy(ids, 0, out, count, ids.length);
            count += ids.length;
            start = end;
        }
        return count == out.length ? out : Arrays.copyOf(out, count);
    }

    /**
     * jtokkit's own {@code encodeOrdinary} (its regex split, then the merges of each piece's UTF-8 bytes): {@link
     * #encode} calls it on single pieces, and tests on whole texts as the reference that {@link #encode} equals.
     */
    int[] encodeWithJtokkit(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    /**
     * Decodes ids to text; bytes that are not valid UTF-8 on their own (a character cut between two ids) become
     * U+FFFD, as in tiktoken's {@code decode}. {@link #END_OF_TEXT} decodes to {@code <|endoftext|>}.
     */
    @Override
    public String decode(int[] ids) {
        return encoding.decode(list(ids));
    }

    /** The exact bytes of {@code ids}: concatenating the bytes of consecutive pieces never loses a character. */
    public byte[] decodeBytes(int[] ids) {
        return encoding.decodeBytes(list(ids));
    }

    private static IntArrayList list(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + id + " is outside the GPT-2 vocabulary [0, " + VOCAB_SIZE + ")");
            }
            list.add(id);
        }
        return list;
    }
}
