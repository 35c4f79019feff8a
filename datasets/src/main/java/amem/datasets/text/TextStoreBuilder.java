package amem.datasets.text;

import amem.datasets.ProgressListener;
import amem.datasets.store.SplitWriter;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreWriter;
import amem.datasets.subset.SeededOrder;
import amem.datasets.tokenize.Gpt2Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code amem prepare text}: a text corpus to a GPT-2 token store with splits {@code train} and {@code val}.
 *
 * <p>Documents are whole {@code .txt} files and JSON Lines records, numbered 0, 1, … in input order (see
 * {@link InputFiles}). Each is encoded with GPT-2 BPE and followed by the end-of-text id, as nanoGPT's
 * {@code prepare.py} does, so the token files are nanoGPT's format and documents can be found again by that id.
 * The validation split is {@code round(valFraction × documents)} documents (at least one when the fraction is
 * positive and there are two or more documents): those first in the {@link SeededOrder seeded order} — a pure
 * function of (seed, document number), so it does not depend on threads or timing; the rest is {@code train}.
 * Tokenization runs on {@code threads} cores through {@link ParallelEncoder}; the store is written atomically by
 * {@link TokenStoreWriter}.
 */
public final class TextStoreBuilder {
    /** {@code source.kind} of stores written here. */
    public static final String KIND = "text";
    /** nanoGPT's OpenWebText split: 0.05 % of documents for validation. */
    public static final double DEFAULT_VAL_FRACTION = 0.0005;

    /**
     * The fewest training tokens a store may hold: one (input, target) pair. An input without text (empty files)
     * used to give a one-token store and "succeed"; it is refused. Stores too small for a preset's context are
     * written with a warning ({@link #SMALLEST_PRESET_WINDOW}), since a tiny context may still use them.
     */
    public static final long MIN_TRAIN_TOKENS = 2;

    /** One window of the smallest bundled preset: context 64 plus the shifted target. */
    public static final long SMALLEST_PRESET_WINDOW = 65;
    /** Beyond this many files, {@code meta.json} lists only the first ones (the count and total size are always there). */
    static final int LISTED_FILES = 1000;

    /**
     * @param inputs      files and directories, in order
     * @param decode      encodings and the JSONL text field
     * @param valFraction share of documents for validation, in [0, 1)
     * @param seed        seed of the validation choice
     * @param threads     encoder threads (at least 1)
     * @param overwrite   replace an existing store at the output path
     */
    public record Options(List<Path> inputs, DecodeOptions decode, double valFraction, long seed, int threads, boolean overwrite) {
        public Options {
            inputs = List.copyOf(inputs);
            if (!(valFraction >= 0 && valFraction < 1)) {
                throw new IllegalArgumentException("--val-fraction must be in [0, 1), got " + valFraction);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
        }
    }

    /**
     * What was written and how fast.
     *
     * @param seconds         the whole job: listing, survey (decoding every file once), tokenizing and committing
     * @param tokenizeSeconds the tokenizing pass alone
     */
    public record Result(TokenStore store, long inputBytes, long tokens, long documents, long valDocuments, double seconds,
                         double tokenizeSeconds, List<String> fallbackFiles, List<Path> skippedFiles) {
        /** Input megabytes (10^6 bytes, as on disk) per second of the whole job. */
        public double megabytesPerSecond() {
            return inputBytes / 1e6 / seconds;
        }

        /** Input megabytes per second of the tokenizing pass. */
        public double tokenizeMegabytesPerSecond() {
            return inputBytes / 1e6 / tokenizeSeconds;
        }
    }

    private TextStoreBuilder() {}

