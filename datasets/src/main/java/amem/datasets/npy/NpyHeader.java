package amem.datasets.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0): magic {@code \x93NUMPY}, version
 * bytes, a little-endian header length (2 bytes in 1.0, 4 bytes later), then a Python dict literal with
 * {@code 'descr'}, {@code 'fortran_order'} and {@code 'shape'}; the data follows at {@link #dataOffset()}.
 *
 * @param file the file the header was read from (named in errors)
 * @param descr the dtype descriptor as written, e.g. {@code <f4}
 * @param dtype the element type
 * @param fortranOrder whether the data is column-major
 * @param shape the array shape (empty for a scalar)
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(Path file, String descr, NpyDtype dtype, boolean fortranOrder, long[] shape, long dataOffset) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads and checks the header of {@code file}, including that the file holds exactly the data it declares. */
    public static NpyHeader read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer prefix = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0, file);
            byte[] magic = new byte[6];
            prefix.get(0, magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new NpyFormatException(file + ": not a NumPy .npy file (missing the \\x93NUMPY magic)");
            }
            int major = prefix.get(6) & 0xff;
            int headerLength;
            int headerStart;
            if (major == 1) {
                headerLength = prefix.getShort(8) & 0xffff;
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                long length = prefix.getInt(8) & 0xffffffffL;
                if (length > 1 << 20) {
                    throw new NpyFormatException(file + ": .npy header length " + length + " is implausible");
                }
                headerLength = (int) length;
                headerStart = 12;
            } else {
                throw new NpyFormatException(file + ": unsupported .npy format version " + major + "."
                        + (prefix.get(7) & 0xff) + " (expected 1.0, 2.0 or 3.0)");
            }
            ByteBuffer dict = ByteBuffer.allocate(headerLength);
            readFully(channel, dict, headerStart, file);
            String text = new String(dict.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            NpyHeader header = parse(file, text, headerStart + headerLength);
            long expected = header.dataOffset + header.elementCount() * header.dtype.bytes();
            long actual = channel.size();
            if (actual != expected) {
                throw new NpyFormatException(String.format(Locale.ROOT,
                        "%s: %s: header declares shape %s of '%s' (%d data bytes after a %d-byte header) but the file has %d bytes",
                        file, actual < expected ? "truncated" : "trailing bytes", header.shapeText(), header.descr,
                        expected - header.dataOffset, header.dataOffset, actual));
            }
            return header;
        }
    }

    /** Parses the dict literal of a header; {@code dataOffset} is where the data starts. */
    static NpyHeader parse(Path file, String dict, long dataOffset) throws NpyFormatException {
        Matcher descr = DESCR.matcher(dict);
        Matcher fortran = FORTRAN.matcher(dict);
        Matcher shape = SHAPE.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find()) {
            throw new NpyFormatException(file + ": .npy header lacks 'descr', 'fortran_order' or 'shape': " + dict.trim());
        }
        NpyDtype dtype = NpyDtype.parse(descr.group(1), file);
        String[] parts = shape.group(1).split(",");
        long[] dims = Arrays.stream(parts).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(s -> {
            String digits = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                return -1;
            }
        }).toArray();
        for (long d : dims) {
            if (d < 0) {
                throw new NpyFormatException(file + ": .npy shape (" + shape.group(1) + ") is not a tuple of sizes");
            }
        }
        return new NpyHeader(file, descr.group(1), dtype, fortran.group(1).equals("True"), dims, dataOffset);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position, Path file) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new NpyFormatException(file + ": truncated .npy header");
            }
            at += read;
        }
        buffer.flip();
    }

    /** The byte order of the data. */
    public ByteOrder order() {
        return descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** Product of the dimensions. */
    public long elementCount() {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        return count;
    }

    /** Number of rows (first dimension); 1 for a scalar. */
    public long rows() {
        return shape.length == 0 ? 1 : shape[0];
    }

    /** Elements per row (product of all but the first dimension). */
    public long rowLength() {
        long count = 1;
        for (int i = 1; i < shape.length; i++) {
            count *= shape[i];
        }
        return count;
    }

    /** The shape as NumPy prints it, e.g. {@code (1000, 64)}. */
    public String shapeText() {
        return shapeText(shape);
    }

    /** A shape as NumPy prints it: {@code (5,)}, {@code (1000, 64)}, {@code ()}. */
    static String shapeText(long... shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(')').toString();
    }

    /** Fails unless the array is a C-order matrix (vectors × width). */
    public void requireMatrix() throws NpyFormatException {
        if (shape.length != 2) {
            throw new NpyFormatException(file + ": expected a 2-D array (vectors, n) but the shape is " + shapeText());
        }
        if (fortranOrder) {
            throw new NpyFormatException(file + ": Fortran-order arrays are not supported (save with C order)");
        }
        if (!dtype.isFloat()) {
            throw new NpyFormatException(file + ": expected float32 or float16 vectors but the dtype is '" + descr + "'");
        }
    }

    /** Fails unless the array is 1-D integer data (token ids, positions, document ids). */
    public void requireIntegerVector() throws NpyFormatException {
        if (shape.length != 1 || dtype.isFloat()) {
            throw new NpyFormatException(file + ": expected a 1-D integer array but found " + shapeText() + " of '"
                    + descr + "'");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NpyHeader h && h.file.equals(file) && h.dtype == dtype && h.fortranOrder == fortranOrder
                && Arrays.equals(h.shape, shape) && h.dataOffset == dataOffset;
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return file + " " + shapeText() + " '" + descr + "'";
    }
}
