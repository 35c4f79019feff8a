package amem.datasets.qf;

import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference file format of McCoy et al. (2020), used by their repository ({@code data/question.train},
 * {@code question.dev}, {@code question.test}, {@code question.gen}) and by Murty et al. (2023): one example per
 * line, {@code source . quest<TAB>target ?} or {@code source . decl<TAB>source .}.
 *
 * <p>Reading accepts, per split, McCoy's name or a plain one: {@code train} ← {@code question.train} or
 * {@code train.txt}; {@code val} ← {@code question.dev} or {@code dev.txt}; {@code test} ← {@code question.test} or
 * {@code test.txt}; {@code gen} ← {@code question.gen} or {@code gen.txt}. Train and dev are required, test and gen
 * optional. Every line must be an example of the grammar with the target its task prescribes; the first that is
 * not is reported with its file and line number. Empty lines are skipped. Writing uses McCoy's names.
 */
public final class QfReferenceFiles {
    /** Store split → accepted file names, McCoy's first. */
    public static final Map<String, List<String>> NAMES = names();

    private static Map<String, List<String>> names() {
        Map<String, List<String>> names = new LinkedHashMap<>();
        names.put("train", List.of("question.train", "train.txt"));
        names.put("val", List.of("question.dev", "dev.txt"));
        names.put("test", List.of("question.test", "test.txt"));
        names.put("gen", List.of("question.gen", "gen.txt"));
        return names;
    }

    /** Examples of one split and the file they came from. */
    public record SplitFile(Path file, List<QfExample> examples) {}

    private QfReferenceFiles() {}

    /** Reads the reference files in {@code dir}: store split → its examples, in split order (train, val, test, gen). */
    public static Map<String, SplitFile> read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--from-reference " + dir + ": no such directory");
        }
        Map<String, SplitFile> splits = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : NAMES.entrySet()) {
            List<Path> present = e.getValue().stream().map(dir::resolve).filter(Files::isRegularFile).toList();
            if (present.size() > 1) {
                throw new IllegalArgumentException(dir + ": both " + present.get(0).getFileName() + " and "
                        + present.get(1).getFileName() + " exist for split '" + e.getKey() + "'; keep one");
            }
            if (present.isEmpty()) {
                if (e.getKey().equals("train") || e.getKey().equals("val")) {
                    throw new IllegalArgumentException(dir + ": no " + String.join(" or ", e.getValue()) + " (the "
                            + (e.getKey().equals("val") ? "dev" : "train") + " split is required)");
                }
                continue;
            }
            splits.put(e.getKey(), new SplitFile(present.get(0), parse(present.get(0))));
        }
        return splits;
    }

    private static List<QfExample> parse(Path file) throws IOException {
        List<QfExample> examples = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text (" + e.getClass().getSimpleName() + ")");
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                examples.add(QfExample.fromReferenceLine(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return examples;
    }

    /**
     * Writes the Question-Formation splits of {@code store} to {@code outDir} under McCoy's names (each file written to
     * a temporary name and renamed when complete); returns the files written.
     *
     * @throws FileAlreadyExistsException when a target file exists and {@code overwrite} is false
     */
    public static List<Path> write(TokenStore store, Path outDir, boolean overwrite) throws IOException {
        QfVocabulary vocab = QfVocabulary.standard();
        if (!vocab.words().equals(store.vocabulary())) {
            throw new IllegalArgumentException(store.dir() + ": not a Question-Formation store (its vocab.txt is not the 68-word"
                    + " Question-Formation vocabulary)");
        }
        Files.createDirectories(outDir);
        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : NAMES.entrySet()) {
            if (!store.hasSplit(e.getKey())) {
                continue;
            }
            Path target = outDir.resolve(e.getValue().get(0));
            if (Files.exists(target) && !overwrite) {
                throw new FileAlreadyExistsException(target.toString(), null, "exists; choose another directory or allow overwriting");
            }
            Path tmp = outDir.resolve(target.getFileName() + ".tmp");
            TokenSplit split = store.split(e.getKey());
            try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (int l = 0; l < split.lineCount(); l++) {
                    out.write(referenceLine(vocab.words(split.line(l)), e.getKey(), l));
                    out.write('\n');
                }
            } catch (IOException | RuntimeException failure) {
                Files.deleteIfExists(tmp);
                throw failure;
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written.add(target);
        }
        return written;
    }

    /** The reference line of a stored line (checked by parsing it back). */
    private static String referenceLine(List<String> words, String split, int line) {
        int task = Math.max(words.indexOf(QfTask.QUEST.token()), words.indexOf(QfTask.DECL.token()));
        if (task < 0) {
            throw new IllegalArgumentException("split '" + split + "' line " + line + " has no task token: " + String.join(" ", words));
        }
        String text = String.join(" ", words.subList(0, task + 1)) + "\t" + String.join(" ", words.subList(task + 1, words.size()));
        QfExample.fromReferenceLine(text);
        return text;
    }
}
