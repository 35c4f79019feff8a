package amem.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU vendor as Linux reports it ({@code vendor_id} in {@code /proc/cpuinfo}). libtorch's and MKL's choice of
 * code paths depends on it: MKL's matrix kernels ({@code amem.pipeline.train.MklDispatch}) and PyTorch's CPU
 * dropout mask ({@link HostDropout}).
 */
public final class CpuVendor {

    public static final String INTEL = "GenuineIntel";
    public static final String AMD = "AuthenticAMD";

    private CpuVendor() {}

    /** The vendor of this machine's first CPU, or "" where {@code /proc/cpuinfo} is missing (not Linux). */
    public static String thisMachine() {
        try {
            return of(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The vendor named by the first {@code vendor_id} line of {@code cpuinfo}, or "" without one. */
    public static String of(List<String> cpuinfo) {
        return cpuinfo.stream().filter(l -> l.startsWith("vendor_id")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("");
    }
}
