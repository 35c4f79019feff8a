package amem.datasets.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.tokenize.Gpt2Tokenizer;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Chunks cut at safe points encode to exactly the ids of the whole document. */
class DocumentChunkerTest {
    private static final String[] PIECES = {"the", "The", "newt", "isn't", "they're", "we'll", "naïve", "café", "日本語", "😀",
        "3.14", "2024", "x=1;", "--", "...", "(a)", "\"q\"", "'s", "A", "é", " ", "  ", "   ", "\n", "\n\n", "\n\n\n", " \n", "\t",
        "\r\n", "\r\n\r\n", "\u00A0", "\u2003", ",", ".", "!?"};

    private static String randomText(SplittableRandom rng, int pieces) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            sb.append(PIECES[rng.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void chunkedEncodingEqualsWholeEncoding() throws IOException {
        Gpt2Tokenizer gpt2 = Gpt2Tokenizer.get();
        SplittableRandom rng = new SplittableRandom(5);
        int cuts = 0;
        for (int doc = 0; doc < 300; doc++) {
            String text = randomText(rng, 50 + rng.nextInt(400));
            String normalised = text.replace("\r\n", "\n");
            DocumentChunker chunker = new DocumentChunker(new StringReader(text), 16 + rng.nextInt(64));
            List<Integer> ids = new ArrayList<>();
            StringBuilder joined = new StringBuilder();
            int n = 0;
            for (DocumentChunker.Chunk c = chunker.next(); c != null; c = chunker.next()) {
                n++;
                joined.append(c.text());
                for (int id : gpt2.encode(c.text())) {
                    ids.add(id);
                }
            }
            cuts += n - 1;
            assertEquals(normalised, joined.toString(), "chunks concatenate to the normalised text");
            assertArrayEquals(gpt2.encode(normalised), ids.stream().mapToInt(Integer::intValue).toArray(), "document " + doc);
        }
        assertTrue(cuts > 1000, "the test cut documents often: " + cuts);
    }

    @Test
    void onlyTheFinalChunkIsLastAndEmptyDocumentsYieldOneEmptyChunk() throws IOException {
        DocumentChunker chunker = new DocumentChunker(new StringReader("aaaa bbbb cccc dddd eeee"), 8);
        List<DocumentChunker.Chunk> all = new ArrayList<>();
        for (DocumentChunker.Chunk c = chunker.next(); c != null; c = chunker.next()) {
            all.add(c);
        }
        assertTrue(all.size() > 1);
        IntStream.range(0, all.size() - 1).forEach(i -> assertFalse(all.get(i).last()));
        assertTrue(all.get(all.size() - 1).last());
        assertEquals("aaaa bbbb cccc dddd eeee", String.join("", all.stream().map(DocumentChunker.Chunk::text).toList()));

        DocumentChunker empty = new DocumentChunker(new StringReader(""), 8);
        assertEquals(new DocumentChunker.Chunk("", true), empty.next());
        assertEquals(null, empty.next());
    }

    @Test
    void normalisesCrLfKeepsLoneCrAndDropsLeadingBom() throws IOException {
        DocumentChunker chunker = new DocumentChunker(new StringReader("\uFEFFa\r\nb\rc\r\n\r\nd\r"), 1 << 10);
        assertEquals(new DocumentChunker.Chunk("a\nb\rc\n\nd\r", true), chunker.next());
        // a BOM later in the text is content
        assertEquals("x\uFEFFy", new DocumentChunker(new StringReader("x\uFEFFy"), 8).next().text());
        // the same when every read returns at most k chars, so a CR and its LF arrive in different reads
        String text = "\uFEFFa\r\nb\rc\r\n\r\nd\r\r\r\ne\r";
        for (int k = 1; k <= 4; k++) {
            int most = k;
            java.io.Reader trickle = new java.io.FilterReader(new StringReader(text)) {
                @Override
                public int read(char[] buffer, int offset, int length) throws IOException {
                    return super.read(buffer, offset, Math.min(most, length));
                }
            };
            assertEquals("a\nb\rc\n\nd\r\r\ne\r", new DocumentChunker(trickle, 1 << 10).next().text(), "reads of " + k);
        }
    }

    @Test
    void safeCutsAreAfterALetterOrDigitBeforeSpaceOrNewline() {
        assertTrue(SafeCuts.isSafe("ab cd", 2));
        assertTrue(SafeCuts.isSafe("a9\nx", 2));
        assertFalse(SafeCuts.isSafe("ab  cd", 3), "inside a run of spaces");
        assertFalse(SafeCuts.isSafe("a. b", 2), "after punctuation");
        assertFalse(SafeCuts.isSafe("ab\tcd", 2), "before a tab");
        assertEquals(-1, SafeCuts.lastSafe("....", 0, 4));
    }
}
