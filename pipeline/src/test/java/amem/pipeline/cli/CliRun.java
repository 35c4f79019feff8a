package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the amem command line in-process and captures its exit code, stdout and stderr (no stack trace allowed). */
record CliRun(int code, String out, String err) {

    static CliRun amem(String... args) {
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
