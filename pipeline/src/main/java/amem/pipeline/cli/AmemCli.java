package amem.pipeline.cli;

import amem.pipeline.config.ConfigException;
import amem.pipeline.run.RunDirectoryException;
import amem.pipeline.train.TrainingFault;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code amem} command line. Exit codes: 0 success, 1 the work failed (I/O, numerical fault), 2 the request
 * was wrong (unknown option or config key, impossible value, missing input). Errors print one readable line;
 * {@code AMEM_DEBUG=1} adds the stack trace.
 */
@Command(
        name = "amem",
        mixinStandardHelpOptions = true,
        versionProvider = AmemCli.Version.class,
        description = "Train transformers and test the associative-memory theory of their performance.")
public final class AmemCli implements Runnable {

    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    /**
     * The subcommands, in the order of the help. They are not in the {@code @Command} annotation because picocli
     * reflects on every command it is given, which took a third of a second at each start (on 2 cores, of a job like
     * {@code prepare text} that takes a second in all): a command line naming one of them builds only that one's tree
     * ({@link #commandLine(String...)}).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            QuickstartCommand.class,
            PrepareCommand.class,
            SubsetCommand.class,
            DataCommand.class,
            TrainCommand.class,
            SweepCommand.class,
            CollectCommand.class,
            EvalCommand.class,
            AblateCommand.class,
            WeightsCommand.class,
            AnalyzeCommand.class,
            ReportCommand.class,
            PresetsCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        if (args.length >= 2 && args[0].equals("prepare") && args[1].equals("text")) {
            // the GPT-2 tables are built on the second core while picocli builds the command (one core's work)
            amem.datasets.tokenize.Gpt2Tokenizer.preload();
        }
        try {
            return commandLine(args).execute(args);
        } catch (InternalError e) {
            // HotSpot turns the SIGBUS of a read from a mapped file that another program truncated into this error;
            // in compiled code it may arrive after the reading method returned, outside the reader's own handler.
            if (e.getMessage() == null || !e.getMessage().contains("unsafe memory access")) {
                throw e;
            }
            System.err.println("amem: error: a memory-mapped input file (a token store's .bin) became shorter while "
                    + "amem was reading it: another program truncated or rewrote it; nothing was written, restore the "
                    + "file and run the same command again");
            return EXIT_FAILED;
        }
    }

    /** The whole command tree (help, docs/CLI.md, tests). */
    static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    /**
     * The tree that parsing {@code args} needs: when the first argument names a subcommand, that subcommand alone
     * (with all of its own subcommands, so its help and errors are the same); otherwise (no argument, an option, a
     * mistyped name, {@code help COMMAND}) the whole tree, for the usage, picocli's suggestions and the help command.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> command : SUBCOMMANDS) {
                Command annotation = command.getAnnotation(Command.class);
                boolean named = annotation.name().equals(args[0]) || List.of(annotation.aliases()).contains(args[0]);
                if (named && command != CommandLine.HelpCommand.class) { // help names other commands: the whole tree
                    return commandLine(List.of(command));
                }
            }
        }
        return commandLine(SUBCOMMANDS);
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        CommandLine cli = new CommandLine(new AmemCli());
        for (Class<?> command : subcommands) {
            cli.addSubcommand(command);
        }
        // analyze keeps its forms of before the subcommands with @Unmatched; picocli hands a parent's parser settings
        // to its subcommands, which must still refuse an unknown argument.
        CommandLine analyze = cli.getSubcommands().get("analyze");
        if (analyze != null) {
            analyze.getSubcommands().values().forEach(sub -> sub.setUnmatchedArgumentsAllowed(false));
        }
        cli.setExecutionExceptionHandler(AmemCli::handle);
        cli.setParameterExceptionHandler(AmemCli::badOption);
        return HelpLayout.apply(cli, true);
    }

    /**
     * A wrong option or argument: the error, picocli's "did you mean" for a mistyped option, and where the help is,
     * instead of the whole usage text (which buried the one line that mattered).
     */
    private static int badOption(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println(cli.getCommandSpec().qualifiedName() + ": error: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched) {
            java.util.List<String> suggestions = unmatched.getSuggestions();
            if (!suggestions.isEmpty()) {
                err.println("did you mean " + String.join(" or ", suggestions) + "?");
            }
        }
        err.println("see: " + cli.getCommandSpec().qualifiedName() + " --help");
        err.flush();
        return EXIT_USAGE;
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        boolean usage = cause instanceof ConfigException
                || cause instanceof RunDirectoryException
                || cause instanceof IllegalArgumentException;
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (cause instanceof java.nio.file.FileSystemException fs) {
            // a last resort: commands check their outputs first; this keeps Java's class names out of the message
            message = FileErrors.describe(fs);
            usage = fs instanceof java.nio.file.FileAlreadyExistsException;
        } else if (cause instanceof IOException && !(cause.getClass().getName().startsWith("amem."))) {
            message = cause.getClass().getSimpleName() + ": " + message;
        }
        err.println(cli.getCommandSpec().qualifiedName() + ": error: " + amem.datasets.Messages.oneLine(message));
        if (System.getenv("AMEM_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        if (cause instanceof TrainingFault) {
            return EXIT_FAILED;
        }
        return usage ? EXIT_USAGE : EXIT_FAILED;
    }

    /** Version line: amem, DJL and the engine. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String amem = AmemCli.class.getPackage().getImplementationVersion();
            return new String[] {"amem " + (amem == null ? "dev" : amem) + " (DJL " + ai.djl.engine.Engine.getDjlVersion() + ")"};
        }
    }
}
