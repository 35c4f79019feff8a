package amem.pipeline.cli;

import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.store.TokenStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amem prepare}: builds token stores. */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        description = "Build a token store (train.bin, val.bin, meta.json) from a source.",
        subcommands = {PrepareCommand.Qf.class, PrepareTextCommand.class, PrepareNanoGptCommand.class})
final class PrepareCommand extends CommandGroup {

    /** {@code amem prepare qf}. */
    @Command(
            name = "qf",
            mixinStandardHelpOptions = true,
            description = {
                "Generate the Question-Formation corpus as a token store.",
                "Samples the grammar of docs/THEORY.md section 6 into a word-level token store with splits train, val (the dev set), test and gen (generalisation), each with a line index.",
                "The defaults give the ~2.2M-token reference corpus.",
                "--from-reference DIR imports McCoy et al.'s files instead (question.train, question.dev, question.test,"
                    + " question.gen, or train.txt, dev.txt, test.txt, gen.txt; train and dev required).",
                "Either way meta.json records each split's statistics and the exact entropy rate of the grammar (source.entropy),"
                    + " and val/test/gen get a task file (<split>.task.json) for question-formation accuracy."
            })
    static final class Qf implements Callable<Integer> {

        @Option(names = "--out", defaultValue = "data/qf", description = "output directory (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--train-lines", defaultValue = "100000", description = "training lines (default: ${DEFAULT-VALUE})")
        int trainLines;

        @Option(names = "--dev-lines", defaultValue = "1000", description = "dev (validation) lines (default: ${DEFAULT-VALUE})")
        int devLines;

        @Option(names = "--test-lines", defaultValue = "10000", description = "test lines (default: ${DEFAULT-VALUE})")
        int testLines;

        @Option(names = "--gen-lines", defaultValue = "10000", description = "generalisation lines (default: ${DEFAULT-VALUE})")
        int genLines;

        @Option(names = "--seed", defaultValue = "1", description = "sampling seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--overwrite", description = "replace an existing store at --out")
        boolean overwrite;

        @Option(names = "--from-reference", paramLabel = "DIR",
                description = "import reference files from DIR instead of generating (the line and seed options do not apply)")
        Path fromReference;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            long start = System.nanoTime();
            OutputTarget.check(out, overwrite, "--out", "a token store");
            if (fromReference != null) {
                for (String generatorOption : new String[] {"--train-lines", "--dev-lines", "--test-lines", "--gen-lines", "--seed"}) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(generatorOption)) {
                        throw new IllegalArgumentException(generatorOption + " does not apply with --from-reference (the files"
                                + " fix the lines)");
                    }
                }
                try (TokenStore store = QfStoreBuilder.importReference(fromReference, out, overwrite, System.err::println)) {
                    System.out.printf("wrote %s: %,d train / %,d val tokens from the reference files in %s, in %.1f s%n", out,
                            store.split("train").tokens(), store.split("val").tokens(), fromReference,
                            (System.nanoTime() - start) / 1e9);
                }
                return 0;
            }
            QfOptions options = new QfOptions(trainLines, devLines, testLines, genLines, seed);
            try (TokenStore store = QfStoreBuilder.write(options, out, overwrite, System.err::println)) {
                System.out.printf("wrote %s: %,d train / %,d val tokens, vocabulary %d, in %.1f s%n", out,
                        store.split("train").tokens(), store.split("val").tokens(), store.vocabSize(),
                        (System.nanoTime() - start) / 1e9);
            }
            return 0;
        }
    }
}
