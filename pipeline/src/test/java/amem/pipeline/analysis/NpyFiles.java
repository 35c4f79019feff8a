package amem.pipeline.analysis;

import amem.datasets.npy.HalfPrecision;
import amem.datasets.npy.NpyDtype;
import amem.datasets.npy.NpyWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Small {@code .npy} files for tests, written with amem's one streaming {@link NpyWriter}. */
public final class NpyFiles {

    private NpyFiles() {}

    /** Writes a whole float32 matrix given as rows. */
    public static void floats(Path file, float[][] rows) throws IOException {
        try (NpyWriter writer = new NpyWriter(file, NpyDtype.FLOAT32, rows.length == 0 ? 0 : rows[0].length)) {
            for (float[] row : rows) {
                appendRow(writer, NpyDtype.FLOAT32, row);
            }
        }
    }

    /** Writes a whole 1-D int64 array. */
    public static void longs(Path file, long[] values) throws IOException {
        try (NpyWriter writer = new NpyWriter(file, NpyDtype.INT64, 0)) {
            writer.appendLongs(values, values.length);
        }
    }

    /** Appends one row of a float32 or float16 matrix (float16 rounds to nearest even). */
    public static void appendRow(NpyWriter writer, NpyDtype dtype, float[] row) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(row.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : row) {
            if (dtype == NpyDtype.FLOAT32) {
                bytes.putFloat(value);
            } else if (dtype == NpyDtype.FLOAT16) {
                bytes.putShort(HalfPrecision.floatToFloat16(value));
            } else {
                throw new IllegalArgumentException("float rows are float32 or float16, not " + dtype.key());
            }
        }
        writer.append(bytes.flip(), 1);
    }
}
