package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AmemCliTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        CommandLine cli = AmemCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aCommandLineNamingASubcommandBuildsOnlyItsTreeWithTheSameHelp() {
        CommandLine whole = AmemCli.commandLine();
        assertEquals(AmemCli.SUBCOMMANDS.size(), whole.getSubcommands().size());
        for (String name : whole.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue; // below
            }
            CommandLine one = AmemCli.commandLine(name, "--help");
            assertEquals(java.util.Set.of(name), one.getSubcommands().keySet());
            assertHelpEqual(whole.getSubcommands().get(name), one.getSubcommands().get(name));
        }
        // anything else gets the whole tree: the usage lists every command, a typo gets picocli's suggestion
        assertEquals(whole.getSubcommands().keySet(), AmemCli.commandLine("--help").getSubcommands().keySet());
        assertEquals(whole.getSubcommands().keySet(), AmemCli.commandLine("prepar", "text").getSubcommands().keySet());
        assertEquals(whole.getSubcommands().keySet(), AmemCli.commandLine().getSubcommands().keySet());
        assertEquals(whole.getSubcommands().keySet(), AmemCli.commandLine("help", "prepare").getSubcommands().keySet());
    }

    /** The same usage text for a command and all its subcommands. */
    private static void assertHelpEqual(CommandLine expected, CommandLine actual) {
        assertEquals(expected.getUsageMessage(), actual.getUsageMessage(), expected.getCommandSpec().qualifiedName());
        assertEquals(expected.getSubcommands().keySet(), actual.getSubcommands().keySet());
        for (String name : expected.getSubcommands().keySet()) {
            if (expected.getSubcommands().get(name).getCommandSpec().parent() == expected.getCommandSpec()) {
                assertHelpEqual(expected.getSubcommands().get(name), actual.getSubcommands().get(name));
            }
        }
    }

    @Test
    void helpListsSubcommandsAndEverySubcommandHasHelp() {
        Result top = run("--help");
        assertEquals(0, top.code);
        for (String command : new String[] {"quickstart", "prepare", "train", "presets"}) {
            assertTrue(top.out.contains(command), command + " missing from --help:\n" + top.out);
            Result help = run(command, "--help");
            assertEquals(0, help.code, command);
            assertTrue(help.out.startsWith("Usage: amem " + command), help.out);
        }
        assertEquals(0, run("prepare", "qf", "--help").code);
    }

    @Test
    void badRequestsExitWithTwoAndAReadableMessage(@TempDir Path dir) {
        Result unknownPreset = run("train", "--preset", "nope", "--run", dir.resolve("r").toString());
        assertEquals(2, unknownPreset.code);
        assertTrue(unknownPreset.err.contains("no preset named \"nope\""), unknownPreset.err);

        Result unknownKey = run("train", "--preset", "qf-vanilla-tiny", "--run", dir.resolve("r").toString(),
                "--set", "train.learning_rate=1e-3");
        assertEquals(2, unknownKey.code);
        assertTrue(unknownKey.err.contains("did you mean \"train."), unknownKey.err);
        assertTrue(!unknownKey.err.contains("\tat "), "no stack trace:\n" + unknownKey.err);

        Result missingData = run("train", "--preset", "qf-vanilla-tiny", "--run", dir.resolve("r").toString(),
                "--set", "data.dir=" + dir.resolve("absent"));
        assertEquals(2, missingData.code);
        assertTrue(missingData.err.contains("no such directory"), missingData.err);
        assertTrue(!Files.exists(dir.resolve("r")));

        assertEquals(2, run("train", "--frobnicate").code);
        assertEquals(2, run("train", "--preset", "qf-vanilla-tiny").code); // no --run
    }

    @Test
    void presetsListsShowsAndDocumentsKeys() {
        Result list = run("presets");
        assertEquals(0, list.code);
        assertTrue(list.out.contains("qf-vanilla-tiny") && list.out.contains("gpt2-small-owt"), list.out);
        Result keys = run("presets", "--keys");
        assertEquals(0, keys.code);
        assertTrue(keys.out.contains("train.grad_clip"), keys.out);
        Result show = run("presets", "qf-vanilla");
        assertEquals(0, show.code);
        assertTrue(show.out.contains("\"n_embd\": 512"), show.out);
    }
}
