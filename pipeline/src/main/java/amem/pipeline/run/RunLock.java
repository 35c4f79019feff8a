package amem.pipeline.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Exclusive use of a run directory by one process: {@code <run>/.lock} holds an operating-system file lock for
 * as long as the owner runs, and the owner's pid, host and start time for the message another process gets.
 * The OS releases the lock when its owner dies, even by SIGKILL, so a lock file left behind by a dead process
 * is stale by construction: the next process takes it over and says so.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code runDir} or fails with a message naming the process that holds it.
     *
     * @param notes receives a line when a stale lock of a dead process is taken over
     */
    public static RunLock acquire(Path runDir, java.util.function.Consumer<String> notes) throws IOException {
        return acquire(runDir.resolve(FILE), runDir.toString(), notes);
    }

    /**
     * Takes the lock held in {@code file} (created if absent) or fails naming its owner.
     *
     * @param what what the lock guards, for the messages (e.g. a run directory, a sweep cell)
     */
    public static RunLock acquire(Path file, String what, java.util.function.Consumer<String> notes) throws IOException {
        String previous = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : "";
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        }
        if (lock == null) {
            channel.close();
            throw new RunDirectoryException(what + " is in use by another amem process ("
                    + (previous.isEmpty() ? "owner unknown" : previous) + "); wait for it to finish or stop it first");
        }
        if (!previous.isEmpty()) {
            notes.accept("taking over the stale lock of " + what + " (" + previous + ", no longer running)");
        }
        ProcessHandle self = ProcessHandle.current();
        String owner = "pid " + self.pid() + " on " + hostName() + " since " + Instant.now();
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((owner + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new RunLock(channel, lock);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    /** Releases the lock and empties the file (content left by a crash is harmless, see the class comment). */
    @Override
    public void close() throws IOException {
        channel.truncate(0);
        lock.release();
        channel.close();
    }
}
