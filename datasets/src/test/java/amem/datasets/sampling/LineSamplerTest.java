package amem.datasets.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.sampling.LineSampler.Order;
import amem.datasets.store.TokenSplit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineSamplerTest {
    @TempDir
    Path tmp;

    private TokenSplit lines(int count) throws IOException {
        return SamplerFixtures.store(tmp, 10, count).split("lines");
    }

    @Test
    void rowsAreShiftedLinesPaddedWithMaskZero() throws IOException {
        TokenSplit split = lines(30);
        LineSampler sampler = new LineSampler(split, 4, 64, 1, Order.SHUFFLED);
        for (long k = 0; k < 40; k++) {
            TokenBatch batch = sampler.batch(k);
            int[] rows = sampler.lines(k);
            int longest = 0;
            long counted = 0;
            for (int line : rows) {
                longest = Math.max(longest, SamplerFixtures.lineLength(line) - 1);
            }
            assertEquals(longest, batch.seqLen());
            for (int r = 0; r < rows.length; r++) {
                int n = SamplerFixtures.lineLength(rows[r]) - 1;
                for (int t = 0; t < batch.seqLen(); t++) {
                    int i = r * batch.seqLen() + t;
                    if (t < n) {
                        assertEquals(SamplerFixtures.lineToken(rows[r], t), batch.inputs()[i]);
                        assertEquals(SamplerFixtures.lineToken(rows[r], t + 1), batch.targets()[i]);
                        assertEquals(1f, batch.lossMask()[i]);
                        counted++;
                    } else {
                        assertEquals(0, batch.inputs()[i]);
                        assertEquals(0, batch.targets()[i]);
                        assertEquals(0f, batch.lossMask()[i]);
                    }
                }
            }
            assertEquals(counted, batch.lossTokens());
        }
    }

    @Test
    void longLinesAreTruncatedToMaxLenPlusOne() throws IOException {
        TokenSplit split = lines(9); // lengths 2..10
        LineSampler sampler = new LineSampler(split, 9, 4, 1, Order.SEQUENTIAL);
        TokenBatch batch = sampler.batch(0);
        assertEquals(4, batch.seqLen());
        assertEquals(1 + 2 + 3 + 4 * 6, batch.lossTokens());
        assertEquals(4, sampler.maxSeqLen());
        // line 8 (10 tokens) keeps tokens 0..4: inputs 0..3, targets 1..4
        assertArrayEquals(new int[] {80, 81, 82, 83}, Arrays.copyOfRange(batch.inputs(), 32, 36));
        assertArrayEquals(new int[] {81, 82, 83, 84}, Arrays.copyOfRange(batch.targets(), 32, 36));
    }

    @Test
    void shuffledBatchesAreAFunctionOfTheIndexInAnyOrderAndThread() throws Exception {
        TokenSplit split = lines(103);
        LineSampler sampler = new LineSampler(split, 8, 16, 9, Order.SHUFFLED);
        List<TokenBatch> inOrder = new ArrayList<>();
        for (long k = 0; k < 60; k++) {
            inOrder.add(sampler.batch(k));
        }
        LineSampler fresh = new LineSampler(split, 8, 16, 9, Order.SHUFFLED);
        for (long k = 59; k >= 0; k -= 7) {
            assertEquals(inOrder.get((int) k), fresh.batch(k), "batch " + k + " asked out of order");
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Boolean>> same = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int offset = t;
                same.add(pool.submit(() -> {
                    for (int k = 0; k < 60; k++) {
                        int kk = (k * 7 + offset * 13) % 60; // different threads walk different epochs
                        if (!inOrder.get(kk).equals(fresh.batch(kk))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : same) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertNotEquals(sampler.batch(3), new LineSampler(split, 8, 16, 10, Order.SHUFFLED).batch(3));
    }

    @Test
    void everyShuffledEpochVisitsEveryLineOnce() throws IOException {
        int lineCount = 103;
        int batch = 8; // 103 is not a multiple of 8: batches straddle epochs
        LineSampler sampler = new LineSampler(lines(lineCount), batch, 16, 2, Order.SHUFFLED);
        List<Integer> positions = new ArrayList<>();
        for (long k = 0; k < 3L * lineCount / batch + 1; k++) {
            for (int line : sampler.lines(k)) {
                positions.add(line);
            }
        }
        List<List<Integer>> epochs = new ArrayList<>();
        for (int e = 0; e < 3; e++) {
            List<Integer> epoch = new ArrayList<>(positions.subList(e * lineCount, (e + 1) * lineCount));
            epochs.add(List.copyOf(epoch));
            epoch.sort(null);
            for (int l = 0; l < lineCount; l++) {
                assertEquals(l, epoch.get(l), "epoch " + e);
            }
        }
        assertNotEquals(epochs.get(0), epochs.get(1), "each epoch has its own permutation");
    }

    /**
     * Bucketed batches: a pool of 64 batches holds exactly the lines of the shuffled order's same 64 batches, so
     * every epoch still visits every line once; each batch's lines have nearly one length (padding falls from
     * about a third of the positions to a few per cent here, lengths 2..10), and batch k does not depend on which
     * batches were asked for before.
     */
    @Test
    void bucketedPoolsRegroupTheShuffledLinesByLengthAsAPureFunctionOfTheIndex() throws IOException {
        TokenSplit split = lines(1000);
        int batch = 4;
        LineSampler shuffled = new LineSampler(split, batch, 16, 9, Order.SHUFFLED);
        LineSampler bucketed = new LineSampler(split, batch, 16, 9, Order.BUCKETED);
        long padShuffled = 0;
        long padBucketed = 0;
        for (int pool = 0; pool < 3; pool++) { // 3 pools of 256 positions: the third straddles two epochs
            List<Integer> a = new ArrayList<>();
            List<Integer> b = new ArrayList<>();
            for (long k = pool * 64L; k < (pool + 1) * 64L; k++) {
                Arrays.stream(shuffled.lines(k)).forEach(a::add);
                Arrays.stream(bucketed.lines(k)).forEach(b::add);
                padShuffled += padding(shuffled.batch(k));
                padBucketed += padding(bucketed.batch(k));
            }
            a.sort(null);
            b.sort(null);
            assertEquals(a, b, "pool " + pool);
        }
        assertTrue(padShuffled > 10 * padBucketed, "padding " + padShuffled + " -> " + padBucketed);
        assertTrue(padBucketed < 0.05 * 3 * 64 * batch * 9, "padding " + padBucketed);
        LineSampler fresh = new LineSampler(split, batch, 16, 9, Order.BUCKETED);
        assertArrayEquals(bucketed.lines(5), fresh.lines(5));
        assertArrayEquals(bucketed.lines(130), fresh.lines(130));
        assertArrayEquals(bucketed.lines(7), new LineSampler(split, batch, 16, 9, Order.BUCKETED).lines(7));
        assertNotEquals(Arrays.toString(bucketed.lines(0)), Arrays.toString(new LineSampler(split, batch, 16, 10,
                Order.BUCKETED).lines(0)), "another seed, another order");
    }

    private static long padding(TokenBatch batch) {
        return (long) batch.batchSize() * batch.seqLen() - batch.lossTokens();
    }

    @Test
    void sequentialWalksLinesOnceWithASmallerLastBatch() throws IOException {
        LineSampler sampler = new LineSampler(lines(10), 4, 16, 0, Order.SEQUENTIAL);
        assertEquals(3, sampler.batchesPerEpoch());
        assertArrayEquals(new int[] {0, 1, 2, 3}, sampler.lines(0));
        assertArrayEquals(new int[] {8, 9}, sampler.lines(2));
        TokenBatch last = sampler.batch(2);
        assertEquals(2, last.batchSize());
        assertEquals(SamplerFixtures.lineLength(8) - 1, last.seqLen(), "line 8 (10 tokens) is the longer");
        assertEquals(SamplerFixtures.lineLength(8) - 1 + SamplerFixtures.lineLength(9) - 1, last.lossTokens());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> sampler.batch(3));
        assertTrue(e.getMessage().contains("split 'lines'"), e.getMessage());
    }

    @Test
    void splitWithoutLinesIsRejected() throws IOException {
        TokenSplit stream = SamplerFixtures.store(tmp, 10, 1).split("stream");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LineSampler(stream, 2, 8, 0, Order.SHUFFLED));
        assertTrue(e.getMessage().startsWith("split 'stream'") && e.getMessage().contains("no line index"), e.getMessage());
    }
}