    public static Result write(Options options, Path out, ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        Gpt2Tokenizer.preload(); // the GPT-2 tables are built on the other core while the survey decodes the files
        InputFiles.Listing listing = InputFiles.expand(options.inputs());
        CorpusReader reader = new CorpusReader(options.decode());
        List<CorpusReader.FilePlan> plans = reader.survey(listing.files(), progress);
        long documents = plans.stream().mapToLong(CorpusReader.FilePlan::documents).sum();
        long valCount = validationDocuments(documents, options.valFraction());
        if (documents > 0 && valCount >= documents) {
            throw new IllegalArgumentException("--val-fraction " + options.valFraction() + " leaves none of the " + documents
                    + " documents for training");
        }
        SeededOrder.Cut val = SeededOrder.cut(options.seed(), documents, d -> 1, valCount);
        Gpt2Tokenizer tokenizer = Gpt2Tokenizer.get();
        long totalBytes = listing.bytes();
        try (TokenStoreWriter writer = TokenStoreWriter.create(out, tokenizer.name(), tokenizer.vocabSize(), options.overwrite())) {
            SplitWriter trainOut = writer.split("train", false);
            SplitWriter valOut = writer.split("val", false);
            long[] done = new long[2]; // tokens, documents
            long tokenizeStart = System.nanoTime();
            ParallelEncoder.run(tokenizer, options.threads(), sink -> reader.read(plans, sink), (document, ids, last, bytesDone) -> {
                SplitWriter split = val.contains(document) ? valOut : trainOut;
                split.write(ids, 0, ids.length);
                done[0] += ids.length;
                if (last) {
                    split.write(Gpt2Tokenizer.END_OF_TEXT);
                    split.endDocument();
                    done[0]++;
                    done[1]++;
                }
                progress.update("tokenize", bytesDone, totalBytes, done[0], done[1]);
            });
            progress.update("tokenize", totalBytes, totalBytes, done[0], done[1]);
            double tokenizeSeconds = (System.nanoTime() - tokenizeStart) / 1e9;
            long trainTokens = done[0] - valOut.tokens();
            if (done[0] - done[1] == 0 || trainTokens < MIN_TRAIN_TOKENS) {
                // refused before commit: the store never appears (a 1-token store used to be written and "succeed")
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "%s: the input holds %,d text tokens in %,d document(s), %,d for training: too small to train"
                                + " on; give files with text", options.inputs().size() == 1 ? options.inputs().get(0)
                                : options.inputs().size() + " inputs", done[0] - done[1], documents, trainTokens));
            }
            writer.source(source(options, listing, reader.reports(), documents, valCount));
            writer.seed(options.seed());
            TokenStore store = writer.commit();
            List<String> fallbackFiles = reader.reports().stream().filter(r -> r.plan().fallback())
                    .map(r -> r.plan().file().path().toString()).toList();
            return new Result(store, totalBytes, done[0], done[1], valCount, (System.nanoTime() - start) / 1e9, tokenizeSeconds,
                    fallbackFiles, listing.skippedFiles());
        }
    }

    /** {@code round(fraction × documents)}, at least 1 when the fraction is positive and there are two documents or more. */
    static long validationDocuments(long documents, double fraction) {
        if (fraction <= 0 || documents < 2) {
            return 0;
        }
        return Math.max(1, Math.round(fraction * documents));
    }

    private static Map<String, Object> source(Options options, InputFiles.Listing listing, List<CorpusReader.FileReport> reports,
                                              long documents, long valCount) {
        DecodeOptions decode = options.decode();
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("kind", KIND);
        source.put("tokenizer", Gpt2Tokenizer.DESCRIPTION);
        source.put("documents_are", "one per .txt file, one per non-blank line of a .jsonl file (its '" + decode.jsonlField()
                + "' field); each followed by end-of-text " + Gpt2Tokenizer.END_OF_TEXT);
        source.put("inputs", options.inputs().stream().map(Path::toString).toList());
        source.put("files", listing.files().size());
        source.put("bytes", listing.bytes());
        source.put("documents", documents);
        if (listing.skipped() > 0) {
            source.put("skipped_files_by_suffix", listing.skippedBySuffix());
            source.put("skipped_files", listing.skippedFiles().stream().map(Path::toString).toList());
        }
        source.put("encoding", decode.charset().name());
        source.put("on_bad_bytes", decode.onBadBytes().name().toLowerCase());
        source.put("newlines", "CRLF normalised to LF (a lone CR is kept); a byte-order mark at the start of a document dropped");
        List<String> fallbackFiles = new ArrayList<>();
        long replaced = 0;
        List<Map<String, Object>> listed = new ArrayList<>();
        for (CorpusReader.FileReport report : reports) {
            if (report.plan().fallback()) {
                fallbackFiles.add(report.plan().file().path().toString());
            }
            replaced += report.replaced();
            if (listed.size() < LISTED_FILES) {
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("path", report.plan().file().path().toString());
                file.put("bytes", report.plan().file().bytes());
                file.put("documents", report.plan().documents());
                file.put("encoding", report.plan().charset().name());
                if (report.replaced() > 0) {
                    file.put("replaced", report.replaced());
                }
                listed.add(file);
            }
        }
        if (decode.onBadBytes() == BadBytes.FALLBACK) {
            source.put("fallback_encoding", decode.fallback().name());
            source.put("fallback_files", fallbackFiles);
        }
        if (decode.onBadBytes() == BadBytes.REPLACE) {
            source.put("replaced_sequences", replaced);
        }
        source.put("file_list", listed);
        source.put("file_list_complete", listed.size() == reports.size());
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("rule", "val = the round(val_fraction × documents) documents (at least 1 when val_fraction > 0 and there"
                + " are 2 or more) with the smallest SplitMix64(seed, document number); train = the rest, both in input order");
        split.put("val_fraction", options.valFraction());
        split.put("val_documents", valCount);
        split.put("seed", options.seed());
        source.put("split", split);
        return source;
    }
}
