package amem.datasets.qf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QfReferenceFilesTest {
    @TempDir
    Path tmp;

    @Test
    void exportThenImportGivesTheSameStore() throws IOException {
        TokenStore generated = QfStoreBuilder.write(new QfOptions(500, 50, 60, 70, 9), tmp.resolve("qf"), false, s -> {});
        List<Path> files = QfReferenceFiles.write(generated, tmp.resolve("ref"), false);
        assertEquals(List.of("question.train", "question.dev", "question.test", "question.gen"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        String first = Files.readAllLines(tmp.resolve("ref/question.gen")).get(0);
        assertTrue(first.matches("[a-z_' ]+ \\. quest\t(do|does|don't|doesn't) [a-z_' ]+ \\?"), first);

        TokenStore imported = QfStoreBuilder.importReference(tmp.resolve("ref"), tmp.resolve("qf2"), false, s -> {});
        for (String split : List.of("train", "val", "test", "gen")) {
            assertEquals(generated.meta().splits().get(split), imported.meta().splits().get(split), split);
            for (int l = 0; l < generated.split(split).lineCount(); l += 7) {
                assertArrayEquals(generated.split(split).line(l), imported.split(split).line(l));
            }
        }
        // the imported store's figure is the cross-entropy of a grammar fitted to its train lines, not the generating one's
        java.util.Map<?, ?> generatedTrain = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) generated.meta().source().get("entropy")).get("train");
        java.util.Map<?, ?> importedTrain = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) imported.meta().source().get("entropy")).get("train");
        assertEquals(QfStoreBuilder.IMPORTED_SPLIT_WHAT, importedTrain.get("what"));
        assertEquals(QfStoreBuilder.GENERATED_SPLIT_WHAT, generatedTrain.get("what"));
        assertEquals(generatedTrain.get("tokens"), importedTrain.get("tokens"));
        double fitted = (Double) importedTrain.get("nats_per_predicted_token");
        double generating = (Double) generatedTrain.get("nats_per_predicted_token");
        assertTrue(fitted != generating && Math.abs(fitted - generating) < 0.01, fitted + " vs " + generating);
        assertEquals("fitted to question.train",
                ((java.util.Map<?, ?>) imported.meta().source().get("grammar_weights")).get("name"));
        assertEquals("reference files (McCoy et al. 2020 format)", imported.meta().source().get("origin"));
        assertThrows(FileAlreadyExistsException.class, () -> QfReferenceFiles.write(generated, tmp.resolve("ref"), false));
        QfReferenceFiles.write(generated, tmp.resolve("ref"), true);
    }

    @Test
    void malformedLinesAreNamedByFileAndLine() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("ref"));
        Files.writeString(dir.resolve("train.txt"), "the newt does giggle . decl\tthe newt does giggle .\n"
                + "the newt does giggle . quest\tdoes the newt giggle ?\n"
                + "the newts does giggle . decl\tthe newts does giggle .\n");
        Files.writeString(dir.resolve("dev.txt"), "the newt does giggle . decl\tthe newt does giggle .\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QfStoreBuilder.importReference(dir, tmp.resolve("s"), false, s -> {}));
        assertTrue(e.getMessage().startsWith(dir.resolve("train.txt") + ":3: not a Question-Formation declarative: expected Aux_P"),
                e.getMessage());
        Files.writeString(dir.resolve("train.txt"), "the newt does giggle . quest\tthe newt does giggle ?\n");
        e = assertThrows(IllegalArgumentException.class, () -> QfStoreBuilder.importReference(dir, tmp.resolve("s"), false, s -> {}));
        assertTrue(e.getMessage().startsWith(dir.resolve("train.txt") + ":1: target"), e.getMessage());
        Files.writeString(dir.resolve("train.txt"), "the newt does giggle . decl the newt does giggle .\n");
        e = assertThrows(IllegalArgumentException.class, () -> QfStoreBuilder.importReference(dir, tmp.resolve("s"), false, s -> {}));
        assertTrue(e.getMessage().startsWith(dir.resolve("train.txt") + ":1: expected 'source . quest|decl<TAB>target'"), e.getMessage());

        Files.writeString(dir.resolve("train.txt"), "the newt does giggle . decl\tthe newt does giggle .\n");
        Files.writeString(dir.resolve("question.dev"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> QfStoreBuilder.importReference(dir, tmp.resolve("s"), false, s -> {}));
        assertTrue(e.getMessage().contains("both question.dev and dev.txt"), e.getMessage());
        Files.delete(dir.resolve("question.dev"));
        Files.delete(dir.resolve("dev.txt"));
        e = assertThrows(IllegalArgumentException.class, () -> QfStoreBuilder.importReference(dir, tmp.resolve("s"), false, s -> {}));
        assertTrue(e.getMessage().endsWith("no question.dev or dev.txt (the dev split is required)"), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("s")));
    }
}
