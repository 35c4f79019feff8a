package amem.pipeline.cli;

import amem.datasets.qf.QfReferenceFiles;
import amem.datasets.store.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem data}: inspect and export token stores. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Inspect and export token stores.",
        subcommands = {DataCommand.Info.class, DataCommand.ExportQf.class})
final class DataCommand extends CommandGroup {

    /** {@code amem data info}. */
    @Command(
            name = "info",
            mixinStandardHelpOptions = true,
            description = {
                "Print a token store's meta.json (splits, tokens, documents, tokenizer, source, subset rule and parent) and"
                    + " verify the sha256 of every token file (exit 1 naming the file on a mismatch).",
                "For Question-Formation stores also each split's statistics, the exact entropy and the task sets."
            })
    static final class Info implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "token store directory")
        Path dir;

        @Option(names = "--no-verify", description = "do not recompute checksums")
        boolean noVerify;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("DIR " + dir + ": no such directory");
            }
            try (TokenStore store = TokenStore.open(dir)) {
                StoreReport report = new StoreReport(store, System.out);
                report.print();
                if (!noVerify) {
                    DataProgress progress = new DataProgress();
                    try {
                        report.verify(progress);
                    } finally {
                        progress.finish();
                    }
                }
            }
            return 0;
        }
    }

    /** {@code amem data export-qf}. */
    @Command(
            name = "export-qf",
            mixinStandardHelpOptions = true,
            description = {
                "Write a Question-Formation store in McCoy et al.'s reference format: question.train, question.dev (from val),"
                    + " question.test, question.gen, one 'source . quest<TAB>target ?' line per example.",
                "`amem prepare qf --from-reference DIR` reads them back into the same store."
            })
    static final class ExportQf implements Callable<Integer> {
        @Parameters(paramLabel = "STORE", description = "Question-Formation token store")
        Path store;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory for the files")
        Path out;

        @Option(names = "--overwrite", description = "replace existing files in --out")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(store)) {
                throw new IllegalArgumentException("STORE " + store + ": no such directory");
            }
            try (TokenStore opened = TokenStore.open(store)) {
                List<Path> files = QfReferenceFiles.write(opened, out, overwrite);
                for (Path file : files) {
                    try (var lines = Files.lines(file)) {
                        System.out.printf("wrote %s (%,d lines)%n", file, lines.count());
                    }
                }
            }
            return 0;
        }
    }
}
