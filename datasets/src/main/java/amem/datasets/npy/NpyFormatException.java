package amem.datasets.npy;

import java.io.IOException;

/**
 * A {@code .npy} file is unreadable or not what its reader needs (a corrupt header, a truncated file, an
 * unsupported dtype, a matrix where a vector was expected). The message names the file and the offending value.
 * It is an {@link IOException}: the work failed on bad data (the CLI exits with 1).
 */
public final class NpyFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public NpyFormatException(String message) {
        super(message);
    }
}
