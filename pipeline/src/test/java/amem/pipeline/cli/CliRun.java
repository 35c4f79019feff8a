package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One {@code amem} command run in-process, as a user would type it: exit code, stdout, stderr. */
record CliRun(int code, String out, String err) {

    /** Runs the command line; fails the test if stderr shows a stack trace. */
    static CliRun of(String... args) {
        CommandLine cli = AmemCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        assertFalse(err.toString().contains("\tat "), "no stack trace:\n" + err);
        return new CliRun(code, out.toString(), err.toString());
    }
}
