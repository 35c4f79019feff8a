package amem.datasets.text;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Expands the command line's inputs into the ordered list of files to read. Files are taken in the order given;
 * a directory contributes every file below it with a recognised suffix, in sorted order of the path relative to
 * it (so the corpus and its document numbering do not depend on the file system's listing order), skipping hidden
 * files and counting the others it skips. A file named explicitly must have a recognised suffix; a file given twice
 * (directly or through a directory) is an error, because it would silently weigh twice.
 */
public final class InputFiles {
    /** The files, in reading order, and what directories held that was not read. */
    public record Listing(List<InputFile> files, int skipped, Map<String, Integer> skippedBySuffix, List<Path> skippedFiles) {
        public long bytes() {
            return files.stream().mapToLong(InputFile::bytes).sum();
        }
    }

    private InputFiles() {}

    public static Listing expand(List<Path> inputs) throws IOException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input given: name files (" + InputFile.SUFFIXES + ") or directories");
        }
        List<InputFile> files = new ArrayList<>();
        Map<Path, Path> seen = new HashMap<>();
        Map<String, Integer> skipped = new HashMap<>();
        List<Path> skippedFiles = new ArrayList<>();
        int skippedCount = 0;
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(input)) {
                    found = walk.filter(p -> !p.equals(input) && Files.isRegularFile(p))
                            .sorted(Comparator.comparing(p -> input.relativize(p).toString()))
                            .toList();
                }
                for (Path p : found) {
                    if (isHidden(input.relativize(p))) {
                        continue;
                    }
                    InputFile file = InputFile.of(p);
                    if (file == null) {
                        skippedCount++;
                        skipped.merge(suffix(p), 1, Integer::sum);
                        skippedFiles.add(p);
                    } else {
                        add(files, seen, file, input);
                    }
                }
            } else if (Files.isRegularFile(input)) {
                InputFile file = InputFile.of(input);
                if (file == null) {
                    throw new IllegalArgumentException("input " + input + ": unsupported file type; expected " + InputFile.SUFFIXES);
                }
                add(files, seen, file, input);
            } else if (Files.exists(input)) {
                throw new IllegalArgumentException("input " + input + " is neither a regular file nor a directory");
            } else {
                throw new IllegalArgumentException("input " + input + " does not exist");
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("inputs " + inputs + " hold no " + InputFile.SUFFIXES + " files"
                    + (skippedCount > 0 ? " (skipped " + skippedCount + " other files: " + skipped + ")" : ""));
        }
        return new Listing(List.copyOf(files), skippedCount, Map.copyOf(skipped), List.copyOf(skippedFiles));
    }

    private static void add(List<InputFile> files, Map<Path, Path> seen, InputFile file, Path via) throws IOException {
        Path real = file.path().toRealPath();
        Path before = seen.put(real, via);
        if (before != null) {
            throw new IllegalArgumentException("input file " + file.path() + " is given twice (via " + before + " and " + via
                    + "); each file may be read once");
        }
        files.add(file);
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String suffix(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "(none)" : name.substring(dot);
    }
}
