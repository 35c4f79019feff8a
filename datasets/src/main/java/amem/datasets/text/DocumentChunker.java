package amem.datasets.text;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads one document from a {@link Reader} as chunks of about {@code targetChars} characters (the last safe point
 * in the second half of the target, else the first one after it), cut only at {@link SafeCuts safe points}, so a document of any size is tokenized in bounded memory and its chunks can be
 * encoded in parallel. While reading it normalises line ends ({@code \r\n} becomes {@code \n}; a lone {@code \r} is
 * kept) and drops a byte-order mark at the start of the document. A document without any safe point (no space or
 * line feed after a letter or digit) is held whole.
 */
final class DocumentChunker {
    private static final char BOM = '\uFEFF';

    private final Reader in;
    private final int targetChars;
    private final char[] buffer = new char[1 << 14];
    private StringBuilder pending = new StringBuilder();
    private int searchedUpTo;
    private boolean started;
    private boolean carriageReturn;
    private boolean eof;
    private boolean done;

    DocumentChunker(Reader in, int targetChars) {
        this.in = in;
        this.targetChars = targetChars;
    }

    /** One chunk: its text and whether it ends the document. */
    record Chunk(String text, boolean last) {}

    /** The next chunk, or null after the last one (a document always yields at least one chunk, maybe empty). */
    Chunk next() throws IOException {
        if (done) {
            return null;
        }
        while (!eof) {
            if (pending.length() >= targetChars) {
                int cut = searchedUpTo == 0 ? SafeCuts.lastSafe(pending, targetChars / 2, targetChars + 1) : -1;
                if (cut < 0) {
                    cut = SafeCuts.firstSafe(pending, Math.max(searchedUpTo, targetChars + 1), pending.length());
                }
                if (cut > 0) {
                    String text = pending.substring(0, cut);
                    StringBuilder rest = new StringBuilder(Math.max(targetChars, pending.length() - cut + buffer.length));
                    rest.append(pending, cut, pending.length());
                    pending = rest;
                    searchedUpTo = 0;
                    return new Chunk(text, false);
                }
                searchedUpTo = pending.length();
            }
            readMore();
        }
        done = true;
        return new Chunk(pending.toString(), true);
    }

    private void readMore() throws IOException {
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            eof = true;
            if (carriageReturn) {
                pending.append('\r');
                carriageReturn = false;
            }
            return;
        }
        int i = 0;
        if (!started && n > 0) {
            started = true;
            if (buffer[0] == BOM) {
                i = 1;
            }
        }
        // runs without a carriage return are appended whole (a char at a time was a tenth of tokenizing's CPU time)
        while (i < n) {
            if (carriageReturn) {
                carriageReturn = false;
                if (buffer[i] != '\n') {
                    pending.append('\r');
                }
            }
            int end = i;
            while (end < n && buffer[end] != '\r') {
                end++;
            }
            pending.append(buffer, i, end - i);
            if (end < n) {
                carriageReturn = true;
                end++;
            }
            i = end;
        }
    }
}
