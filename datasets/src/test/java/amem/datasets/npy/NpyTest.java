package amem.datasets.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one {@code .npy} implementation: NumPy's own files, amem's files byte for byte, both 16-bit float codecs. */
class NpyTest {

    // Written by NumPy 2.4 (np.save): a float16 (2, 3) array, a big-endian float32 (2, 3) array, a uint16 vector.
    private static final String NUMPY_F2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGYyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAPoDAZi7/ewEAAIA=";
    private static final String NUMPY_BIG_F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAP4AAAEAAAABAQAAAQIAAAECgAAA=";
    private static final String NUMPY_U2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPHUyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDUsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoDAAEABAABAAUA";

    private static Path fixture(Path dir, String name, String base64) throws IOException {
        return Files.write(dir.resolve(name), Base64.getDecoder().decode(base64));
    }

    @Test
    void readsFilesWrittenByNumpy(@TempDir Path dir) throws IOException {
        try (NpyReader reader = NpyReader.open(fixture(dir, "f2.npy", NUMPY_F2))) {
            assertEquals(NpyDtype.FLOAT16, reader.header().dtype());
            assertArrayEquals(new long[] {2, 3}, reader.header().shape());
            float[] values = new float[6];
            reader.readRows(0, 2, values, 0);
            // NumPy's own float32 conversion of the same halves
            assertArrayEquals(new float[] {1.5f, -2.25f, 0.0999755859375f, 65504f, 5.960464477539063e-08f, -0.0f}, values);
        }
        try (NpyReader reader = NpyReader.open(fixture(dir, "big.npy", NUMPY_BIG_F4))) {
            float[] values = new float[3];
            reader.readRows(1, 1, values, 0);
            assertArrayEquals(new float[] {3, 4, 5}, values);
        }
        try (NpyReader reader = NpyReader.open(fixture(dir, "u2.npy", NUMPY_U2))) {
            assertArrayEquals(new long[] {3, 1, 4, 1, 5}, reader.readLongs());
        }
    }

    /**
     * What the streaming writer wrote before the .npy code moved here (amem 2026-12, hooks/NpyWriter): an int64
     * vector (5, -1, 2^40). Its float16 (2, 3) output is byte-identical to NumPy's NUMPY_F2 above.
     */
    private static final String AMEM_I8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoFAAAAAAAAAP//////////AAAAAAABAAA=";

