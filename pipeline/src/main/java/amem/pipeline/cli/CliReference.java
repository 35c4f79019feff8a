package amem.pipeline.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Writes docs/CLI.md, the per-command reference, from the picocli model: every command's {@code --help} text at
 * {@link HelpLayout#DEFAULT_WIDTH} columns, in the order {@code amem --help} lists them. The help texts are the one
 * source; {@code CliReferenceTest} fails when the file and the help disagree. Regenerate with
 * <pre>{@code ./amem --version >/dev/null && java -cp pipeline/target/amem-pipeline.jar amem.pipeline.cli.CliReference docs/CLI.md}</pre>
 */
public final class CliReference {

    /** How to regenerate the file, printed by the test when it is stale. */
    public static final String REGENERATE =
            "./amem --version >/dev/null && java -cp pipeline/target/amem-pipeline.jar amem.pipeline.cli.CliReference docs/CLI.md";

    private CliReference() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/CLI.md");
        Files.writeString(out, markdown(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    /** The whole reference as Markdown. */
    public static String markdown() {
        CommandLine root = HelpLayout.apply(AmemCli.commandLine(), false);
        StringBuilder md = new StringBuilder();
        md.append("# Command reference\n\n")
                .append("Generated from the commands' `--help` texts by `amem.pipeline.cli.CliReference`; do not edit by\n")
                .append("hand. Regenerate after changing a command (a test fails until you do):\n\n")
                .append("```bash\n").append(REGENERATE).append("\n```\n\n")
                .append("Exit codes: 0 success, 1 the work failed (I/O, corrupt data, a numerical fault), 2 a wrong request\n")
                .append("(unknown option or config key, impossible value, missing input), 130 / 143 a training run stopped by\n")
                .append("SIGINT / SIGTERM after writing its checkpoint. `AMEM_DEBUG=1` adds stack traces to error lines.\n\n");
        for (CommandLine command : root.getSubcommands().values()) {
            contents(command, md, 0);
        }
        md.append('\n');
        section(root, md);
        return md.toString();
    }

    private static void contents(CommandLine command, StringBuilder md, int depth) {
        if (command.getCommandSpec().parent() == null || isHelp(command)) {
            return;
        }
        String name = command.getCommandSpec().qualifiedName();
        md.append("  ".repeat(depth)).append("- [").append(name).append("](#").append(anchor(name)).append(")\n");
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().parent() == command.getCommandSpec()) {
                contents(sub, md, depth + 1);
            }
        }
    }

    private static void section(CommandLine command, StringBuilder md) {
        if (isHelp(command)) {
            return;
        }
        StringWriter text = new StringWriter();
        command.usage(new PrintWriter(text), CommandLine.Help.Ansi.OFF);
        md.append("## ").append(command.getCommandSpec().qualifiedName()).append("\n\n```text\n")
                .append(text.toString().stripTrailing()).append("\n```\n\n");
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().parent() == command.getCommandSpec()) {
                section(sub, md);
            }
        }
    }

    private static boolean isHelp(CommandLine command) {
        return command.getCommand() instanceof CommandLine.HelpCommand;
    }

    /** GitHub's heading anchor: lower case, spaces to hyphens, other punctuation dropped. */
    static String anchor(String heading) {
        return heading.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }
}
