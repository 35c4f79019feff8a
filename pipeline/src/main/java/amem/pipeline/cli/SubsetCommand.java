package amem.pipeline.cli;

import amem.datasets.store.TokenStore;
import amem.datasets.subset.SubsetBuilder;
import amem.datasets.subset.SubsetRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code amem subset}: a deterministic, nested, document-aligned subset of a store's training split. */
@Command(
        name = "subset",
        mixinStandardHelpOptions = true,
        description = {
            "Take a deterministic subset of a token store's training split: whole documents, in the parent's order.",
            "Documents are ordered by a hash of (seed, document number) and the shortest prefix of that order with at least"
                + " the target tokens is kept, so for one parent and seed a smaller subset is inside a larger one (0.1%% inside"
                + " 1%%). Document boundaries: the line index of line corpora, else end-of-text tokens (50256), found by a"
                + " streaming scan that also checks the parent's train.bin sha256.",
            "Every other split (val, test, ...) and its side files are copied from the parent unchanged. meta.json records"
                + " the parent and the rule under 'subset'."
        })
final class SubsetCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "parent token store")
    Path from;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory of the subset store")
    Path out;

    @Option(names = "--fraction", description = "share of the parent's training tokens, in (0, 1], e.g. 0.01")
    Double fraction;

    @Option(names = "--tokens", paramLabel = "N", description = "token budget, e.g. 2000000, 2M or 500k")
    String tokens;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the document order (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--overwrite", description = "replace an existing store at --out")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(from)) {
            throw new IllegalArgumentException("--from " + from + ": no such directory");
        }
        OutputTarget.check(out, overwrite, "--out", "a token store");
        SubsetRule rule = new SubsetRule(fraction, tokens == null ? null : parseCount(tokens), seed);
        long start = System.nanoTime();
        DataProgress progress = new DataProgress();
        TokenStore store;
        try {
            store = SubsetBuilder.write(from, out, rule, overwrite, progress);
        } finally {
            progress.finish();
        }
        Map<String, Object> subset = store.meta().subset();
        long parentTokens = (Long) subset.get("parent_train_tokens");
        System.out.printf(Locale.ROOT, "wrote %s: %,d train tokens in %,d of %,d documents (%.4f %% of the parent's tokens; target %,d)"
                        + " in %.1f s%n", out, store.split("train").tokens(), (Long) subset.get("documents"),
                (Long) subset.get("parent_train_documents"), 100.0 * store.split("train").tokens() / parentTokens,
                (Long) subset.get("target_tokens"), (System.nanoTime() - start) / 1e9);
        store.close();
        return 0;
    }

    /** A token count with an optional k / M / G suffix (powers of 1000). */
    static long parseCount(String text) {
        String t = text.trim();
        long scale = 1;
        char last = t.isEmpty() ? ' ' : Character.toUpperCase(t.charAt(t.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            scale = last == 'K' ? 1_000L : last == 'M' ? 1_000_000L : 1_000_000_000L;
            t = t.substring(0, t.length() - 1);
        }
        try {
            double value = Double.parseDouble(t) * scale;
            if (value != Math.rint(value) || value <= 0 || value > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tokens " + text + ": expected a positive whole number, optionally with k, M or G");
        }
    }
}
