package amem.datasets.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to a file of fixed-width little-endian token ids through read-only memory maps.
 *
 * <p>A single {@code MappedByteBuffer} is limited to 2^31 bytes while OpenWebText's train.bin is 17 GiB,
 * so the file is mapped in windows of {@code chunkBytes} (1 GiB by default; a power of two, so locating a
 * token is a shift and a mask). Reads that cross a window boundary are split. Only absolute gets are used
 * on buffers that are never repositioned, so any number of threads may read at once.
 */
final class MappedTokens {
    static final int DEFAULT_CHUNK_BYTES = 1 << 30;

    private final Path file;
    private final ByteBuffer[] chunks;
    private final long tokens;
    private final int bytesPerToken;
    private final int tokensPerChunkShift;
    private final long tokenInChunkMask;

    MappedTokens(Path file, long tokens, Dtype dtype, int chunkBytes) throws IOException {
        if (Integer.bitCount(chunkBytes) != 1 || chunkBytes < dtype.bytes()) {
            throw new IllegalArgumentException("chunk size must be a power of two ≥ " + dtype.bytes() + ", got " + chunkBytes);
        }
        this.file = file;
        this.tokens = tokens;
        this.bytesPerToken = dtype.bytes();
        int tokensPerChunk = chunkBytes / bytesPerToken;
        this.tokensPerChunkShift = Integer.numberOfTrailingZeros(tokensPerChunk);
        this.tokenInChunkMask = tokensPerChunk - 1L;
        long bytes = tokens * bytesPerToken;
        int count = (int) ((bytes + chunkBytes - 1) / chunkBytes);
        this.chunks = new ByteBuffer[count];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int c = 0; c < count; c++) {
                long offset = (long) c * chunkBytes;
                long size = Math.min(chunkBytes, bytes - offset);
                chunks[c] = channel.map(FileChannel.MapMode.READ_ONLY, offset, size).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
    }

    long tokens() {
        return tokens;
    }

    int token(long i) {
        ByteBuffer chunk = chunks[(int) (i >>> tokensPerChunkShift)];
        int at = (int) (i & tokenInChunkMask) * bytesPerToken;
        try {
            return bytesPerToken == 2 ? Short.toUnsignedInt(chunk.getShort(at)) : chunk.getInt(at);
        } catch (InternalError e) {
            throw shrunk(e);
        }
    }

    /**
     * A read of a mapped page that no longer exists: the file was truncated while mapped. HotSpot turns the SIGBUS
     * of such a read from Java code into this {@link InternalError}; it becomes a one-line error naming the file.
     */
    private UncheckedIOException shrunk(InternalError e) {
        return new UncheckedIOException(new TokenStoreException(file + " became shorter while amem was reading it "
                + "(it was mapped at " + tokens * bytesPerToken + " bytes); another program truncated or rewrote it", e));
    }

    /** Copies tokens {@code [start, start + len)} into {@code dst[off, off + len)}; bounds are checked by the caller. */
    void read(long start, int[] dst, int off, int len) {
        try {
            copy(start, dst, off, len);
        } catch (InternalError e) {
            throw shrunk(e);
        }
    }

    private void copy(long start, int[] dst, int off, int len) {
        long i = start;
        int written = 0;
        while (written < len) {
            ByteBuffer chunk = chunks[(int) (i >>> tokensPerChunkShift)];
            int first = (int) (i & tokenInChunkMask);
            int n = Math.min(len - written, (int) (tokenInChunkMask + 1 - first));
            int at = first * bytesPerToken;
            int o = off + written;
            if (bytesPerToken == 2) {
                for (int k = 0; k < n; k++, at += 2) {
                    dst[o + k] = Short.toUnsignedInt(chunk.getShort(at));
                }
            } else {
                for (int k = 0; k < n; k++, at += 4) {
                    dst[o + k] = chunk.getInt(at);
                }
            }
            written += n;
            i += n;
        }
    }
}
