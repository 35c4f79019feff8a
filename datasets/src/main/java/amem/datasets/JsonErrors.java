package amem.datasets;

/**
 * Gson's parse errors as one readable clause: Gson prefixes the exception class and appends a troubleshooting link
 * on a second line, neither of which belongs in amem's one-line error messages.
 */
public final class JsonErrors {

    private JsonErrors() {}

    /** The first line of {@code e}'s message without the class-name prefix, e.g. "Expected ':' at line 4 column 5 path $.a". */
    public static String describe(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        if (newline >= 0) {
            message = message.substring(0, newline);
        }
        message = message.replaceFirst("^(com\\.google\\.gson\\.[A-Za-z.]+|java\\.[A-Za-z.]+): ", "").strip();
        return Messages.quoted(message);
    }
}
