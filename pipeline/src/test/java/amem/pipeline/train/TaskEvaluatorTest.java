package amem.pipeline.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.qf.QfOptions;
import amem.datasets.qf.QfStoreBuilder;
import amem.datasets.qf.QfTaskSet;
import amem.datasets.store.TokenStore;
import amem.models.ModelConfig;
import amem.pipeline.session.ModelSession;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batched, padded task evaluation gives the same answers as feeding every prefix on its own. */
class TaskEvaluatorTest {

    @Test
    void batchedAccuracyEqualsOnePrefixAtATime(@TempDir Path dir) throws Exception {
        Path storeDir = dir.resolve("qf");
        QfStoreBuilder.write(new QfOptions(200, 40, 10, 200, 5), storeDir, false, message -> {}).close();
        try (TokenStore store = TokenStore.open(storeDir);
                ModelSession model = ModelSession.create(ModelConfig.vanilla(68, 40, 1, 2, 16, 32, 0f), Device.cpu(), 3)) {
            QfTaskSet gen = QfTaskSet.load(store, "gen");
            int items = Math.min(gen.size(), 150); // more than two batches, the last one partial
            var result = new TaskEvaluator(model, List.of(gen), items).evaluate().get(0);

            int correct = 0;
            for (int i = 0; i < items; i++) {
                int[] prefix = gen.prefix(i);
                try (NDManager scope = model.manager().newSubManager()) {
                    long[] ids = new long[prefix.length];
                    for (int t = 0; t < prefix.length; t++) {
                        ids[t] = prefix[t];
                    }
                    NDArray logits = model.logits(scope.create(ids, new ai.djl.ndarray.types.Shape(1, ids.length)), false);
                    float[] last = logits.get(0, ids.length - 1).toFloatArray();
                    if (gen.predict(last) == gen.answer(i)) {
                        correct++;
                    }
                }
            }
            assertEquals("gen", result.split());
            assertEquals(items, result.tokens());
            assertEquals(correct / (double) items, result.accuracy(), 0.0);
        }
    }
}
