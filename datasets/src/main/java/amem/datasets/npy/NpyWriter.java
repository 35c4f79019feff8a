package amem.datasets.npy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Streams a C-order array of shape (rows) or (rows, width) into a NumPy {@code .npy} file (format version 1.0)
 * without knowing the number of rows in advance.
 *
 * <p>Why a fixed-size header: the header states the shape, which is only known at the end; the writer reserves
 * {@value #HEADER_BYTES} bytes, streams the data after them, and rewrites the header (same length, padded with
 * spaces) on {@link #close()}. Until then the header claims 0 rows, so an interrupted file reads as empty rather
 * than as garbage. NumPy requires the header to end in a newline and the data to start at a multiple of 64.
 */
public final class NpyWriter implements Closeable {

    /** Magic string, version 1.0, 2-byte header length, header text: 128 bytes in all. */
    static final int HEADER_BYTES = 128;

    private final Path file;
    private final NpyDtype dtype;
    private final long width;
    private final FileChannel channel;
    private long rows;
    private boolean closed;

    /**
     * @param width elements per row, or 0 for a 1-D array of {@code rows} elements
     */
    public NpyWriter(Path file, NpyDtype dtype, long width) throws IOException {
        this.file = file;
        this.dtype = dtype;
        this.width = width;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writeHeader();
    }

    /**
     * Appends {@code count} rows whose little-endian bytes are {@code data}'s remaining bytes (consumed).
     */
    public void append(ByteBuffer data, long count) throws IOException {
        long expected = count * Math.max(width, 1) * dtype.bytes();
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(file + ": " + count + " rows need " + expected + " bytes, got "
                    + data.remaining());
        }
        while (data.hasRemaining()) {
            channel.write(data);
        }
        rows += count;
    }

    /** Appends int values as rows of a 1-D int32 array. */
    public void appendInts(int[] values, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values, 0, count);
        append(buffer, count);
    }

    /** Appends long values as rows of a 1-D int64 array. */
    public void appendLongs(long[] values, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values, 0, count);
        append(buffer, count);
    }

    public long rows() {
        return rows;
    }

    public Path file() {
        return file;
    }

    private void writeHeader() throws IOException {
        String dict = String.format(Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                dtype.descr(), width == 0 ? NpyHeader.shapeText(rows) : NpyHeader.shapeText(rows, width));
        int textBytes = HEADER_BYTES - 10;
        if (dict.length() + 1 > textBytes) {
            throw new IllegalStateException("npy header too long: " + dict);
        }
        StringBuilder text = new StringBuilder(dict);
        while (text.length() < textBytes - 1) {
            text.append(' ');
        }
        text.append('\n');
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        header.putShort((short) textBytes);
        header.put(text.toString().getBytes(StandardCharsets.US_ASCII));
        header.flip();
        long position = channel.position();
        channel.position(0);
        while (header.hasRemaining()) {
            channel.write(header);
        }
        channel.position(Math.max(position, HEADER_BYTES));
    }

    /** Writes the final shape into the header, forces the file to disk and closes it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            writeHeader();
            channel.force(true);
        }
    }
}
