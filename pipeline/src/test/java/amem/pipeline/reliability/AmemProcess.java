package amem.pipeline.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code amem} run as a separate JVM with the test class path, so tests can kill it, signal it or limit its file
 * sizes like a user's shell would. The trainer's phase messages (DEBUG) are switched on so a test can act at a
 * chosen moment: "step begin N", "eval begin step N", "checkpoint begin step N".
 */
final class AmemProcess implements AutoCloseable {

    private final Process process;
    private final List<String> stderr = new ArrayList<>();
    private final List<String> stdout = new ArrayList<>();
    private final List<Thread> drains = new ArrayList<>();

    private AmemProcess(Process process) {
        this.process = process;
        drain(process.getErrorStream(), stderr, "stderr");
        drain(process.getInputStream(), stdout, "stdout");
    }

    /** Starts {@code amem args...}; {@code shellPrefix} (e.g. "ulimit -f 16") runs in bash before exec'ing java. */
    static AmemProcess startInShell(String shellPrefix, String... args) throws IOException {
        List<String> java = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g",
                "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.log.amem.pipeline.train.TrainingLoop=debug",
                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                "amem.pipeline.cli.AmemCli"));
        java.addAll(List.of(args));
        List<String> command = new ArrayList<>();
        if (shellPrefix != null) {
            StringBuilder line = new StringBuilder(shellPrefix).append("; exec");
            for (String word : java) {
                line.append(" '").append(word.replace("'", "'\\''")).append('\'');
            }
            command.addAll(List.of("bash", "-c", line.toString()));
        } else {
            command.addAll(java);
        }
        return new AmemProcess(new ProcessBuilder(command).start());
    }

    static AmemProcess start(String... args) throws IOException {
        return startInShell(null, args);
    }

    private void drain(InputStream stream, List<String> into, String name) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (into) {
                        into.add(line);
                        into.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "amem-" + name);
        thread.setDaemon(true);
        thread.start();
        drains.add(thread);
    }

    /** Waits until a stderr line matches; fails if the process ends first or the time runs out. */
    String awaitLine(Predicate<String> matcher, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        int seen = 0;
        synchronized (stderr) {
            while (true) {
                for (; seen < stderr.size(); seen++) {
                    if (matcher.test(stderr.get(seen))) {
                        return stderr.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && seen == stderr.size())) {
                    throw new AssertionError("no matching line within " + timeoutSeconds + " s; exit "
                            + (process.isAlive() ? "none" : process.exitValue()) + "; stderr:\n" + String.join("\n", stderr));
                }
                stderr.wait(Math.min(200, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** SIGKILL, as the OOM killer or a cluster scheduler would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Sends a signal by name (INT, TERM) with the system's kill command. */
    void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("amem did not exit within " + timeoutSeconds + " s; stderr:\n" + stderr());
        }
        for (Thread drain : drains) {
            drain.join(5000); // the last lines of output
        }
        return process.exitValue();
    }

    String stderr() {
        synchronized (stderr) {
            return String.join("\n", stderr);
        }
    }

    String stdout() {
        synchronized (stdout) {
            return String.join("\n", stdout);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
