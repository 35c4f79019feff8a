package amem.pipeline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class RadiusAnalysisTest {

    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static final RadiusAnalysis.Options OPTIONS = new RadiusAnalysis.Options(RadiusStatistic.MEDIAN_NN_HALF,
            40, 50, 10_000, 12, 3);

    @Test
    void writesOneRowPerHookWithTheLatticeSpacingAndTheHistogramsAcrossShards(@TempDir Path dir) throws IOException {
        float[][] lattice = SyntheticActivations.lattice(5, 2, 1.5f); // 25 points, spacing 1.5
        float[][] gaussian = SyntheticActivations.gaussian(90, 16, 2.0, 4);
        Path acts = SyntheticActivations.at(dir.resolve("run/activations"))
                .hook("blocks.1.hook_resid_post", gaussian)
                .hook("blocks.0.hook_resid_post", lattice)
                .shardRows(11)
                .write();
        ActivationSet set = ActivationSet.open(acts);
        assertEquals(List.of("blocks.0.hook_resid_post", "blocks.1.hook_resid_post"),
                set.hooks().stream().map(ActivationSet.Hook::name).toList(), "model order");
        assertEquals(3, set.hook("blocks.0.hook_resid_post").orElseThrow().shards().size());

        RadiusAnalysis.SetResult result = RadiusAnalysis.analyse(set, OPTIONS, manager, line -> { });
        Path analysis = dir.resolve("run/analysis");
        RadiusAnalysis.write(List.of(result), analysis);

        Table radius = Tables.read(analysis.resolve("radius.csv"), Set.of("activations", "hook", "position_keys", "radius_statistic"));
        assertEquals(2, radius.rowCount());
        assertEquals("blocks.0.hook_resid_post", radius.stringColumn("hook").get(0));
        assertEquals(1.5, radius.numberColumn("nn_min").getDouble(0), 0.0);
        assertEquals(1.5, radius.numberColumn("nn_max").getDouble(0), 0.0);
        assertEquals(0.75, radius.numberColumn("radius").getDouble(0), 0.0);
        assertEquals("median_nn_half", radius.stringColumn("radius_statistic").get(0));
        assertEquals(25, radius.numberColumn("vectors").getDouble(0), 0.0);
        assertEquals(25 * 24 / 2, radius.numberColumn("pairwise_pairs").getDouble(0), 0.0, "all pairs of 25 < 50 sample");
        assertEquals(0.75 / Math.sqrt(2), radius.numberColumn("radius_over_sqrt_n").getDouble(0), 1e-12);
        assertEquals(0.0, radius.numberColumn("layer").getDouble(0), 0.0);

        HookRadius gaussianHook = result.hooks().get(1);
        assertEquals(gaussianHook.nearest().median() / 2, radius.numberColumn("radius").getDouble(1), 1e-12);
        assertEquals(gaussianHook.separationIndex(), radius.numberColumn("separation_index").getDouble(1), 1e-12);
        assertEquals(50, radius.numberColumn("pairwise_sample").getDouble(1), 0.0);

        Table bins = Tables.read(analysis.resolve("nn_distances.csv"), Set.of("activations", "hook", "distribution"));
        assertEquals(2 * 2 * 12, bins.rowCount(), "2 hooks x (nn, pairwise) x 12 bins");
        double nnCount = 0;
        for (int row = 0; row < bins.rowCount(); row++) {
            if (bins.stringColumn("hook").get(row).equals("blocks.1.hook_resid_post")
                    && bins.stringColumn("distribution").get(row).equals("nn")) {
                nnCount += bins.numberColumn("count").getDouble(row);
            }
        }
        assertEquals(90, nnCount, 0.0, "every vector in one bin");
    }

    @Test
    void float16ShardsAndRepeatedTokenPositionsAreHandled(@TempDir Path dir) throws IOException {
        // rows 0 and 1 are the same token position recorded twice (identical vectors); they must not pair up
        float[][] points = {{0, 0}, {0, 0}, {3, 0}, {0, 4}};
        Path acts = SyntheticActivations.at(dir.resolve("acts")).hook("hook_embed", points).float16().write();
        NpyFiles.longs(acts.resolve("offsets.npy"), new long[] {7, 7, 8, 9});
        ActivationSet set = ActivationSet.open(acts);
        RowKeys keys = RowKeys.of(set, set.hooks().get(0));
        assertTrue(keys.source().contains("offsets.npy"), keys.source());
        assertEquals(1, keys.repeats());
        HookRadius r = RadiusAnalysis.analyseHook(set, set.hooks().get(0), OPTIONS, manager, line -> { });
        assertEquals(3.0, r.nearest().min(), 0.0, "rows 0 and 1 see (3, 0) first, not each other");
        assertEquals(0.0, r.zeroNearestShare(), 0.0);
        assertEquals(1, r.repeatedPositions());
    }

    @Test
    void mergingKeepsTheRowsOfOtherActivationSets(@TempDir Path dir) throws IOException {
        Path a = SyntheticActivations.at(dir.resolve("a")).hook("hook_embed", SyntheticActivations.lattice(4, 2, 1f)).write();
        Path b = SyntheticActivations.at(dir.resolve("b")).hook("hook_embed", SyntheticActivations.lattice(4, 2, 2f)).write();
        Path analysis = dir.resolve("analysis");
        RadiusAnalysis.write(List.of(RadiusAnalysis.analyse(ActivationSet.open(a), OPTIONS, manager, l -> { })), analysis);
        RadiusAnalysis.write(List.of(RadiusAnalysis.analyse(ActivationSet.open(b), OPTIONS, manager, l -> { })), analysis);
        RadiusAnalysis.write(List.of(RadiusAnalysis.analyse(ActivationSet.open(b), OPTIONS, manager, l -> { })), analysis);
        Table radius = Tables.read(analysis.resolve("radius.csv"), Set.of("activations", "hook", "position_keys", "radius_statistic"));
        assertEquals(2, radius.rowCount(), "one row per dataset, b replaced not duplicated");
        assertEquals(0.5, radius.numberColumn("radius").getDouble(0), 0.0);
        assertEquals(1.0, radius.numberColumn("radius").getDouble(1), 0.0);
    }

    @Test
    void badActivationDirectoriesAreRefusedNamingTheProblem(@TempDir Path dir) throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ActivationSet.open(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("no such directory"), missing.getMessage());

        Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ActivationSet.open(dir.resolve("empty")));
        assertTrue(empty.getMessage().contains("shard-00000.npy"), empty.getMessage());

        Path widths = SyntheticActivations.at(dir.resolve("widths")).hook("hook_embed", new float[][] {{1, 2}}).write();
        NpyFiles.floats(widths.resolve("hook_embed/shard-00001.npy"), new float[][] {{1, 2, 3}});
        AnalysisInputException width = assertThrows(AnalysisInputException.class, () -> ActivationSet.open(widths));
        assertTrue(width.getMessage().contains("shard-00001.npy") && width.getMessage().contains("dimension 3"), width.getMessage());

        Path gap = SyntheticActivations.at(dir.resolve("gap")).hook("hook_embed", new float[][] {{1, 2}}).write();
        NpyFiles.floats(gap.resolve("hook_embed/shard-00002.npy"), new float[][] {{1, 2}});
        AnalysisInputException numbering = assertThrows(AnalysisInputException.class, () -> ActivationSet.open(gap));
        assertTrue(numbering.getMessage().contains("missing"), numbering.getMessage());

        Path nan = SyntheticActivations.at(dir.resolve("nan")).hook("hook_embed", new float[][] {{1, 2}, {3, Float.NaN}}).write();
        ActivationSet set = ActivationSet.open(nan);
        AnalysisInputException notFinite = assertThrows(AnalysisInputException.class,
                () -> RadiusAnalysis.analyse(set, OPTIONS, manager, l -> { }));
        assertTrue(notFinite.getMessage().contains("shard-00000.npy row 1"), notFinite.getMessage());

        Path ids = SyntheticActivations.at(dir.resolve("ids")).hook("hook_embed", new float[][] {{1, 2}, {3, 4}}).write();
        NpyFiles.longs(ids.resolve("hook_embed/offsets.npy"), new long[] {1, 2, 3});
        ActivationSet idSet = ActivationSet.open(ids);
        AnalysisInputException count = assertThrows(AnalysisInputException.class, () -> RowKeys.of(idSet, idSet.hooks().get(0)));
        assertTrue(count.getMessage().contains("3 entries") && count.getMessage().contains("2 vectors"), count.getMessage());
    }

    @Test
    void randomSubsetsAreDistinctSortedAndReproducible() {
        long[] rows = RowSelection.choose(1_000_000, 1000, 9);
        assertEquals(1000, rows.length);
        for (int i = 1; i < rows.length; i++) {
            assertTrue(rows[i] > rows[i - 1]);
        }
        assertEquals(java.util.Arrays.toString(rows), java.util.Arrays.toString(RowSelection.choose(1_000_000, 1000, 9)));
        assertEquals(5, RowSelection.choose(5, 1000, 9).length);
    }

    @Test
    void summaryUsesLinearInterpolationLikeNumpy() {
        // numpy.percentile([1, 2, 3, 4, 10], [5, 50, 95]) = [1.2, 3.0, 8.8]
        Summary s = Summary.of(new double[] {4, 1, 10, 3, 2, Double.NaN});
        assertEquals(1.2, s.p5(), 1e-12);
        assertEquals(3.0, s.median(), 1e-12);
        assertEquals(8.8, s.p95(), 1e-12);
        assertEquals(4.0, s.mean(), 1e-12);
        assertEquals(5, s.count());
        assertEquals(1, s.nonFinite());
        assertEquals(RadiusStatistic.P5_NN_HALF, RadiusStatistic.parse("p5_nn_half"));
        assertEquals(0.6, RadiusStatistic.P5_NN_HALF.radius(s), 1e-12);
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> RadiusStatistic.parse("median"));
        assertTrue(bad.getMessage().contains("median_nn_half"), bad.getMessage());
    }
}
