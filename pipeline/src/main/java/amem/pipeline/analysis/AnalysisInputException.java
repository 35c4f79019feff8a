package amem.pipeline.analysis;

import amem.datasets.Messages;
import java.io.IOException;

/**
 * An input file for analysis is unreadable or inconsistent (a corrupt {@code .npy} header, a truncated shard,
 * shards of one hook with different widths, a CSV without its columns). The message names the file and the
 * offending value. It is an {@link IOException}, so the CLI exits with 1 (the work failed on bad data), while a
 * wrong request (a missing directory, an impossible option) is an {@link IllegalArgumentException} (exit 2).
 */
public final class AnalysisInputException extends IOException {

    private static final long serialVersionUID = 1L;

    public AnalysisInputException(String message) {
        super(Messages.oneLine(message)); // values quoted from files must not break the line
    }
}
