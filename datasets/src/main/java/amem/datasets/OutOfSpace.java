package amem.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A write that failed because the disk (or the process's file size limit, or a quota) ran out, reported as what the
 * user can act on: which output could not be written, that nothing partial was left, and to run the same command
 * again once there is room. Writers of amem stage their output and remove the staging on failure, which is what
 * makes "nothing partial was left" true.
 */
public final class OutOfSpace extends IOException {

    private static final long serialVersionUID = 1L;

    private OutOfSpace(String message, IOException cause) {
        super(message, cause);
    }

    /** Whether {@code e} says the device, the file size limit or a quota is exhausted (ENOSPC, EFBIG, EDQUOT). */
    public static boolean is(IOException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("no space left on device") || message.contains("file too large")
                || message.contains("disk quota exceeded");
    }

    /** {@code e} as an {@link OutOfSpace} naming {@code output} when it is one, else {@code e} itself. */
    public static IOException explain(IOException e, Path output) {
        if (!is(e) || e instanceof OutOfSpace) {
            return e;
        }
        return new OutOfSpace("cannot write " + output + " (" + Messages.oneLine(e.getMessage())
                + "); nothing partial is left: free some space and run the same command again", e);
    }
}
