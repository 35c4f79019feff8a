package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** docs/CLI.md is generated from the commands' --help texts and must agree with them. */
class CliReferenceTest {

    private static final Path CLI_MD = Path.of("..", "docs", "CLI.md");

    @Test
    void docsCliMdAgreesWithTheCurrentHelpTexts() throws Exception {
        String expected = CliReference.markdown();
        String actual = Files.exists(CLI_MD) ? Files.readString(CLI_MD, StandardCharsets.UTF_8) : "";
        if (!expected.equals(actual)) {
            String[] want = expected.split("\n", -1);
            String[] have = actual.split("\n", -1);
            int line = 0;
            while (line < Math.min(want.length, have.length) && want[line].equals(have[line])) {
                line++;
            }
            fail("docs/CLI.md disagrees with the --help texts from line " + (line + 1) + ":\n  file: "
                    + (line < have.length ? have[line] : "<end>") + "\n  help: " + (line < want.length ? want[line] : "<end>")
                    + "\nregenerate it from the repository root with:\n  " + CliReference.REGENERATE);
        }
    }

    @Test
    void everyCommandAndSubcommandHasASection() {
        String md = CliReference.markdown();
        for (String command : new String[] {"amem", "amem quickstart", "amem prepare qf", "amem prepare text",
                "amem train", "amem weights check", "amem report"}) {
            assertTrue(md.contains("\n## " + command + "\n"), command);
            assertTrue(md.contains("Usage: " + command + " "), command);
        }
        assertTrue(!md.contains("## amem help"), "the help command is left out");
    }

    @Test
    void sentencesSplitAcrossDescriptionStringsAreJoinedExamplesKept() {
        String[] in = {"Trains preset x (about 5 minutes", "on 2 CPU cores), evaluates, and prints", "the loss.",
            "  amem train --preset x        an example", "Then: this;", "that."};
        assertArrayEquals(new String[] {"Trains preset x (about 5 minutes on 2 CPU cores), evaluates, and prints the loss.",
            "  amem train --preset x        an example", "Then: this; that."}, HelpLayout.paragraphs(in));
    }

    @Test
    void quickstartHelpNoLongerBreaksInsideItsSentence() {
        CommandLine cli = HelpLayout.apply(AmemCli.commandLine(), false);
        StringWriter out = new StringWriter();
        cli.getSubcommands().get("quickstart").usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
        // The sentence used to break after "(about 5 minutes", where one source string ended; now picocli fills
        // each line of the joined paragraph up to the width.
        for (String line : out.toString().split("\n")) {
            assertTrue(line.length() <= HelpLayout.DEFAULT_WIDTH, line);
            if (line.startsWith("Generates the corpus")) {
                assertTrue(line.length() > HelpLayout.DEFAULT_WIDTH - 10, "a short line inside a paragraph: " + line);
            }
        }
        assertEquals(100, HelpLayout.DEFAULT_WIDTH);
    }
}
