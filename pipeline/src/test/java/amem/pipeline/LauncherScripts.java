package amem.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * For tests of the launcher's shell functions (scripts/amem-env.sh) and of JVMs started the way the launcher starts
 * them: the repository's scripts, a bash snippet run with the environment script sourced, and a command's exit
 * status and output. Commands start without the test JVM's own {@code LD_PRELOAD}, so each test says what it
 * preloads.
 */
public final class LauncherScripts {

    /** A finished command: its exit status and its stdout and stderr together. */
    public record Result(int exit, String output) {}

    private LauncherScripts() {}

    /** {@code scripts/NAME} of this repository (the tests run in the module's directory). */
    public static Path script(String name) {
        Path script = Path.of("..").toAbsolutePath().normalize().resolve("scripts").resolve(name);
        assertTrue(Files.isRegularFile(script), "the launcher's " + script);
        return script;
    }

    /** Runs {@code snippet} in bash after sourcing amem-env.sh, as the launchers do; bash's $1, $2, … are {@code args}. */
    public static Result sourced(String snippet, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c",
                "AMEM_LAUNCHER=x; . '" + script("amem-env.sh") + "'; " + snippet, "bash"));
        command.addAll(List.of(args));
        return run(command, Map.of());
    }

    /** Runs {@code command} with {@code environment} added, waiting at most two minutes. */
    public static Result run(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LD_PRELOAD");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "process did not finish: " + command);
        return new Result(process.exitValue(), output);
    }

    /** The java binary of this test JVM. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
