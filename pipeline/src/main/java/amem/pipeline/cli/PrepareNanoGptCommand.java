package amem.pipeline.cli;

import amem.datasets.store.NanoGptImport;
import amem.datasets.store.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem prepare nanogpt}: adopt nanoGPT's train.bin / val.bin without copying. */
@Command(
        name = "nanogpt",
        mixinStandardHelpOptions = true,
        description = {
            "Adopt a nanoGPT data directory (train.bin, val.bin of GPT-2 ids, e.g. data/openwebtext) as a token store"
                + " without copying it.",
            "--out gets meta.json and symbolic links to the original .bin files (keep them in place). One pass over each"
                + " file records its sha256 and document count (end-of-text tokens); for OpenWebText's 17 GB that takes"
                + " minutes, shown as progress. --no-checksum skips it: no checksums or document counts are recorded, and"
                + " `amem data info` cannot verify the files."
        })
final class PrepareNanoGptCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NANOGPT_DIR", description = "directory with nanoGPT's train.bin and val.bin")
    Path nanoDir;

    @Option(names = "--out", required = true, description = "directory of the new store (meta.json and links)")
    Path out;

    @Option(names = "--no-checksum", description = "do not read the files: no sha256, no document counts")
    boolean noChecksum;

    @Option(names = "--overwrite", description = "replace an existing store at --out")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(nanoDir)) {
            throw new IllegalArgumentException("NANOGPT_DIR " + nanoDir + ": no such directory");
        }
        OutputTarget.check(out, overwrite, "--out", "a token store");
        long start = System.nanoTime();
        DataProgress progress = new DataProgress();
        try (TokenStore store = adopt(progress)) {
            System.out.printf(Locale.ROOT, "wrote %s: %,d train / %,d val tokens, linked from %s%s in %.1f s%n", out,
                    store.split("train").tokens(), store.split("val").tokens(), nanoDir.toRealPath(),
                    noChecksum ? " (no checksums)" : ", sha256 recorded", (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    private TokenStore adopt(DataProgress progress) throws java.io.IOException {
        try {
            return NanoGptImport.adopt(nanoDir, out, !noChecksum, overwrite, progress);
        } finally {
            progress.finish();
        }
    }
}
