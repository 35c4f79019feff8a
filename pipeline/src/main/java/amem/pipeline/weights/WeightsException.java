package amem.pipeline.weights;

import amem.datasets.Messages;

/**
 * A weights file or directory that cannot be used as asked (missing or misshaped tensor, unsupported dtype,
 * malformed header, config that does not describe a GPT-2). The message names the file and the tensor or field.
 * A user error: the CLI exits with code 2.
 */
public final class WeightsException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(Messages.oneLine(message)); // values quoted from files must not break the line
    }
}
