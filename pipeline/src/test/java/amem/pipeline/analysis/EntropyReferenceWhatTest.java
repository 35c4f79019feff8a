package amem.pipeline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.qf.QfEntropy;
import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfReferenceFiles;
import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.store.TokenStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every entropy figure says what it is: a generated store's grammar figures, an imported store's fitted-grammar estimates. */
class EntropyReferenceWhatTest {

    @Test
    void generatedAndImportedStoresNameTheirFigures(@TempDir Path tmp) throws Exception {
        try (TokenStore generated = QfStoreBuilder.write(new QfOptions(400, 60, 60, 20, 2), tmp.resolve("gen"), false, s -> {})) {
            QfReferenceFiles.write(generated, tmp.resolve("ref"), false);
        }
        QfStoreBuilder.importReference(tmp.resolve("ref"), tmp.resolve("imp"), false, s -> {}).close();

        EntropyReference gen = EntropyReference.lookup(tmp.resolve("gen/meta.json")).orElseThrow();
        EntropyReference imp = EntropyReference.lookup(tmp.resolve("imp/meta.json")).orElseThrow();
        Map.Entry<String, Double> genVal = gen.forSplit("val");
        Map.Entry<String, Double> impVal = imp.forSplit("val");
        assertEquals("source.entropy.val.nats_per_predicted_token", impVal.getKey());
        assertEquals(QfStoreBuilder.IMPORTED_SPLIT_WHAT, imp.what(impVal.getKey()));
        assertTrue(imp.what(impVal.getKey()).contains("not a floor"));
        assertEquals(QfStoreBuilder.GENERATED_SPLIT_WHAT, gen.what(genVal.getKey()));
        assertEquals(QfEntropy.CLOSED_FORM_WHAT, imp.what("source.entropy.closed_form.nats_per_predicted_token"));
        // the same lines, scored by the generating grammar and by the grammar fitted to them
        assertNotEquals(genVal.getValue(), impVal.getValue());
        assertEquals(genVal.getValue(), impVal.getValue(), 0.05);
        assertEquals("fitted to question.train", imp.notes().get("source.entropy.grammar_weights"));
    }
}
