package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import amem.pipeline.LauncherScripts;
import amem.pipeline.LauncherScripts.Result;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MklDispatchTest {

    private static final String AMD = "vendor_id\t: AuthenticAMD";
    private static final String MAPS_LINE = "7f3c2a1b4000-7f3c2a1b5000 r-xp 00001000 08:01 4242   "
            + "/work/amem/pipeline/target/native/libamem-mkl-isa-dispatch.so";

    @Test
    void describesTheKernelChoiceFromCpuVendorAndLoadedLibraries() {
        assertTrue(MklDispatch.describe(List.of("processor\t: 0", AMD), List.of(MAPS_LINE)).startsWith("isa (AMD"));
        assertTrue(MklDispatch.describe(List.of(AMD), List.of("7f00-7f01 r-xp 0 0:0 1 /usr/lib/libc.so.6"))
                .startsWith("vendor (AMD"));
        assertTrue(MklDispatch.describe(List.of("vendor_id\t: GenuineIntel"), List.of()).startsWith("isa (an Intel"));
        assertTrue(MklDispatch.describe(List.of(), List.of()).startsWith("not applicable"));
    }

    /**
     * The launcher's own function builds the library and sets LD_PRELOAD; a JVM started with it reports the
     * instruction-set choice and computes the same products as one without it, to float rounding.
     */
    @Test
    void preloadedLibraryIsReportedAndChangesNoProduct(@TempDir Path dir) throws Exception {
        assumeTrue(Files.readString(Path.of("/proc/cpuinfo")).contains("AuthenticAMD"), "an AMD CPU");
        Path source = LauncherScripts.script("mkl-isa-dispatch.c");
        assumeTrue(LauncherScripts.run(List.of("bash", "-c", "command -v \"${CC:-cc}\""), Map.of()).exit() == 0,
                "a C compiler");
        Result preload = LauncherScripts.sourced("amem_mkl_dispatch \"$1\" \"$2\"; printf %s \"$LD_PRELOAD\"",
                dir.resolve("native").toString(), source.toString());
        assertEquals(0, preload.exit(), preload.output());
        assertEquals(dir.resolve("native/" + MklDispatch.LIBRARY).toString(), preload.output().trim());

        Probe vendor = probe(dir.resolve("vendor.bin"), Map.of());
        Probe isa = probe(dir.resolve("isa.bin"), Map.of("LD_PRELOAD", preload.output().trim()));
        assertTrue(vendor.described.startsWith("vendor"), vendor.described);
        assertTrue(isa.described.startsWith("isa"), isa.described);
        assertEquals(vendor.products.size(), isa.products.size());
        int[] inner = {128, 5003, 96, 512}; // the sum length of each product
        for (int p = 0; p < inner.length; p++) {
            float[] a = vendor.products.get(p);
            float[] b = isa.products.get(p);
            assertEquals(a.length, b.length);
            // unit-normal inputs: each result has a standard deviation of sqrt(inner); float32 summation in another
            // order differs by a few ulps of the partial sums
            double tolerance = 1e-5 * Math.sqrt(inner[p]);
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            assertTrue(worst <= tolerance, "product " + p + ": largest difference " + worst + " > " + tolerance);
        }
    }

    private record Probe(String described, List<float[]> products) {}

    private static Probe probe(Path out, Map<String, String> environment) throws Exception {
        Result result = LauncherScripts.run(List.of(LauncherScripts.java(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                MklDispatchProbe.class.getName(), out.toString()), environment);
        assertEquals(0, result.exit(), result.output());
        try (DataInputStream in = new DataInputStream(Files.newInputStream(out))) {
            String described = in.readUTF();
            int count = in.readInt();
            List<float[]> products = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                float[] values = new float[in.readInt()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = in.readFloat();
                }
                products.add(values);
            }
            return new Probe(described, products);
        }
    }
}
