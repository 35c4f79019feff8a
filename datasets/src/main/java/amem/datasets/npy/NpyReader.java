package amem.datasets.npy;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads rows of one {@code .npy} file without loading it whole: {@link #readRows} copies a run of rows into a
 * caller's float array (converting float16 and float64 to float32), {@link #readLongs} reads a 1-D integer array.
 */
public final class NpyReader implements Closeable {

    private static final int BUFFER_BYTES = 1 << 22;

    private final NpyHeader header;
    private final FileChannel channel;
    private final int rowBytes;
    private ByteBuffer buffer;

    private NpyReader(NpyHeader header, FileChannel channel) {
        this.header = header;
        this.channel = channel;
        this.rowBytes = Math.toIntExact(header.rowLength() * header.dtype().bytes());
    }

    /** Opens {@code file}, checking its header and size. */
    public static NpyReader open(Path file) throws IOException {
        NpyHeader header = NpyHeader.read(file);
        return new NpyReader(header, FileChannel.open(file, StandardOpenOption.READ));
    }

    public NpyHeader header() {
        return header;
    }

    /**
     * Copies rows {@code [first, first + count)} into {@code target} starting at {@code offset}, as float32, each
     * row {@link NpyHeader#rowLength()} elements long.
     */
    public void readRows(long first, int count, float[] target, int offset) throws IOException {
        if (first < 0 || count < 0 || first + count > header.rows()) {
            throw new IndexOutOfBoundsException(header.file() + ": rows " + first + ".." + (first + count)
                    + " outside 0.." + header.rows());
        }
        int rowLength = (int) header.rowLength();
        int rowsPerRead = Math.max(1, BUFFER_BYTES / Math.max(1, rowBytes));
        int done = 0;
        while (done < count) {
            int rows = Math.min(rowsPerRead, count - done);
            ByteBuffer bytes = fill(header.dataOffset() + (first + done) * (long) rowBytes, rows * rowBytes);
            int elements = rows * rowLength;
            int at = offset + done * rowLength;
            NpyDtype dtype = header.dtype();
            if (dtype == NpyDtype.FLOAT32) {
                bytes.asFloatBuffer().get(target, at, elements);
            } else {
                for (int i = 0; i < elements; i++) {
                    target[at + i] = dtype.getFloat(bytes, i);
                }
            }
            done += rows;
        }
    }

    /** Reads a whole 1-D integer array. */
    public long[] readLongs() throws IOException {
        header.requireIntegerVector();
        int count = Math.toIntExact(header.rows());
        long[] values = new long[count];
        int size = header.dtype().bytes();
        int perRead = BUFFER_BYTES / size;
        for (int done = 0; done < count; ) {
            int n = Math.min(perRead, count - done);
            ByteBuffer bytes = fill(header.dataOffset() + (long) done * size, n * size);
            for (int i = 0; i < n; i++) {
                values[done + i] = header.dtype().getLong(bytes, i);
            }
            done += n;
        }
        return values;
    }

    private ByteBuffer fill(long position, int length) throws IOException {
        if (buffer == null || buffer.capacity() < length) {
            buffer = ByteBuffer.allocate(Math.max(length, Math.min(BUFFER_BYTES, 1 << 16)));
        }
        buffer.clear().limit(length);
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new NpyFormatException(header.file() + ": unexpected end of file at byte " + at);
            }
            at += read;
        }
        buffer.flip();
        return buffer.slice().order(header.order());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
