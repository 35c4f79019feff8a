package amem.pipeline.train;

import amem.models.CpuVendor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the MKL inside DJL's libtorch chooses its matrix kernels in this process: the launcher preloads a library
 * on AMD CPUs (scripts/mkl-isa-dispatch.c, {@code AMEM_MKL_DISPATCH}) that makes it choose by instruction set,
 * as on Intel CPUs; without it MKL takes a generic, slower path on any CPU that is not Intel's. Reported by
 * {@code amem bench} and recorded in a run's {@code config.json} so that speeds can be compared knowingly.
 */
public final class MklDispatch {

    /** The file name the launcher builds the preloaded library under. */
    static final String LIBRARY = "libamem-mkl-isa-dispatch.so";

    private MklDispatch() {}

    /** One phrase for this process: "isa (...)", "vendor (...)" or "intel CPU" / "not applicable". */
    public static String describe() {
        return describe(read(Path.of("/proc/cpuinfo")), read(Path.of("/proc/self/maps")));
    }

    /** The phrase for the CPU {@code cpuinfo} describes and the process whose memory map is {@code maps}. */
    static String describe(List<String> cpuinfo, List<String> maps) {
        String vendor = CpuVendor.of(cpuinfo);
        if (!CpuVendor.AMD.equals(vendor)) {
            return CpuVendor.INTEL.equals(vendor) ? "isa (an Intel CPU)" : "not applicable (neither an Intel nor an AMD CPU)";
        }
        boolean preloaded = maps.stream().anyMatch(l -> l.endsWith("/" + LIBRARY));
        return preloaded
                ? "isa (AMD CPU, the launcher's " + LIBRARY + " is loaded)"
                : "vendor (AMD CPU, MKL's generic path: the launcher's library is not loaded; see docs/PERFORMANCE.md)";
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
