package amem.datasets.text;

import amem.datasets.JsonErrors;
import amem.datasets.Messages;
import amem.datasets.ProgressListener;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the documents of a text corpus, in input order, as chunks of text.
 *
 * <p>Two passes. {@link #survey} runs before anything is written: it counts the documents of JSON Lines files
 * (needed up front for an exact validation split) and decodes every file once, so that an undecodable byte stops
 * the job in seconds rather than after hours of tokenization (with {@link BadBytes#FALLBACK} it decides the file's
 * encoding instead; with {@link BadBytes#REPLACE} text files need no survey). Decoding is several times faster than
 * tokenizing, so the survey costs a small share (a few per cent of the CPU samples in a profile of {@code prepare
 * text} on the Gutenberg books, 2026-12-06), and the GPT-2 merge table loads on another core meanwhile. {@link #read} then delivers every document's chunks to a sink, with the number
 * of input bytes read so far for progress and throughput.
 */
final class CorpusReader {
    /** Target chunk size in characters: small enough to spread a book over all cores, large enough to amortise. */
    static final int CHUNK_CHARS = 1 << 18;

    /** A file as it will be read: the encoding chosen for it and its document count. */
    record FilePlan(InputFile file, Charset charset, boolean fallback, long documents) {}

    /** What reading a file found. */
    record FileReport(FilePlan plan, long replaced) {}

    /** Receives chunks in document order. */
    @FunctionalInterface
    interface ChunkSink {
        void accept(long document, String text, boolean last, long bytesDone) throws IOException, InterruptedException;
    }

    private final DecodeOptions options;
    private final List<FileReport> reports = new ArrayList<>();

    CorpusReader(DecodeOptions options) {
        this.options = options;
    }

    /** Plans every file: encoding and document count. Reads every file once, except text files with REPLACE. */
    List<FilePlan> survey(List<InputFile> files, ProgressListener progress) throws IOException {
        List<FilePlan> plans = new ArrayList<>(files.size());
        long total = files.stream().mapToLong(InputFile::bytes).sum();
        long before = 0;
        for (InputFile file : files) {
            boolean mustRead = file.jsonl() || options.onBadBytes() != BadBytes.REPLACE;
            FilePlan plan = new FilePlan(file, options.charset(), false, 1);
            if (mustRead) {
                long offset = before;
                InputFile.ByteCounter counter = b -> progress.update("survey", offset + b, total, -1, -1);
                try {
                    plan = new FilePlan(file, options.charset(), false, countDocuments(file, options.charset(), counter));
                } catch (UndecodableInputException e) {
                    if (options.onBadBytes() != BadBytes.FALLBACK) {
                        throw e;
                    }
                    try {
                        plan = new FilePlan(file, options.fallback(), true, countDocuments(file, options.fallback(), counter));
                    } catch (IOException again) {
                        throw named(file, again);
                    }
                } catch (IOException e) {
                    throw named(file, e);
                }
            }
            plans.add(plan);
            before += file.bytes();
            progress.update("survey", before, total, -1, -1);
        }
        return plans;
    }

    /** One document per text file; one per non-blank line of a JSONL file. */
    private long countDocuments(InputFile file, Charset charset, InputFile.ByteCounter counter) throws IOException {
        try (Reader reader = open(file, charset, false, counter)) {
            if (!file.jsonl()) {
                char[] sink = new char[1 << 14];
                while (reader.read(sink, 0, sink.length) >= 0) {
                    // decoding is the check
                }
                return 1;
            }
            LineReader lines = new LineReader(reader);
            long count = 0;
            for (String line = lines.next(); line != null; line = lines.next()) {
                count += LineReader.isBlank(line) ? 0 : 1;
            }
            return count;
        }
    }

    /**
     * Delivers the chunks of every document of {@code plans}, numbering documents from 0 across files.
     *
     * @throws IOException naming the file (and line, for JSONL) on undecodable bytes, malformed JSON or a missing
     *                     text field, or when a file no longer has the document count the survey found
     */
    void read(List<FilePlan> plans, ChunkSink sink) throws IOException, InterruptedException {
        long document = 0;
        long before = 0;
        for (FilePlan plan : plans) {
            long offset = before;
            long[] bytesDone = {offset};
            InputFile.ByteCounter counter = b -> bytesDone[0] = offset + b;
            boolean replace = options.onBadBytes() == BadBytes.REPLACE;
            long documents = 0;
            try (DecodingReader reader = open(plan.file(), plan.charset(), replace, counter)) {
                documents = readFile(plan, reader, document, sink, bytesDone);
                document += documents;
                reports.add(new FileReport(plan, reader.replaced()));
            } catch (IOException e) {
                throw named(plan.file(), e);
            }
            if (documents != plan.documents()) {
                throw new IOException(plan.file().path() + ": has " + documents + " documents now but " + plan.documents()
                        + " when it was first read; was it changed while the store was written?");
            }
            before += plan.file().bytes();
        }
    }

    /** Delivers the documents of one file, numbered from {@code first}; returns how many there were. */
    private long readFile(FilePlan plan, DecodingReader reader, long first, ChunkSink sink, long[] bytesDone)
            throws IOException, InterruptedException {
        long document = first;
        long documents = 0;
        if (plan.file().jsonl()) {
            LineReader lines = new LineReader(reader);
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (LineReader.isBlank(line)) {
                    continue;
                }
                String text = jsonText(plan.file(), lines.lineNumber(), line);
                chunks(new DocumentChunker(new StringReader(text), CHUNK_CHARS), document++, sink, bytesDone);
                documents++;
            }
        } else {
            chunks(new DocumentChunker(reader, CHUNK_CHARS), document, sink, bytesDone);
            documents++;
        }
        return documents;
    }

    /** An I/O error of a file with the file named (decoding and JSON errors name it already). */
    private static IOException named(InputFile file, IOException e) {
        String path = file.path().toString();
        if (e instanceof UndecodableInputException || (e.getMessage() != null && e.getMessage().startsWith(path))) {
            return e;
        }
        return new IOException(path + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }

    /** Per-file outcome of {@link #read}, in file order; complete once {@code read} has returned. */
    List<FileReport> reports() {
        return reports;
    }

    private static void chunks(DocumentChunker chunker, long document, ChunkSink sink, long[] bytesDone)
            throws IOException, InterruptedException {
        for (DocumentChunker.Chunk c = chunker.next(); c != null; c = chunker.next()) {
            sink.accept(document, c.text(), c.last(), bytesDone[0]);
        }
    }

    private String jsonText(InputFile file, long lineNumber, String line) throws IOException {
        String where = file.path() + ":" + lineNumber;
        JsonElement record;
        try {
            record = JsonParser.parseString(line);
        } catch (JsonParseException e) {
            throw new IOException(where + ": not valid JSON: " + JsonErrors.describe(e));
        }
        if (!record.isJsonObject()) {
            throw new IOException(where + ": expected a JSON object with a '" + options.jsonlField() + "' field, got "
                    + shorten(line));
        }
        JsonElement field = record.getAsJsonObject().get(options.jsonlField());
        if (field == null) {
            throw new IOException(where + ": no field '" + options.jsonlField() + "' (fields: "
                    + Messages.quoted(record.getAsJsonObject().keySet().toString()) + "); choose the text field with --jsonl-field");
        }
        if (!field.isJsonPrimitive() || !field.getAsJsonPrimitive().isString()) {
            throw new IOException(where + ": field '" + options.jsonlField() + "' must be a string, got " + shorten(field.toString()));
        }
        return field.getAsString();
    }

    private DecodingReader open(InputFile file, Charset charset, boolean replace, InputFile.ByteCounter counter) throws IOException {
        InputStream in = file.open(counter);
        return new DecodingReader(in, charset, replace, file.path().toString(), file.gzip());
    }

    private static String shorten(String s) {
        String line = Messages.oneLine(s);
        return line.length() > 60 ? line.substring(0, 57) + "..." : line;
    }
}
