package amem.pipeline.cli;

import amem.datasets.OutOfSpace;
import amem.datasets.text.BadBytes;

import amem.datasets.text.DecodeOptions;
import amem.datasets.text.TextStoreBuilder;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code amem prepare text}: text files and JSON Lines to a GPT-2 token store. */
@Command(
        name = "text",
        mixinStandardHelpOptions = true,
        description = {
            "Tokenize text files and JSON Lines with GPT-2 BPE into a token store (train.bin, val.bin, meta.json).",
            "INPUT: files (.txt, .jsonl, .txt.gz, .jsonl.gz) and directories, walked in sorted order (other files are skipped)."
                + " A .txt file is one document, a JSONL line one document (its --jsonl-field); each is followed by"
                + " end-of-text 50256, as in nanoGPT. CRLF becomes LF. Every file is decoded once before tokenizing, so bad"
                + " bytes stop the job early.",
            "Validation: round(--val-fraction x documents) documents (at least 1), chosen by a seeded hash of the document"
                + " number. Runs on all cores; the store appears only when complete."
        })
final class PrepareTextCommand implements Callable<Integer> {

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "files and directories to read, in this order")
    List<Path> inputs;

    @Option(names = "--out", defaultValue = "data/text", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--jsonl-field", defaultValue = "text", description = "JSONL field holding the text (default: ${DEFAULT-VALUE})")
    String jsonlField;

    @Option(names = "--encoding", defaultValue = "UTF-8", description = "input encoding (default: ${DEFAULT-VALUE})")
    String encoding;

    @Option(names = "--on-bad-bytes", defaultValue = "error", paramLabel = "error|replace|fallback",
            description = "bytes invalid in --encoding: error (name file and byte offset, write nothing), replace (each"
                    + " bad sequence becomes U+FFFD, counted in meta.json) or fallback (decode that file with"
                    + " --fallback-encoding, listed in meta.json) (default: ${DEFAULT-VALUE})")
    String onBadBytes;

    @Option(names = "--fallback-encoding", defaultValue = "ISO-8859-1",
            description = "encoding of files that are not valid --encoding, with --on-bad-bytes fallback (default: ${DEFAULT-VALUE})")
    String fallbackEncoding;

    @Option(names = "--val-fraction", defaultValue = "0.0005",
            description = "share of documents for validation, nanoGPT's OpenWebText split by default (default: ${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--seed", defaultValue = "2357", description = "seed of the validation choice (default: ${DEFAULT-VALUE}, nanoGPT's)")
    long seed;

    @Option(names = "--threads", description = "tokenizer threads (default: all cores)")
    Integer threads;

    @Option(names = "--overwrite", description = "replace an existing store at --out")
    boolean overwrite;

    @Override
    public Integer call() throws Exception {
        DecodeOptions decode = new DecodeOptions(charset(encoding, "--encoding"), badBytes(onBadBytes),
                charset(fallbackEncoding, "--fallback-encoding"), jsonlField);
        OutputTarget.check(out, overwrite, "--out", "a token store");
        int cores = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        TextStoreBuilder.Options options = new TextStoreBuilder.Options(inputs, decode, valFraction, seed, cores, overwrite);
        DataProgress progress = new DataProgress();
        TextStoreBuilder.Result result;
        try {
            result = TextStoreBuilder.write(options, out, progress);
        } catch (IOException e) {
            throw OutOfSpace.explain(e, out);
        } finally {
            progress.finish();
        }
        System.out.printf(Locale.ROOT, "wrote %s: %,d train / %,d val tokens, %,d documents (%,d val), from %.1f MB in %.1f s"
                        + " (%.2f MB/s overall; tokenizing %.2f MB/s, %,.0f tokens/s on %d threads)%n", out,
                result.store().split("train").tokens(), result.store().split("val").tokens(), result.documents(),
                result.valDocuments(), result.inputBytes() / 1e6, result.seconds(), result.megabytesPerSecond(),
                result.tokenizeMegabytesPerSecond(), result.tokens() / result.tokenizeSeconds(), cores);
        for (String line : summaryNotes(result, fallbackEncoding)) {
            System.out.println(line);
        }
        return 0;
    }

    /** The files decoded with the fallback encoding and the files skipped, so neither goes unnoticed. */
    static List<String> summaryNotes(TextStoreBuilder.Result result, String fallbackEncoding) {
        List<String> notes = new java.util.ArrayList<>();
        long window = TextStoreBuilder.SMALLEST_PRESET_WINDOW;
        for (String split : new String[] {"train", "val"}) {
            long tokens = result.store().split(split).tokens();
            if (tokens < window) {
                notes.add(String.format(Locale.ROOT, "warning: the %s split holds %,d token(s), less than one window of"
                        + " the smallest preset (context 64 + 1 = %d tokens): train with a smaller model.context_length"
                        + " or give more text", split, tokens, window));
            }
        }
        if (!result.fallbackFiles().isEmpty()) {
            notes.add(String.format(Locale.ROOT, "read with the fallback encoding %s (not valid in --encoding): %d file(s): %s",
                    fallbackEncoding, result.fallbackFiles().size(), String.join(", ", result.fallbackFiles())));
        }
        if (!result.skippedFiles().isEmpty()) {
            List<String> names = result.skippedFiles().stream().map(Path::toString).toList();
            notes.add(String.format(Locale.ROOT, "skipped %d file(s) that are not .txt, .jsonl, .txt.gz or .jsonl.gz: %s%s",
                    names.size(), String.join(", ", names.subList(0, Math.min(10, names.size()))),
                    names.size() > 10 ? ", ... (all in meta.json's source.skipped_files)" : ""));
        }
        return notes;
    }

    static Charset charset(String name, String option) {
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException(option + " " + name + ": unknown encoding (e.g. UTF-8, ISO-8859-1, windows-1252)");
        }
    }

    static BadBytes badBytes(String value) {
        try {
            return BadBytes.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--on-bad-bytes " + value + " is not one of error, replace, fallback");
        }
    }
}
