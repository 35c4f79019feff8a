package amem.pipeline.run;

import amem.datasets.Messages;

/** A run directory that cannot be used as asked; the message names the directory and what to do. */
public final class RunDirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunDirectoryException(String message) {
        super(Messages.oneLine(message)); // values quoted from files must not break the line
    }
}
