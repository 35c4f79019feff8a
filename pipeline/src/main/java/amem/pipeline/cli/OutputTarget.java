package amem.pipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output directory before any expensive work (reading inputs, loading a model): it must not exist
 * unless the user allowed replacing it, and its parent must be a directory this process can write in. Each
 * refusal is a wrong request (exit 2) naming the path and the remedy, instead of a {@code FileAlreadyExistsException}
 * or {@code FileSystemException} after minutes of work.
 */
final class OutputTarget {

    private OutputTarget() {}

    /**
     * @param out the directory to create
     * @param overwrite whether an existing one may be replaced
     * @param option the option that named it ("--out")
     * @param what what it holds ("a token store")
     */
    static void check(Path out, boolean overwrite, String option, String what) {
        if (Files.exists(out) && !overwrite) {
            throw new IllegalArgumentException(option + " " + out + ": " + what + " already exists there; add --overwrite"
                    + " to replace it, or choose another " + option);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + " " + out + ": is a file, not a directory; choose another " + option);
        }
        Path parent = out.toAbsolutePath().normalize().getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null) {
            return;
        }
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + out + ": " + parent + " is a file, not a directory; choose"
                    + " another " + option);
        }
        try {
            // isWritable() is not enough: it says yes on a read-only file system and for root; a real file says it all
            Path probe = Files.createTempFile(parent, ".amem-write-check-", "");
            Files.delete(probe);
        } catch (IOException e) {
            String reason = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e.getMessage() != null && e.getMessage().contains("Read-only") ? "read-only file system"
                    : "cannot create files there";
            throw new IllegalArgumentException(option + " " + out + ": cannot write in " + parent + " (" + reason
                    + "); choose a writable " + option);
        }
    }
}
