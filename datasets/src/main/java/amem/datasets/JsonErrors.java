package amem.datasets;

import java.util.regex.Pattern;

/**
 * Gson's parse errors in words: its messages start with an exception class name
 * ({@code com.google.gson.stream.MalformedJsonException: ...}) and end with a troubleshooting URL, neither of which
 * tells a user what is wrong with the file. This keeps the part that does: what was expected, at which line and
 * column.
 */
public final class JsonErrors {

    private static final Pattern CLASS_PREFIX = Pattern.compile("^([a-z_][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error):\\s*");
    private static final Pattern TROUBLESHOOTING = Pattern.compile("(?s)\\s*See https?://\\S+.*$");

    private JsonErrors() {}

    /** The innermost cause's message without class names and links. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
        if (message == null) {
            return "malformed JSON";
        }
        message = TROUBLESHOOTING.matcher(message).replaceAll("");
        message = CLASS_PREFIX.matcher(message).replaceAll("");
        return Messages.quoted(message.strip());
    }
}
