package amem.datasets.store;

import amem.datasets.Messages;
import java.io.IOException;

/** A token store on disk is missing, malformed or inconsistent; the message names the file and what was expected. */
public class TokenStoreException extends IOException {
    private static final long serialVersionUID = 1L;

    public TokenStoreException(String message) {
        super(Messages.oneLine(message)); // values quoted from files must not break the line
    }

    public TokenStoreException(String message, Throwable cause) {
        super(Messages.oneLine(message), cause);
    }
}
