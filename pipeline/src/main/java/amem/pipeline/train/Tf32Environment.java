package amem.pipeline.train;

import ai.djl.Device;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TF32 for float32 matrix products on CUDA. libtorch decides it once, when its global context is built, from the
 * environment variable {@value #VARIABLE} ({@code "1"}: cuBLAS may use TF32, {@code "0"} or unset: it may not);
 * DJL offers no setter. A JVM cannot change its own environment, so a run whose precision disagrees with the
 * environment it was started in is restarted, once, as a child process with the variable set
 * ({@link #relaunch}), which the command line does when {@link #check} throws {@link Mismatch}.
 * On a CPU the variable has no effect and nothing is checked.
 */
public final class Tf32Environment {

    public static final String VARIABLE = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";
    /** Set in the child, so a child never restarts itself again. */
    static final String RELAUNCHED = "AMEM_TF32_RELAUNCHED";

    private Tf32Environment() {}

    /** The environment a training in {@code precision} on {@code device} needs, and the one it was started with. */
    public static final class Mismatch extends RuntimeException {
        private final boolean wanted;

        Mismatch(boolean wanted) {
            super("the run needs " + VARIABLE + "=" + (wanted ? 1 : 0) + " before libtorch starts");
            this.wanted = wanted;
        }

        public boolean wanted() {
            return wanted;
        }
    }

    /** Whether libtorch in this process allows TF32 for cuBLAS float32 products (what it read at start-up). */
    public static boolean enabled() {
        return "1".equals(System.getenv(VARIABLE));
    }

    /** What the variable must say for this precision on this device; empty when it does not matter. */
    public static Optional<Boolean> required(Precision precision, Device device) {
        if (!device.isGpu() || precision == Precision.FP16) {
            return Optional.empty(); // fp16 products never use TF32; the few float32 ones are left as started
        }
        return Optional.of(precision == Precision.TF32);
    }

    /** Throws {@link Mismatch} when this process's environment does not give {@code precision} on {@code device}. */
    public static void check(Precision precision, Device device) {
        Optional<Boolean> wanted = required(precision, device);
        if (wanted.isPresent() && wanted.get() != enabled()) {
            if (System.getenv(RELAUNCHED) != null) {
                throw new IllegalStateException(VARIABLE + " is still not " + (wanted.get() ? 1 : 0)
                        + " after a restart; set it yourself before starting amem");
            }
            throw new Mismatch(wanted.get());
        }
    }

    /**
     * Runs this JVM's command line again in a child process with the variable set as {@code mismatch} asks, its
     * standard streams inherited, and returns its exit code. A SIGTERM to this process (Slurm's warning before
     * the time limit) is passed on to the child, which then checkpoints as usual.
     */
    public static int relaunch(Mismatch mismatch) throws IOException, InterruptedException {
        ProcessHandle.Info info = ProcessHandle.current().info();
        String command = info.command().orElseThrow(() -> new IOException("cannot tell this JVM's command to restart it"));
        List<String> argv = new ArrayList<>();
        argv.add(command);
        argv.addAll(List.of(info.arguments().orElseThrow(() -> new IOException("cannot read this JVM's arguments"))));
        ProcessBuilder builder = new ProcessBuilder(argv).inheritIO();
        builder.environment().put(VARIABLE, mismatch.wanted() ? "1" : "0");
        builder.environment().put(RELAUNCHED, "1");
        Process child = builder.start();
        Thread forward = new Thread(() -> {
            if (child.isAlive()) {
                child.destroy(); // SIGTERM: the child's own shutdown handling writes its checkpoint
                try {
                    child.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(forward);
        int code = child.waitFor();
        Runtime.getRuntime().removeShutdownHook(forward);
        return code;
    }
}
