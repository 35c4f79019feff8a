package amem.pipeline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import amem.datasets.npy.NpyDtype;
import amem.datasets.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale measurement of issue 5: exact nearest neighbours of 100,000 vectors of dimension 1024. Not part of
 * the default test run (it takes minutes and writes 400 MB); run it with
 * {@code mvn -B -o -pl pipeline -am test -Dtest=RadiusScaleTest -Damem.scale=true -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Damem.scale.vectors=N}, {@code -Damem.scale.n=N}, {@code -Damem.scale.chunk=N} change the size).
 */
@Tag("scale")
@EnabledIfSystemProperty(named = "amem.scale", matches = "true")
class RadiusScaleTest {

    @Test
    void hundredThousandVectorsOfDimension1024(@TempDir Path dir) throws IOException {
        int count = Integer.getInteger("amem.scale.vectors", 100_000);
        int n = Integer.getInteger("amem.scale.n", 1024);
        int chunk = Integer.getInteger("amem.scale.chunk", 4096);
        Path hookDir = Files.createDirectories(dir.resolve("acts").resolve("blocks.23.hook_resid_post"));
        SplittableRandom random = new SplittableRandom(5);
        int perShard = 25_000;
        float[] row = new float[n];
        for (int shard = 0, start = 0; start < count; shard++, start += perShard) {
            int rows = Math.min(perShard, count - start);
            try (NpyWriter writer = new NpyWriter(hookDir.resolve(String.format("shard-%05d.npy", shard)),
                    NpyDtype.FLOAT32, n)) {
                for (int r = 0; r < rows; r++) {
                    for (int d = 0; d < n; d++) {
                        row[d] = (float) (random.nextDouble() * 2 - 1);
                    }
                    NpyFiles.appendRow(writer, NpyDtype.FLOAT32, row);
                }
            }
        }
        ActivationSet set = ActivationSet.open(dir.resolve("acts"));
        RadiusAnalysis.Options options = new RadiusAnalysis.Options(RadiusStatistic.MEDIAN_NN_HALF, chunk, 2000,
                count, 60, 1);
        Runtime runtime = Runtime.getRuntime();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            long start = System.nanoTime();
            HookRadius result = RadiusAnalysis.analyseHook(set, set.hooks().get(0), options, manager, System.out::println);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(count, result.vectors());
            double work = (double) count * count * n; // multiply-adds of the full distance matrix; half are done
            int rows = EngineVectors.balancedRows(count, chunk);
            System.out.printf(Locale.ROOT, "SCALE %d vectors x n %d, chunk %d (%d chunks of %d rows): %.1f s in all; "
                    + "vectors^2*n/s = %.3g (%.1f GFLOP/s counting the half matrix computed: count^2*n flops); "
                    + "heap used %d MB%n",
                    count, n, chunk, (count + rows - 1) / rows, rows, seconds, work / seconds, work / seconds / 1e9,
                    (runtime.totalMemory() - runtime.freeMemory()) >> 20);
        }
    }
}
