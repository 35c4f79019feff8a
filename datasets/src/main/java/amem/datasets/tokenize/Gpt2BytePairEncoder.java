package amem.datasets.tokenize;

import java.util.Arrays;

/**
 * Byte-pair merges of one pre-tokenizer piece: its bytes to token ids, exactly as tiktoken (and jtokkit) encode a
 * piece. A piece that is itself a token is that token; otherwise every byte starts as its own part (id = rank of that
 * byte), and the adjacent pair whose concatenated bytes have the lowest rank is merged, the leftmost of equal ranks
 * first, until no adjacent concatenation is a token.
 *
 * <p>Why our own: with the split and the piece caches in {@link Gpt2Tokenizer}, jtokkit's {@code encodeOrdinary} on the
 * 66,511 distinct pieces of the 18 Gutenberg books was about 30 % of the Java CPU samples of {@code prepare text}
 * (it splits each piece again with its regex and looks byte ranges up as boxed map keys); these merges take about a
 * quarter of its time on those pieces (figures in {@link Gpt2Tokenizer}). Every part is a token, so a merge is a
 * look-up of a pair of ids: the table of merges maps {@code (a, b)} to the rank of {@code bytes(a) + bytes(b)} when
 * that is a token (108,299 pairs in r50k_base), built once by cutting every token at every point into two tokens, and
 * held in a primitive {@link LongIntMap}; pairs of single bytes, a piece's first look-ups, also in a 256 × 256 array
 * (on the books' distinct pieces the merges took 21 ms instead of 28–34 with it). A piece of up to {@link #LONG_PIECE} bytes is merged by a scan over two int
 * arrays, O(k²) at worst but fastest for the short pieces of text; a longer one (a run of spaces or dashes, a long
 * word) by a heap, O(k log k), so a 10,000-character piece takes milliseconds ({@code Gpt2BytePairEncoderTest}).
 *
 * <p>Immutable and safe to share between threads; each call works in arrays of its own.
 */
final class Gpt2BytePairEncoder {
    /**
     * Pieces of more bytes go to {@link #mergeLong}: on random letter strings, compiled by the first JIT tier, the scan
     * took 14.6 µs and the heap 16.5 at 128 bytes, 37.7 and 34.4 at 256 (2026-12-06, shared machine).
     */
    static final int LONG_PIECE = 192;
    /** "No merge": above every rank. */
    private static final int NONE = Integer.MAX_VALUE;

    private final MergeableRanks ranks;
    private final int[] byteIds = new int[256];
    /** {@code (a << 32) | b} to the rank of {@code bytes(a) + bytes(b)}, for every such pair that is a token. */
    private final LongIntMap merges;
    /**
     * The same for two single bytes, {@code (x << 8) | y} to the rank of {@code x y} or {@link #NONE}: a piece's
     * first look-ups (one per pair of adjacent bytes, about half of all) are array reads instead of probes.
     */
    private final int[] bytePairs = new int[256 * 256];

    Gpt2BytePairEncoder(MergeableRanks ranks) {
        this.ranks = ranks;
        byte[] one = new byte[1];
        for (int b = 0; b < 256; b++) {
            one[0] = (byte) b;
            byteIds[b] = ranks.rank(one, 0, 1);
            if (byteIds[b] < 0) {
                throw new IllegalStateException("byte " + b + " is not a token of the vocabulary");
            }
        }
        int longest = 0;
        for (int id = 0; id < ranks.size(); id++) {
            longest = Math.max(longest, ranks.length(id));
        }
        // the pairs are gathered first, so that the map is sized to them (108,299 of r50k_base's 270,558 cuts):
        // a smaller table is faster to fill and to look up
        long[] pairs = new long[ranks.size()];
        int[] merged = new int[ranks.size()];
        int count = 0;
        byte[] token = new byte[longest];
        int[] prefixHash = new int[longest + 1];
        int[] power = new int[longest + 1]; // 31^i
        power[0] = 1;
        for (int i = 1; i <= longest; i++) {
            power[i] = 31 * power[i - 1];
        }
        for (int id = 0; id < ranks.size(); id++) {
            int length = ranks.copyBytes(id, token, 0);
            for (int i = 0; i < length; i++) {
                prefixHash[i + 1] = 31 * prefixHash[i] + token[i];
            }
            for (int cut = 1; cut < length; cut++) {
                int a = ranks.rank(token, 0, cut, prefixHash[cut]);
                if (a >= 0) {
                    int b = ranks.rank(token, cut, length, prefixHash[length] - prefixHash[cut] * power[length - cut]);
                    if (b >= 0) {
                        if (count == pairs.length) {
                            pairs = Arrays.copyOf(pairs, 2 * count);
                            merged = Arrays.copyOf(merged, 2 * count);
                        }
                        pairs[count] = pair(a, b);
                        merged[count++] = id;
                    }
                }
            }
        }
        merges = new LongIntMap(count);
        for (int i = 0; i < count; i++) {
            merges.put(pairs[i], merged[i]);
        }
        for (int x = 0; x < 256; x++) {
            for (int y = 0; y < 256; y++) {
                bytePairs[(x << 8) | y] = merges.get(pair(byteIds[x], byteIds[y]), NONE);
            }
        }
    }

