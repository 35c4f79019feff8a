package amem.pipeline.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import amem.datasets.npy.HalfPrecision;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a {@code .safetensors} file tensor by tensor: an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to {@code {dtype, shape, data_offsets: [begin, end]}} (offsets relative to the end of
 * the header) plus an optional {@code __metadata__} object, then the raw little-endian bytes.
 *
 * <p>Why not DJL's {@code NDList.decode}: it reads the whole data section into one {@code byte[]}, which cannot
 * hold gpt2-large (3.1 GB) and would double the memory for gpt2-medium. Here only the header is read up front;
 * each tensor is memory-mapped when it is loaded and copied into engine-owned memory (never left backed by the
 * mapping, which is read-only and would be unmapped behind the engine's back). Supported dtypes on read:
 * F32, F16, BF16, all converted to float32.
 */
public final class SafetensorsFile implements Closeable {

    /** Largest header accepted (the format's own limit is 100 MB). */
    static final long MAX_HEADER_BYTES = 100L << 20;

    /** One tensor's header entry; {@code begin}/{@code end} are absolute file offsets. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public String shapeText() {
            return java.util.Arrays.toString(shape);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens {@code file} and validates its header: every entry has a supported dtype, a shape and offsets that
     * fit the file and agree with the dtype's size.
     *
     * @throws WeightsException naming the file and the offending tensor
     */
    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new WeightsException(file + " does not exist");
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new WeightsException(file + " is not a safetensors file: " + size + " bytes, shorter than the "
                        + "8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new WeightsException(file + " is not a safetensors file: header length " + headerLength
                        + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonObject header;
            try {
                JsonElement parsed = JsonParser.parseString(new String(headerBytes.array(), StandardCharsets.UTF_8));
                if (!parsed.isJsonObject()) {
                    throw new WeightsException(file + ": the safetensors header is not a JSON object");
                }
                header = parsed.getAsJsonObject();
            } catch (JsonParseException e) {
                throw new WeightsException(file + ": the safetensors header is not valid JSON: " + amem.datasets.JsonErrors.describe(e));
            }
            long dataStart = 8 + headerLength;
            Map<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> member : header.entrySet()) {
                if (member.getKey().equals("__metadata__")) {
                    if (member.getValue().isJsonObject()) {
                        member.getValue().getAsJsonObject().entrySet()
                                .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                    }
                    continue;
                }
                entries.put(member.getKey(), entry(file, member.getKey(), member.getValue(), dataStart, size));
            }
            return new SafetensorsFile(file, channel, Collections.unmodifiableMap(entries),
                    Collections.unmodifiableMap(metadata));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static Entry entry(Path file, String name, JsonElement value, long dataStart, long size) {
        String where = file + ": tensor " + name;
        try {
            JsonObject o = value.getAsJsonObject();
            String dtype = o.get("dtype").getAsString();
            int bytes = bytesOf(dtype);
            var shapeJson = o.getAsJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsLong();
                if (shape[i] < 0) {
                    throw new WeightsException(where + " has a negative dimension in its shape " + shapeJson);
                }
            }
            var offsets = o.getAsJsonArray("data_offsets");
            if (offsets == null || offsets.size() != 2) {
                throw new WeightsException(where + ": data_offsets must be [begin, end]");
            }
            long begin = dataStart + offsets.get(0).getAsLong();
            long end = dataStart + offsets.get(1).getAsLong();
            Entry entry = new Entry(name, dtype, shape, begin, end);
            if (begin < dataStart || end < begin || end > size) {
                throw new WeightsException(where + ": data_offsets " + offsets + " lie outside the file's "
                        + (size - dataStart) + " data bytes (truncated file?)");
            }
            if (bytes > 0 && end - begin != entry.elements() * bytes) {
                throw new WeightsException(where + ": " + (end - begin) + " bytes for shape " + shapeJson + " of "
                        + dtype + ", expected " + entry.elements() * bytes);
            }
            return entry;
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException
                | ClassCastException | NumberFormatException e) {
            throw new WeightsException(where + ": malformed header entry " + value);
        }
    }

    /** Bytes per element, or 0 for a dtype that can be listed but not loaded. */
    private static int bytesOf(String dtype) {
        switch (dtype) {
            case "F32":
            case "I32":
                return 4;
            case "F16":
            case "BF16":
            case "I16":
                return 2;
            case "F64":
            case "I64":
                return 8;
            case "I8":
            case "U8":
            case "BOOL":
                return 1;
            default:
                return 0;
        }
    }

    public Path file() {
        return file;
    }

    /** Every tensor entry in header order. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} strings (may be empty). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Loads one tensor as a float32 array in {@code manager} (on its device), in engine-owned memory.
     *
     * @throws WeightsException when the tensor's dtype is not F32, F16 or BF16
     */
    public NDArray load(Entry entry, NDManager manager) throws IOException {
        DataType type;
        switch (entry.dtype()) {
            case "F32":
                type = DataType.FLOAT32;
                break;
            case "F16":
                type = DataType.FLOAT16;
                break;
            case "BF16": // converted on the host: libtorch under DJL cannot create bfloat16 arrays from a buffer
                type = DataType.FLOAT32;
                break;
            default:
                throw new WeightsException(file + ": tensor " + entry.name() + " has dtype " + entry.dtype()
                        + "; amem reads F32, F16 and BF16 weights");
        }
        long length = entry.end() - entry.begin();
        if (length > Integer.MAX_VALUE / 2) {
            throw new WeightsException(file + ": tensor " + entry.name() + " has " + length
                    + " bytes; tensors over 1 GiB are not supported");
        }
        Shape shape = new Shape(entry.shape());
        if (length == 0) {
            return manager.zeros(shape, DataType.FLOAT32);
        }
        ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, entry.begin(), length).order(ByteOrder.LITTLE_ENDIAN);
        if (entry.dtype().equals("BF16")) {
            bytes = bfloat16ToFloat32(bytes);
        } else if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN || entry.begin() % type.getNumOfBytes() != 0) {
            // The engine reads the buffer's memory as is: give it an aligned copy in native order.
            ByteBuffer copy = ByteBuffer.allocateDirect((int) length).order(ByteOrder.nativeOrder());
            if (type == DataType.FLOAT32) {
                copy.asFloatBuffer().put(bytes.asFloatBuffer());
            } else {
                copy.asShortBuffer().put(bytes.asShortBuffer());
            }
            bytes = copy;
        }
        try (NDManager scratch = manager.newSubManager()) {
            // The array created from the buffer aliases it (here: the file mapping); the duplicate or conversion is
            // a copy the engine owns, moved to the caller's manager before the alias is freed.
            NDArray view = scratch.create(bytes, shape, type);
            NDArray owned = type == DataType.FLOAT32 ? view.duplicate() : view.toType(DataType.FLOAT32, true);
            owned.attach(manager);
            return owned;
        }
    }

    /** bfloat16 is the upper half of a float32: widen each value into a direct buffer in native order. */
    private static ByteBuffer bfloat16ToFloat32(ByteBuffer halves) {
        int n = halves.remaining() / 2;
        ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.nativeOrder());
        java.nio.ShortBuffer in = halves.asShortBuffer();
        java.nio.FloatBuffer floats = out.asFloatBuffer();
        for (int i = 0; i < n; i++) {
            floats.put(HalfPrecision.bfloat16ToFloat(in.get(i)));
        }
        return out;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long at = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, at);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            at += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
