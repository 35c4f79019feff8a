package amem.datasets.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import amem.datasets.store.SplitWriter;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records and batches of the DJL datasets on a store whose token values say where they came from. */
class TokenDatasetsTest {

    @TempDir
    static Path dir;
    private static TokenStore store;

    /** Split "stream": token i = i mod 97. Split "lines": line l has 2 + l mod 5 tokens, token j = 10 l + j. */
    @BeforeAll
    static void build() throws IOException {
        try (TokenStoreWriter w = TokenStoreWriter.create(dir.resolve("store"), "test", 1000, false)) {
            SplitWriter stream = w.split("stream", false);
            for (int i = 0; i < 103; i++) {
                stream.write(i % 97);
            }
            SplitWriter lines = w.split("lines", true);
            for (int l = 0; l < 7; l++) {
                for (int j = 0; j < 2 + l % 5; j++) {
                    lines.write(10 * l + j);
                }
                lines.endLine();
            }
            store = w.commit();
        }
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void windowsAreConsecutiveSlicesWithTheirNextTokens() throws Exception {
        TokenWindowDataset windows = TokenWindowDataset.builder().setSplit(store.split("stream")).setContextLength(10)
                .setSampling(4, false).build();
        assertEquals(10, windows.size(), "starts 0, 10, ..., 90: the last window ends at token 100 of 103");
        assertEquals(31, TokenWindowDataset.builder().setSplit(store.split("stream")).setContextLength(10).optStride(3)
                .setSampling(1, false).build().size(), "(103 - 11) / 3 + 1 starts");
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = windows.get(m, 9);
            assertArrayEquals(new int[] {90, 91, 92, 93, 94, 95, 96, 0, 1, 2}, r.getData().singletonOrThrow().toIntArray(),
                    "token 97 is 97 mod 97 = 0");
            assertArrayEquals(new int[] {91, 92, 93, 94, 95, 96, 0, 1, 2, 3}, r.getLabels().singletonOrThrow().toIntArray());
            assertEquals(DataType.INT32, r.getData().head().getDataType());
            List<Integer> batchRows = new ArrayList<>();
            for (Batch batch : windows.getData(m)) {
                NDList data = batch.getData();
                NDList labels = batch.getLabels();
                assertEquals(new Shape(batch.getSize(), 10), data.head().getShape());
                int[] in = data.head().toIntArray();
                int[] out = labels.head().toIntArray();
                for (int i = 0; i < in.length; i++) {
                    assertEquals((in[i] + 1) % 97, out[i], "label = next token");
                }
                batchRows.add(batch.getSize());
                batch.close();
            }
            assertEquals(List.of(4, 4, 2), batchRows);
            assertThrows(IndexOutOfBoundsException.class, () -> windows.get(m, 10));
        }
        TokenWindowDataset limited = TokenWindowDataset.builder().setSplit(store.split("stream")).setContextLength(10)
                .setSampling(4, true).optLimit(5).build();
        assertEquals(5, limited.size());
        String message = assertThrows(IllegalArgumentException.class, () -> TokenWindowDataset.builder()
                .setSplit(store.split("stream")).setContextLength(103).setSampling(1, false).build()).getMessage();
        assertEquals("split 'stream' has 103 tokens, fewer than context + 1 = 104 needed for one window", message);
    }

    @Test
    void linesArePaddedPerBatchWithAZeroMask() throws Exception {
        TokenLineDataset lines = TokenLineDataset.builder().setSplit(store.split("lines")).setMaxLength(4)
                .setSampling(3, false).build();
        assertEquals(7, lines.size());
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = lines.get(m, 2); // 4 tokens: 20 21 22 23
            assertArrayEquals(new int[] {20, 21, 22}, r.getData().head().toIntArray());
            assertArrayEquals(new int[] {21, 22, 23}, r.getLabels().get(0).toIntArray());
            assertArrayEquals(new float[] {1, 1, 1}, r.getLabels().get(1).toFloatArray());
            Record cut = lines.get(m, 4); // 6 tokens, cut to maxLength + 1 = 5
            assertArrayEquals(new int[] {40, 41, 42, 43}, cut.getData().head().toIntArray());
            assertArrayEquals(new int[] {41, 42, 43, 44}, cut.getLabels().get(0).toIntArray());

            Batch first = lines.getData(m).iterator().next(); // lines 0, 1, 2: 1, 2 and 3 positions
            assertEquals(new Shape(3, 3), first.getData().head().getShape());
            assertArrayEquals(new int[] {0, 0, 0, 10, 11, 0, 20, 21, 22}, first.getData().head().toIntArray());
            assertArrayEquals(new int[] {1, 0, 0, 11, 12, 0, 21, 22, 23}, first.getLabels().get(0).toIntArray());
            assertArrayEquals(new float[] {1, 0, 0, 1, 1, 0, 1, 1, 1}, first.getLabels().get(1).toFloatArray());
            assertEquals(DataType.INT32, first.getLabels().get(0).getDataType());
            first.close();
        }
        String message = assertThrows(IllegalArgumentException.class, () -> TokenLineDataset.builder()
                .setSplit(store.split("stream")).setMaxLength(4).setSampling(1, false).build()).getMessage();
        assertTrue(message.startsWith("split 'stream' (") && message.endsWith(
                "has no line index; use TokenWindowDataset for a store without lines"), message);
    }
}
