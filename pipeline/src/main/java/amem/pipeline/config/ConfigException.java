package amem.pipeline.config;

import amem.datasets.Messages;

/** A configuration problem the user can fix; the message names the key and what was expected. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(Messages.oneLine(message)); // values quoted from files must not break the line
    }
}
