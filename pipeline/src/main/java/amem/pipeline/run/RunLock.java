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
 * is stale by construction: the next process takes it over and says so. The same lock guards other things than run
 * directories (a sweep cell, a collection's output) through a named file.
 */
public final class RunLock implements AutoCloseable {

    public static final String FILE = ".lock";

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
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
        // Never open the lock file a second time while holding the lock: POSIX releases a process's locks on a file
        // when any of its descriptors for that file is closed.
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
        return new RunLock(file, channel, lock);
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

    /**
     * Deletes the lock file, then releases the lock: for locks that only refuse a second writer early (a collection's
     * output, whose commit refuses a directory that appeared meanwhile anyway), so no lock file stays behind. A
     * process that opened the file just before the deletion can still take the unlinked file's lock; where that
     * matters (sweep cells) use {@link #close()}.
     */
    public void closeAndDelete() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            lock.release();
            channel.close();
        }
    }
}
