package amem.pipeline.cli;

import amem.datasets.qf.QfExample;
import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfProcedure;
import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.qf.QfTask;
import amem.datasets.qf.QfWeightFit;
import amem.datasets.qf.QfWeights;
import amem.datasets.store.TokenStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
                "The defaults give the ~2.2M-token reference corpus with the rule weights fitted to McCoy et al.'s files"
                    + " (--weights mccoy-2020) and their split procedure (--procedure mccoy); see docs/DATA.md.",
                "--fit-weights FILE... --out W.json fits the rule probabilities to reference lines (maximum likelihood) and"
                    + " writes a weights file that --weights W.json generates from.",
                "--from-reference DIR imports McCoy et al.'s files instead (question.train, question.dev, question.test,"
                    + " question.gen, or train.txt, dev.txt, test.txt, gen.txt; train and dev required).",
                "Either way meta.json records each split's statistics and the entropy figures (source.entropy): for a generated"
                    + " store the generating grammar's entropy rate (the floor for fresh samples of it); for an imported one the"
                    + " cross-entropy of the grammar fitted to its train lines (an estimate, not a floor) beside that grammar's"
                    + " entropy rate. val/test/gen get a task file (<split>.task.json) for question-formation accuracy."
            })
    static final class Qf implements Callable<Integer> {

        @Option(names = "--out", defaultValue = "data/qf",
                description = "output directory (default: ${DEFAULT-VALUE}); with --fit-weights the weights JSON file to write")
        Path out;

        @Option(names = "--weights", defaultValue = QfWeights.MCCOY, paramLabel = "NAME|FILE",
                description = "rule weights: mccoy-2020 (fitted to McCoy et al.'s files), theory-s6 (docs/THEORY.md section 6 ="
                        + " McCoy's question.gr) or a weights JSON file (default: ${DEFAULT-VALUE})")
        String weights;

        @Option(names = "--procedure", defaultValue = "mccoy", paramLabel = "mccoy|distinct-sentences",
                description = "mccoy: no repeated line, splits in draw order, no object relative clause in gen;"
                        + " distinct-sentences: no repeated sentence, shuffled splits (default: ${DEFAULT-VALUE})")
        String procedure;

        @Option(names = "--fit-weights", arity = "1..*", paramLabel = "FILE",
                description = "fit the rule weights to these reference files (McCoy format; gen lines are not training lines and"
                        + " are refused) and write them to --out")
        List<Path> fitWeights;

        @Option(names = "--no-dedup-correction",
                description = "with --fit-weights: count lines as independent draws (default: correct for a deduplicated file,"
                        + " see docs/DATA.md)")
        boolean noDedupCorrection;

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
            if (fitWeights != null) {
                return fit();
            }
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
            QfOptions options = new QfOptions(trainLines, devLines, testLines, genLines, seed, QfWeights.resolve(weights),
                    QfProcedure.of(procedure));
            try (TokenStore store = QfStoreBuilder.write(options, out, overwrite, System.err::println)) {
                System.out.printf("wrote %s: %,d train / %,d val tokens, vocabulary %d, in %.1f s%n", out,
                        store.split("train").tokens(), store.split("val").tokens(), store.vocabSize(),
                        (System.nanoTime() - start) / 1e9);
            }
            return 0;
        }

        private Integer fit() throws Exception {
            if (!spec.commandLine().getParseResult().hasMatchedOption("--out")) {
                throw new IllegalArgumentException("--fit-weights needs --out W.json (the weights file to write)");
            }
            if (fromReference != null || spec.commandLine().getParseResult().hasMatchedOption("--weights")) {
                throw new IllegalArgumentException("--fit-weights writes weights; --from-reference and --weights do not apply");
            }
            if (Files.isDirectory(out) || (Files.exists(out) && !overwrite)) {
                throw new IllegalArgumentException("--out " + out + " exists; choose another file or add --overwrite");
            }
            List<QfExample> lines = new ArrayList<>();
            List<String> files = new ArrayList<>();
            for (Path file : fitWeights) {
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("--fit-weights " + file + ": no such file");
                }
                List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
                long count = 0;
                for (int i = 0; i < text.size(); i++) {
                    if (text.get(i).isBlank()) {
                        continue;
                    }
                    QfExample example;
                    try {
                        example = QfExample.fromReferenceLine(text.get(i));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage());
                    }
                    if (example.task() == QfTask.QUEST && example.sentence().subjectHasRelativeClause()) {
                        throw new IllegalArgumentException(file + ":" + (i + 1) + ": a question about a subject with a relative"
                                + " clause is a generalisation line; fit to train (or dev/test) files only");
                    }
                    lines.add(example);
                    count++;
                }
                files.add(file.getFileName() + " (" + count + " lines, " + Files.size(file) + " bytes)");
            }
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("files", files);
            provenance.put("command", "amem prepare qf --fit-weights " + String.join(" ", fitWeights.stream()
                    .map(p -> p.getFileName().toString()).toList()) + (noDedupCorrection ? " --no-dedup-correction" : "")
                    + " --out " + out.getFileName());
            String name = out.getFileName().toString().replaceFirst("\\.json$", "");
            QfWeightFit.Result result = QfWeightFit.fit(lines, name, !noDedupCorrection, provenance);
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = parent.resolve(out.getFileName() + ".tmp");
            Files.writeString(tmp, result.weights().toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("wrote %s: rule probabilities fitted to %,d decl and %,d quest lines (%d EM iterations; the"
                    + " quest coin's own estimate %.4f)%n", out, result.declLines(), result.questLines(), result.iterations(),
                    result.questCoin());
            return 0;
        }
    }
}
