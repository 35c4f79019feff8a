package amem.pipeline.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every command's {@code --help} is laid out. Descriptions are written in the sources as several strings, and
 * picocli starts a new line at each one, so a sentence split across two strings broke in the middle ("trains preset
 * qf-vanilla-tiny (about 5 minutes" / "on 2 CPU cores)"). Here a string that does not end a sentence (it ends in a
 * full stop, colon, question or exclamation mark) is joined to the next, and picocli wraps the joined paragraph at the terminal's width.
 * Lines starting with two spaces (examples) and empty lines are kept as they are.
 */
final class HelpLayout {

    /** Width where the terminal's cannot be read (redirected output, docs/CLI.md). */
    static final int DEFAULT_WIDTH = 100;

    private HelpLayout() {}

    /** Applies the layout to {@code cli} and all its subcommands. */
    static CommandLine apply(CommandLine cli, boolean autoWidth) {
        cli.setUsageHelpWidth(DEFAULT_WIDTH);
        cli.setUsageHelpAutoWidth(autoWidth);
        reflow(cli);
        return cli;
    }

    private static void reflow(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        spec.usageMessage().description(paragraphs(spec.usageMessage().description()));
        spec.usageMessage().footer(paragraphs(spec.usageMessage().footer()));
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommandSpec().parent() == spec) {
                reflow(sub);
            }
        }
    }

    /** Joins strings that continue a sentence; keeps examples (two leading spaces) and empty lines apart. */
    static String[] paragraphs(String[] lines) {
        List<String> out = new ArrayList<>();
        StringBuilder open = null;
        for (String line : lines) {
            boolean standalone = line.isBlank() || line.startsWith("  ");
            if (open != null && !standalone) {
                open.append(' ').append(line.strip());
            } else {
                if (open != null) {
                    out.add(open.toString());
                    open = null;
                }
                if (standalone) {
                    out.add(line);
                    continue;
                }
                open = new StringBuilder(line);
            }
            if (endsSentence(open)) {
                out.add(open.toString());
                open = null;
            }
        }
        if (open != null) {
            out.add(open.toString());
        }
        return out.toArray(String[]::new);
    }

    private static boolean endsSentence(CharSequence text) {
        String s = text.toString().stripTrailing();
        if (s.isEmpty()) {
            return true;
        }
        return ".:!?".indexOf(s.charAt(s.length() - 1)) >= 0;
    }
}
