package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's own documents hold what the code and the README promise: every citation of docs/THEORY.md
 * names a section the file has, the README stays short and names the test command CI runs, and LICENSE is there.
 */
class RepositoryDocsTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern CITATION = Pattern.compile("THEORY\\.md (?:§|\\\\u00a7|section )(\\d)([A-D])?");

    @Test
    void everyTheoryCitationNamesASectionOfDocsTheoryMd() throws IOException {
        String theory = Files.readString(ROOT.resolve("docs/THEORY.md"), StandardCharsets.UTF_8);
        List<String> broken = new ArrayList<>();
        int citations = 0;
        for (String module : new String[] {"datasets", "models", "pipeline"}) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src"))) {
                for (Path file : files.filter(f -> (f.toString().endsWith(".java") || f.toString().endsWith(".json"))
                        && !f.endsWith("RepositoryDocsTest.java")).toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    assertTrue(!Pattern.compile("(?<![/\\w.])THEORY\\.md").matcher(text).find(),
                            file + " cites docs/THEORY.md by a path that is not docs/THEORY.md");
                    Matcher m = CITATION.matcher(text);
                    while (m.find()) {
                        citations++;
                        boolean section = theory.contains("\n## §" + m.group(1) + " ");
                        boolean part = m.group(2) == null || theory.contains("**" + m.group(2) + ". ");
                        if (!section || !part) {
                            broken.add(file + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertTrue(citations > 50, "citations found: " + citations);
        assertTrue(broken.isEmpty(), "citations of sections docs/THEORY.md lacks: " + broken);
    }

    @Test
    void readmeIsShortNamesTheCiTestCommandAndLinksExist() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.getBytes(StandardCharsets.UTF_8).length < 16_000, "README.md over 16 KB");
        String ci = Files.readString(ROOT.resolve(".ci/run"), StandardCharsets.UTF_8);
        assertTrue(ci.contains("mvn -B verify") && readme.contains("mvn -B verify"), "README and .ci/run disagree");
        assertTrue(readme.contains("./amem quickstart"));
        Matcher link = Pattern.compile("\\]\\(((?:docs/|LICENSE|CONTRIBUTING)[^)#]*)").matcher(readme);
        while (link.find()) {
            assertTrue(Files.exists(ROOT.resolve(link.group(1))), "README links to a missing file: " + link.group(1));
        }
        Matcher path = Pattern.compile("`((?:pipeline|models|datasets)/src/main/java/[\\w/]+\\.java)`").matcher(readme);
        while (path.find()) {
            assertTrue(Files.exists(ROOT.resolve(path.group(1))), "README's code map names a missing file: " + path.group(1));
        }
        assertTrue(Files.readString(ROOT.resolve("LICENSE")).contains("Apache License"));
    }
}
