package amem.pipeline.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code amem analyze}: docs/THEORY.md §1–4 for runs, activation datasets and sweeps, one subcommand each
 * ({@link AnalyzeRunCommand}, {@link AnalyzeActivationsCommand}, {@link AnalyzeSweepCommand}), so that each has only
 * the options that mean something for it.
 *
 * <p>The forms of before the subcommands ({@code amem analyze RUN...}, {@code amem analyze --activations DIR ...},
 * {@code amem analyze --sweep DIR ...}) still run: they are rewritten to their subcommand, which is printed as a
 * note on stderr. Only a run together with {@code --activations}, which did two analyses at once, is refused with
 * the two commands that replace it.
 */
@Command(
        name = "analyze",
        mixinStandardHelpOptions = true,
        description = {
            "Compare runs, activations and sweeps with the theory (docs/THEORY.md §1-4); writes CSV tables under analysis/.",
            "  amem analyze run RUN...                    loss.csv (+ radius of RUN/activations)",
            "  amem analyze activations DIR               radius.csv, nn_distances.csv",
            "  amem analyze activations DIR --patterns P  also energy.csv",
            "  amem analyze sweep DIR                     N*(D) and Chinchilla fits (docs/THEORY.md §4)",
        },
        subcommands = {AnalyzeRunCommand.class, AnalyzeActivationsCommand.class, AnalyzeSweepCommand.class})
final class AnalyzeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Old options that took no value. */
    private static final Set<String> FLAGS = Set.of("--no-radius");

    /** Arguments of the forms of before the subcommands. */
    @Unmatched
    List<String> legacy = new ArrayList<>();

    @Override
    public Integer call() {
        if (legacy.isEmpty()) {
            throw new IllegalArgumentException("nothing to analyse: amem analyze run RUN..., amem analyze activations "
                    + "DIR or amem analyze sweep DIR (amem analyze --help)");
        }
        List<String> replacement = replacement(legacy);
        CommandLine cli = spec.commandLine();
        cli.getErr().println("amem analyze: note: this is now `amem analyze " + String.join(" ", replacement) + "`");
        cli.getErr().flush();
        return cli.execute(replacement.toArray(String[]::new));
    }

    /**
     * The subcommand line of an old {@code analyze} command line: {@code --sweep DIR} becomes {@code sweep DIR},
     * {@code --activations DIR} becomes {@code activations DIR}, run directories alone become {@code run RUN...};
     * every other argument is kept as it was.
     *
     * @throws IllegalArgumentException for run directories with {@code --activations} (two analyses at once)
     */
    static List<String> replacement(List<String> args) {
        String sweep = null;
        String activations = null;
        List<String> rest = new ArrayList<>();
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-")) {
                runs.add(arg);
                rest.add(arg);
                continue;
            }
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            // Every old option but --no-radius took one value, as the next argument or after '='.
            String value = arg.contains("=") || FLAGS.contains(name) ? null : i + 1 < args.size() ? args.get(++i) : null;
            if (name.equals("--sweep") || name.equals("--activations")) {
                String dir = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : value;
                if (dir == null) {
                    throw new IllegalArgumentException(name + " needs a directory; it is now `amem analyze "
                            + name.substring(2) + " DIR`");
                }
                if (name.equals("--sweep")) {
                    sweep = dir;
                } else {
                    activations = dir;
                }
                continue;
            }
            rest.add(arg);
            if (value != null) {
                rest.add(value);
            }
        }
        List<String> line = new ArrayList<>();
        if (sweep != null) {
            line.add("sweep");
            line.add(sweep);
        } else if (activations != null) {
            if (!runs.isEmpty()) {
                throw new IllegalArgumentException("a run with --activations did two analyses; run them one by one: "
                        + "`amem analyze run " + runs.get(0) + " --no-radius` and `amem analyze activations "
                        + activations + " --out " + runs.get(0) + "/analysis`");
            }
            line.add("activations");
            line.add(activations);
        } else {
            line.add("run");
        }
        line.addAll(rest);
        return line;
    }

    /** Results and written files go to stdout, progress (indented lines) to stderr. */
    static void say(String line) {
        (line.startsWith(" ") || line.startsWith("radius of") ? System.err : System.out).println(line);
    }
}
