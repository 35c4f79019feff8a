package amem.datasets.npy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The NumPy element types amem reads and writes: float16/32/64 for activation vectors, and signed or unsigned
 * integers of 1–8 bytes for token ids, positions and document ids. amem writes little-endian files; it reads both
 * byte orders (the order is not part of the constant, see {@link NpyHeader#order()}).
 */
public enum NpyDtype {
    FLOAT16('f', 2), FLOAT32('f', 4), FLOAT64('f', 8),
    INT8('i', 1), INT16('i', 2), INT32('i', 4), INT64('i', 8),
    UINT8('u', 1), UINT16('u', 2), UINT32('u', 4), UINT64('u', 8);

    private final char kind;
    private final int bytes;

    NpyDtype(char kind, int bytes) {
        this.kind = kind;
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloat() {
        return kind == 'f';
    }

    /** NumPy's {@code descr} as amem writes it (little-endian), e.g. {@code <f4} or {@code |u1}. */
    public String descr() {
        return (bytes == 1 ? "|" : "<") + kind + bytes;
    }

    /** NumPy's name, used on the command line and in manifests: {@code float32}, {@code float16}, {@code int64}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an activation dtype: {@code float32} or {@code float16} (also {@code f32}, {@code fp16}, ...). */
    public static NpyDtype parseActivation(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "float32":
            case "f32":
            case "fp32":
                return FLOAT32;
            case "float16":
            case "f16":
            case "fp16":
            case "half":
                return FLOAT16;
            default:
                throw new IllegalArgumentException("dtype '" + text + "' is not float32 or float16");
        }
    }

    /**
     * Parses a descriptor such as {@code <f4}, {@code >f2}, {@code |u1}, {@code <i8}.
     *
     * @param file named in the error
     */
    public static NpyDtype parse(String descr, Path file) throws NpyFormatException {
        if (descr.length() >= 3) {
            char orderChar = descr.charAt(0);
            char kind = descr.charAt(1);
            int size;
            try {
                size = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (orderChar == '<' || orderChar == '>' || orderChar == '|' || orderChar == '=') {
                for (NpyDtype type : values()) {
                    if (type.kind == kind && type.bytes == size) {
                        return type;
                    }
                }
            }
        }
        throw new NpyFormatException(file + ": unsupported .npy dtype '" + descr
                + "' (expected a float '<f4', '<f2', '<f8' or an integer type such as '<i8')");
    }

    /** Reads element {@code index} of {@code buffer} (positioned data, byte order already set) as a float. */
    float getFloat(ByteBuffer buffer, int index) {
        switch (this) {
            case FLOAT32:
                return buffer.getFloat(index * 4);
            case FLOAT16:
                return HalfPrecision.float16ToFloat(buffer.getShort(index * 2));
            case FLOAT64:
                return (float) buffer.getDouble(index * 8);
            default:
                return (float) getLong(buffer, index);
        }
    }

    /** Reads element {@code index} of {@code buffer} as a long (integers; floats are truncated). */
    long getLong(ByteBuffer buffer, int index) {
        switch (this) {
            case INT8:
                return buffer.get(index);
            case UINT8:
                return buffer.get(index) & 0xffL;
            case INT16:
                return buffer.getShort(index * 2);
            case UINT16:
                return buffer.getShort(index * 2) & 0xffffL;
            case INT32:
                return buffer.getInt(index * 4);
            case UINT32:
                return buffer.getInt(index * 4) & 0xffffffffL;
            case INT64:
            case UINT64:
                return buffer.getLong(index * 8);
            default:
                return (long) getFloat(buffer, index);
        }
    }
}