    /** Number of pairs of tokens whose concatenation is a token. */
    int mergeCount() {
        return merges.size();
    }

    /** The ids of the piece {@code bytes[0, length)}. */
    int[] encode(byte[] bytes, int length) {
        int whole = ranks.rank(bytes, 0, length);
        if (whole >= 0) {
            return new int[] {whole};
        }
        return length > LONG_PIECE ? mergeLong(bytes, length) : merge(bytes, length);
    }

    /**
     * The merges of {@code bytes[0, n)}, one part per byte to start with, in two int arrays: {@code ids} of the parts
     * and {@code merged[i]}, the rank of parts i and i + 1 together ({@link #NONE} if they are not a token). Each step
     * scans for the lowest, leftmost, merges it and recomputes its two neighbours.
     */
    int[] merge(byte[] bytes, int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = byteIds[bytes[i] & 0xff];
        }
        if (n < 2) {
            return ids;
        }
        int[] merged = new int[n - 1];
        for (int i = 0; i < n - 1; i++) {
            merged[i] = bytePairs[((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)];
        }
        while (n > 1) {
            int best = 0;
            int bestRank = merged[0];
            for (int i = 1; i < n - 1; i++) {
                if (merged[i] < bestRank) {
                    bestRank = merged[i];
                    best = i;
                }
            }
            if (bestRank == NONE) {
                break;
            }
            ids[best] = bestRank;
            System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
            if (best + 2 < n - 1) {
                System.arraycopy(merged, best + 2, merged, best + 1, n - best - 3);
            }
            n--;
            if (best > 0) {
                merged[best - 1] = merges.get(pair(ids[best - 1], ids[best]), NONE);
            }
            if (best < n - 1) {
                merged[best] = merges.get(pair(ids[best], ids[best + 1]), NONE);
            }
        }
        return Arrays.copyOf(ids, n);
    }

    /**
     * The same merges in O(k log k) for a long piece (a run of thousands of spaces or dashes would take seconds in
     * {@link #merge}'s O(k²)): the parts are a linked list over the byte positions where they start, and a binary
     * min-heap holds {@code (rank << 32) | start} of every adjacent pair that is a token, so the smallest key is the
     * lowest rank, leftmost. A pair changed by a merge is pushed again with its new rank; an entry whose pair no
     * longer has that rank is skipped when it comes out.
     */
    int[] mergeLong(byte[] bytes, int length) {
        int[] ids = new int[length]; // the id of the part that starts at i; −1 inside a part
        int[] next = new int[length]; // where the next part starts (length: none)
        int[] prev = new int[length]; // where the previous part starts (−1: none)
        long[] heap = new long[Math.max(1, length)];
        int size = 0;
        for (int i = 0; i < length; i++) {
            ids[i] = byteIds[bytes[i] & 0xff];
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < length; i++) {
            int rank = bytePairs[((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)];
            if (rank != NONE) {
                size = push(heap, size, key(rank, i));
            }
        }
        int parts = length;
        while (size > 0) {
            long top = heap[0];
            size = pop(heap, size);
            int at = (int) top;
            int rank = (int) (top >>> 32);
            if (ids[at] < 0 || next[at] == length || merges.get(pair(ids[at], ids[next[at]]), NONE) != rank) {
                continue; // stale: the part at `at` or its neighbour was merged since
            }
            int gone = next[at];
            ids[at] = rank;
            ids[gone] = -1;
            next[at] = next[gone];
            if (next[at] < length) {
                prev[next[at]] = at;
            }
            parts--;
            if (heap.length < size + 2) {
                heap = Arrays.copyOf(heap, 2 * heap.length + 2);
            }
            if (prev[at] >= 0) {
                int left = merges.get(pair(ids[prev[at]], rank), NONE);
                if (left != NONE) {
                    size = push(heap, size, key(left, prev[at]));
                }
            }
            if (next[at] < length) {
                int right = merges.get(pair(rank, ids[next[at]]), NONE);
                if (right != NONE) {
                    size = push(heap, size, key(right, at));
                }
            }
        }
        int[] out = new int[parts];
        for (int i = 0, k = 0; i < length; i = next[i]) {
            out[k++] = ids[i];
        }
        return out;
    }

    private static long key(int rank, int start) {
        return ((long) rank << 32) | start;
    }

    /** Adds {@code key} to the heap {@code heap[0, size)} (room for it is there); returns the new size. */
    private static int push(long[] heap, int size, long key) {
        int i = size;
        while (i > 0 && heap[(i - 1) >>> 1] > key) {
            heap[i] = heap[(i - 1) >>> 1];
            i = (i - 1) >>> 1;
        }
        heap[i] = key;
        return size + 1;
    }

    /** Removes the smallest key, {@code heap[0]}; returns the new size. */
    private static int pop(long[] heap, int size) {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= last) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
        return size;
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | b;
    }
}
