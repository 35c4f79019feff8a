package amem.pipeline.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static EngineVectors vectors(float[][] rows, int chunk) {
        double[][] doubles = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            doubles[i] = new double[rows[i].length];
            for (int d = 0; d < rows[i].length; d++) {
                doubles[i][d] = rows[i][d];
            }
        }
        return EngineVectors.of(doubles, chunk, manager, DataType.FLOAT32);
    }

    /** Embeds the points in a larger space with zeros, then shifts all of them by one offset vector. */
    private static float[][] embed(float[][] points, int n, float offset) {
        float[][] out = new float[points.length][n];
        for (int i = 0; i < points.length; i++) {
            Arrays.fill(out[i], offset);
            for (int d = 0; d < points[i].length; d++) {
                out[i][d] += points[i][d];
            }
        }
        return out;
    }

    @Test
    void latticePointsAreExactlyOneSpacingFromTheirNearestNeighbour() {
        // 6 x 6 x 6 lattice, spacing 0.75, in n = 16 and shifted: 216 points, uneven chunks of 50
        float[][] points = embed(SyntheticActivations.lattice(6, 3, 0.75f), 16, 2f);
        try (EngineVectors v = vectors(points, 50)) {
            NearestNeighbours.Result result = NearestNeighbours.search(v, RowKeys.identity(points.length).keys(), null);
            for (int i = 0; i < points.length; i++) {
                assertEquals(0.75, result.distance()[i], 0.0, "point " + i);
                assertEquals(0.75, distance(points[i], points[result.neighbour()[i]]), 1e-12);
            }
            HookRadius radius = HookRadius.of("blocks.0.hook_resid_post", 16, points.length,
                    RowKeys.identity(points.length), v.norms(), result.distance(), new double[] {1, 2},
                    2, RadiusStatistic.MEDIAN_NN_HALF, 10, 0);
            assertEquals(0.375, radius.radius(), 0.0);
            assertEquals(0.0, radius.separationIndex(), 0.0, "no NN distance exceeds 2 r = the spacing");
            assertEquals(0.375 / 4, radius.radiusOverSqrtWidth(), 1e-15);
            assertEquals(0.375 * 0.375 / 8, radius.radiusSquaredOverHalfWidth(), 1e-15);
            // every NN distance is 0.75: balls of radius x sqrt(8) are separated iff 0.75 > 2 x sqrt(8), i.e. x < 0.1326
            assertArrayEquals(new double[] {1, 1, 1, 1, 0, 0, 0}, radius.separationCurve(), 0.0);
            assertEquals(0.0, radius.separationAtGaussianRadius(), 0.0);
        }
    }

    @Test
    void gaussianCloudsHaveNormsNearSqrtNTimesSigma() {
        int n = 256;
        double sigma = 0.5;
        float[][] points = SyntheticActivations.gaussian(1500, n, sigma, 3);
        try (EngineVectors v = vectors(points, 512)) {
            Summary norms = Summary.of(v.norms());
            assertEquals(Math.sqrt(n) * sigma, norms.median(), 0.01 * Math.sqrt(n) * sigma);
            assertEquals(Math.sqrt(n) * sigma, norms.mean(), 0.01 * Math.sqrt(n) * sigma);
            long[] keys = RowKeys.identity(points.length).keys();
            PairwiseDistances.Result pairs = PairwiseDistances.sample(v, keys, 400, 1, 128);
            assertEquals(400, pairs.sampleSize());
            assertEquals(400 * 399 / 2, pairs.distances().length);
            // two independent draws differ by N(0, 2 sigma² I): distance near sqrt(2n) sigma
            assertEquals(Math.sqrt(2 * n) * sigma, Summary.of(pairs.distances()).median(), 0.01 * Math.sqrt(2 * n) * sigma);
            // in high dimension nearest neighbours are not much closer than typical pairs
            NearestNeighbours.Result nearest = NearestNeighbours.search(v, keys, null);
            double medianNearest = Summary.of(nearest.distance()).median();
            assertTrue(medianNearest > 0.8 * Math.sqrt(2 * n) * sigma && medianNearest < Math.sqrt(2 * n) * sigma,
                    "median NN " + medianNearest);
        }
    }

    @Test
    void chunkedSearchEqualsANaiveDoubleLoop() {
        float[][] points = SyntheticActivations.gaussian(300, 20, 1.0, 7);
        // rows 10 and 11 record the same token position; 20 and 21 are identical vectors at different positions
        points[11] = points[10].clone();
        points[11][0] += 0.01f;
        points[21] = points[20].clone();
        // rows 5 and 250 too, in different chunks (except with one chunk), and each is the other's closest row
        points[250] = points[5].clone();
        points[250][1] += 0.01f;
        long[] keys = RowKeys.identity(points.length).keys();
        keys[11] = keys[10];
        keys[250] = keys[5];
        Naive expected = Naive.of(points, keys);
        // 37 and 128: ragged chunks (37 become 9 chunks of 34 and a last of 28); 300 and 1000: a single chunk
        for (int chunk : new int[] {37, 128, 300, 1000}) {
            for (boolean onHost : new boolean[] {true, false}) {
                String where = "chunk " + chunk + (onHost ? ", host scan" : ", engine arg-mins");
                try (EngineVectors v = vectors(points, chunk)) {
                    NearestNeighbours.Result result = NearestNeighbours.search(v, keys, null, onHost);
                    assertArrayEquals(expected.neighbour, result.neighbour(), where);
                    for (int i = 0; i < points.length; i++) {
                        assertEquals(expected.distance[i], result.distance()[i], 1e-6 * expected.distance[i] + 1e-7,
                                where + " row " + i);
                    }
                    assertEquals(0.0, result.distance()[20], 0.0, "identical vector at another position");
                    assertTrue(result.distance()[10] > 0.1, "same position excluded: " + result.distance()[10]);
                    assertTrue(result.distance()[5] > 0.1, "same position excluded: " + result.distance()[5]);
                }
            }
        }
    }

    @Test
    void theCpuSearchReadsBlocksOnTheHostAndTakesEqualChunks() {
        try (EngineVectors v = vectors(new float[][] {{0}, {1}, {3}}, 2)) {
            assertTrue(NearestNeighbours.scansOnHost(v), "float32 on the CPU");
            assertEquals(2, v.chunkRows());
        }
        assertEquals(4000, EngineVectors.balancedRows(100_000, 4096), "25 chunks of 4,000, not 24 of 4,096 and 1,696");
        assertEquals(34, EngineVectors.balancedRows(300, 37), "9 chunks: 8 of 34 and 28");
        assertEquals(300, EngineVectors.balancedRows(300, 300));
        assertEquals(3, EngineVectors.balancedRows(5, 4), "3 and 2, not 4 and 1");
        assertEquals(1, EngineVectors.balancedRows(7, 1));
    }

    @Test
    void tiesGoToTheLowestIndexInEveryChunkingOnBothPaths() {
        // integer points of a 4 x 4 x 4 grid in a scrambled order: every distance is exact in float32, so the
        // expanded form ranks exactly and each row has 3 to 6 neighbours at distance 1; two rows share a key
        float[][] grid = SyntheticActivations.lattice(4, 3, 1f);
        float[][] points = new float[grid.length][];
        for (int i = 0; i < grid.length; i++) {
            points[i] = grid[(i * 37) % grid.length]; // 37 is prime to 64: a permutation
        }
        long[] keys = RowKeys.identity(points.length).keys();
        keys[40] = keys[3];
        Naive expected = Naive.of(points, keys);
        for (int chunk : new int[] {1, 5, 16, 33, 64}) {
            for (boolean onHost : new boolean[] {true, false}) {
                try (EngineVectors v = vectors(points, chunk)) {
                    NearestNeighbours.Result result = NearestNeighbours.search(v, keys, null, onHost);
                    String where = "chunk " + chunk + (onHost ? ", host scan" : ", engine arg-mins");
                    assertArrayEquals(expected.neighbour, result.neighbour(), where);
                    assertArrayEquals(expected.distance, result.distance(), 0.0, where);
                }
            }
        }
    }

    @Test
    void rowsWithNonFiniteValuesHaveNoNeighbourAndAreNoneOnTheHost() {
        float[][] points = {{0, 0}, {Float.NaN, 1}, {0, 2}, {5, 5}, {Float.POSITIVE_INFINITY, 0}};
        try (EngineVectors v = vectors(points, 2)) {
            NearestNeighbours.Result result = NearestNeighbours.search(v, RowKeys.identity(points.length).keys(), null,
                    true);
            assertArrayEquals(new int[] {2, -1, 0, 2, -1}, result.neighbour());
            assertEquals(2.0, result.distance()[0], 0.0);
            assertEquals(Math.sqrt(34), result.distance()[3], 1e-12);
            assertTrue(Double.isNaN(result.distance()[1]) && Double.isNaN(result.distance()[4]));
        }
    }

    /** The reference: every pair in double precision, the lowest index among equally close rows. */
    private record Naive(double[] distance, int[] neighbour) {
        static Naive of(float[][] points, long[] keys) {
            double[] distance = new double[points.length];
            int[] neighbour = new int[points.length];
            for (int i = 0; i < points.length; i++) {
                distance[i] = Double.POSITIVE_INFINITY;
                neighbour[i] = -1;
                for (int j = 0; j < points.length; j++) {
                    if (j != i && keys[j] != keys[i] && NearestNeighboursTest.distance(points[i], points[j]) < distance[i]) {
                        distance[i] = NearestNeighboursTest.distance(points[i], points[j]);
                        neighbour[i] = j;
                    }
                }
            }
            return new Naive(distance, neighbour);
        }
    }

    @Test
    void aVectorWhoseOnlyCompanionsShareItsPositionHasNoNeighbour() {
        float[][] points = {{0, 0}, {0, 1}, {5, 5}};
        long[] keys = {1, 1, 2};
        try (EngineVectors v = vectors(points, 2)) {
            NearestNeighbours.Result result = NearestNeighbours.search(v, keys, null);
            assertEquals(Math.sqrt(50), result.distance()[0], 1e-6);
            assertEquals(Math.sqrt(41), result.distance()[1], 1e-6);
            assertEquals(Math.sqrt(41), result.distance()[2], 1e-6);
        }
        try (EngineVectors v = vectors(new float[][] {{0, 0}, {1, 1}}, 1)) {
            NearestNeighbours.Result result = NearestNeighbours.search(v, new long[] {3, 3}, null);
            assertTrue(Double.isNaN(result.distance()[0]) && result.neighbour()[0] == -1);
        }
    }

    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int d = 0; d < a.length; d++) {
            double diff = (double) a[d] - b[d];
            sum += diff * diff;
        }
        return Math.sqrt(sum);
    }
}