    @Test
    void writerWritesTheSameBytesAsNumpyAndAsBefore(@TempDir Path dir) throws IOException {
        Path f2 = dir.resolve("f2.npy");
        try (NpyWriter writer = new NpyWriter(f2, NpyDtype.FLOAT16, 3)) {
            ByteBuffer halves = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : new float[] {1.5f, -2.25f, 0.1f, 65504f, 0x1p-24f, -0f}) {
                halves.putShort(HalfPrecision.floatToFloat16(v));
            }
            writer.append(halves.flip(), 2);
        }
        assertArrayEquals(Base64.getDecoder().decode(NUMPY_F2), Files.readAllBytes(f2));
        Path i8 = dir.resolve("i8.npy");
        try (NpyWriter writer = new NpyWriter(i8, NpyDtype.INT64, 0)) {
            writer.appendLongs(new long[] {5, -1, 1L << 40}, 3);
        }
        assertArrayEquals(Base64.getDecoder().decode(AMEM_I8), Files.readAllBytes(i8));
    }

    @Test
    void anUnfinishedFileClaimsZeroRows(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("partial.npy");
        try (NpyWriter writer = new NpyWriter(file, NpyDtype.INT32, 0)) {
            writer.appendInts(new int[] {7, 8, 9}, 3);
            byte[] bytes = Files.readAllBytes(file);
            String dict = new String(bytes, 10, NpyWriter.HEADER_BYTES - 10, StandardCharsets.US_ASCII);
            NpyHeader unfinished = NpyHeader.parse(file, dict, NpyWriter.HEADER_BYTES);
            assertArrayEquals(new long[] {0}, unfinished.shape(), "header before close: " + dict.trim());
            assertEquals(NpyWriter.HEADER_BYTES + 12, bytes.length, "rows are streamed before close");
            NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyHeader.read(file));
            assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
        }
        try (NpyReader reader = NpyReader.open(file)) {
            assertArrayEquals(new long[] {7, 8, 9}, reader.readLongs());
        }
    }

    @Test
    void writerRoundTripsFloat32AndFloat16AndLongs(@TempDir Path dir) throws IOException {
        Random random = new Random(11);
        float[] values = new float[35];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * 3);
        }
        Path f4 = dir.resolve("f4.npy");
        try (NpyWriter writer = new NpyWriter(f4, NpyDtype.FLOAT32, 5)) {
            ByteBuffer bytes = ByteBuffer.allocate(35 * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            writer.append(bytes, 7);
        }
        try (NpyReader reader = NpyReader.open(f4)) {
            assertEquals(0, reader.header().dataOffset() % 64, "data aligned to 64 bytes");
            assertArrayEquals(new long[] {7, 5}, reader.header().shape());
            float[] back = new float[35];
            reader.readRows(0, 7, back, 0);
            assertArrayEquals(values, back);
            float[] row = new float[5];
            reader.readRows(3, 1, row, 0);
            assertArrayEquals(Arrays.copyOfRange(values, 15, 20), row);
        }
        Path f2 = dir.resolve("f2.npy");
        try (NpyWriter writer = new NpyWriter(f2, NpyDtype.FLOAT16, 4)) {
            ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : new float[] {1.5f, -0.1f, 1e-7f, 70000f}) {
                bytes.putShort(HalfPrecision.floatToFloat16(v));
            }
            writer.append(bytes.flip(), 1);
        }
        try (NpyReader reader = NpyReader.open(f2)) {
            float[] back = new float[4];
            reader.readRows(0, 1, back, 0);
            assertArrayEquals(new float[] {1.5f, -0.0999755859375f, 1.1920928955078125e-07f, Float.POSITIVE_INFINITY}, back);
        }
        Path ids = dir.resolve("ids.npy");
        try (NpyWriter writer = new NpyWriter(ids, NpyDtype.INT64, 0)) {
            writer.appendLongs(new long[] {5, -1, 1L << 40}, 3);
        }
        try (NpyReader reader = NpyReader.open(ids)) {
            assertArrayEquals(new long[] {5, -1, 1L << 40}, reader.readLongs());
        }
    }

    @Test
    void everyHalfPrecisionValueConvertsBackExactly() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = HalfPrecision.float16ToFloat((short) bits);
            if (!Float.isNaN(value)) {
                assertEquals(bits, HalfPrecision.floatToFloat16(value) & 0xffff, "half 0x" + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void everyBfloat16ValueConvertsBackExactlyAndFloatsRoundToNearestEven() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = HalfPrecision.bfloat16ToFloat((short) bits);
            if (!Float.isNaN(value)) {
                assertEquals(bits, Float.floatToRawIntBits(value) >>> 16, "bfloat16 is the upper half of a float32");
                assertEquals(bits, HalfPrecision.floatToBfloat16(value) & 0xffff, "bf16 0x" + Integer.toHexString(bits));
            }
        }
        // 7 fraction bits: the spacing above 1 is 2^-7; halfway cases go to the even neighbour.
        assertEquals(1f, HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(1 + 0x1p-8f)));
        assertEquals(1 + 0x1p-6f, HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(1 + 0x1p-7f + 0x1p-8f)));
        assertEquals(1 + 0x1p-7f, HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(1 + 0x1p-7f + 0x1p-9f)));
        assertTrue(Float.isNaN(HalfPrecision.bfloat16ToFloat(HalfPrecision.floatToBfloat16(Float.NaN))));
    }

    @Test
    void corruptFilesAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.npy");
        try (NpyWriter writer = new NpyWriter(good, NpyDtype.FLOAT32, 2)) {
            ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(new float[] {1, 2, 3, 4});
            writer.append(bytes, 2);
        }
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(bytes, bytes.length - 3));
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> NpyHeader.read(truncated));
        assertTrue(e.getMessage().contains("truncated.npy") && e.getMessage().contains("truncated")
                && e.getMessage().contains("(2, 2)"), e.getMessage());

        byte[] badMagic = bytes.clone();
        badMagic[1] = 'X';
        Path notNpy = Files.write(dir.resolve("not.npy"), badMagic);
        e = assertThrows(NpyFormatException.class, () -> NpyHeader.read(notNpy));
        assertTrue(e.getMessage().contains("not.npy") && e.getMessage().contains("magic"), e.getMessage());

        String fortranHeader = new String(bytes, 0, 128, StandardCharsets.ISO_8859_1)
                .replace("False", "True ");
        byte[] fortran = bytes.clone();
        System.arraycopy(fortranHeader.getBytes(StandardCharsets.ISO_8859_1), 0, fortran, 0, 128);
        Path fortranFile = Files.write(dir.resolve("fortran.npy"), fortran);
        e = assertThrows(NpyFormatException.class, () -> NpyHeader.read(fortranFile).requireMatrix());
        assertTrue(e.getMessage().contains("Fortran"), e.getMessage());

        String intHeader = new String(bytes, 0, 128, StandardCharsets.ISO_8859_1).replace("<f4", "<c8");
        byte[] complex = bytes.clone();
        System.arraycopy(intHeader.getBytes(StandardCharsets.ISO_8859_1), 0, complex, 0, 128);
        Path complexFile = Files.write(dir.resolve("complex.npy"), complex);
        e = assertThrows(NpyFormatException.class, () -> NpyHeader.read(complexFile));
        assertTrue(e.getMessage().contains("complex.npy") && e.getMessage().contains("'<c8'"), e.getMessage());
    }
}
