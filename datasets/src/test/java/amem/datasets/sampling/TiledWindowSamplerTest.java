package amem.datasets.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TiledWindowSamplerTest {

    @Test
    void windowsTileTheSplitPredictingEveryTokenOnce(@TempDir Path dir) throws Exception {
        // tokens 0..22: 23 tokens, context 5 -> (23 - 1) / 5 = 4 windows, tokens 21 and 22 left out
        try (TokenStoreWriter writer = TokenStoreWriter.create(dir.resolve("s"), "word", 100, false)) {
            var split = writer.split("val", false);
            int[] ids = new int[23];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = i;
            }
            split.write(ids, 0, ids.length);
            writer.commit().close();
        }
        try (TokenStore store = TokenStore.open(dir.resolve("s"))) {
            TokenSplit val = store.split("val");
            TiledWindowSampler tiled = new TiledWindowSampler(val, 3, 5);
            assertEquals(4, tiled.windows());
            assertEquals(2, tiled.batches());
            assertEquals(20, tiled.scoredTokens());
            TokenBatch first = tiled.batch(0);
            assertEquals(3, first.batchSize());
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, first.inputs());
            assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, first.targets());
            TokenBatch last = tiled.batch(1);
            assertEquals(1, last.batchSize());
            assertArrayEquals(new int[] {16, 17, 18, 19, 20}, last.targets());
            assertThrows(IllegalArgumentException.class, () -> tiled.batch(2));
        }
    }
}
