package amem.datasets;

/**
 * Error messages stay one line whatever a file puts into them: names and values read from damaged or hostile files
 * may hold line breaks and other control characters, which would split or garble the one line amem prints.
 */
public final class Messages {

    private Messages() {}

    /** {@code text} with every control character replaced by {@code ?}. */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /** {@link #oneLine} cut to 200 characters: for quoting a value from a file inside a message. */
    public static String quoted(String text) {
        String line = oneLine(text);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
