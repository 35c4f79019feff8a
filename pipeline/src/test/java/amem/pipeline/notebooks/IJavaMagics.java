package amem.pipeline.notebooks;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IJava's magics (https://github.com/SpencerPark/IJava/blob/master/docs/magics.md) in a cell's source: line magics
 * ({@code %jars a.jar b/*.jar}, a line starting with {@code %}) and cell magics ({@code %%name} on the first line,
 * the rest of the cell being its body). The notebooks use them only to put jars on the class path, which the test
 * JVM already has; so those are dropped, and any other magic is refused, since its effect (loading a POM, running a
 * shell, ...) would not be reproduced and the notebook would pass here and fail in Jupyter, or the reverse.
 * A line inside a text block that starts with {@code %} would be mistaken for a magic; the notebooks have none.
 */
final class IJavaMagics {

    /** Class-path magics, which the test's class path stands in for. */
    static final Set<String> ALLOWED = Set.of("jars", "maven", "classpath");

    private static final Pattern MAGIC = Pattern.compile("^\\s*(%%?)([A-Za-z_][A-Za-z0-9_]*)?.*$");

    /**
     * @param code the cell without its magic lines (blank lines in their place, so line numbers still match)
     * @param magics the magics found, as written
     */
    record Stripped(String code, List<String> magics) {}

    private IJavaMagics() {}

    /** Removes the allowed magics; an unknown or disallowed one throws, naming it. */
    static Stripped strip(String source) {
        String[] lines = source.split("\n", -1);
        StringBuilder code = new StringBuilder();
        java.util.ArrayList<String> magics = new java.util.ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = MAGIC.matcher(line);
            if (m.matches()) {
                String name = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
                boolean cellMagic = m.group(1).equals("%%");
                if (!ALLOWED.contains(name)) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": IJava magic \"" + line.strip()
                            + "\" is not supported by the notebook test (only %" + String.join(", %", ALLOWED.stream()
                                    .sorted().toList()) + ", whose class path the test JVM provides)");
                }
                if (cellMagic && i > 0) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": cell magic \"" + line.strip()
                            + "\" must be on the cell's first line");
                }
                magics.add(line.strip());
                if (cellMagic) {
                    return new Stripped("", List.copyOf(magics)); // the whole cell is the magic's body
                }
                code.append(i + 1 < lines.length ? "\n" : "");
                continue;
            }
            code.append(line).append(i + 1 < lines.length ? "\n" : "");
        }
        return new Stripped(code.toString(), List.copyOf(magics));
    }
}
