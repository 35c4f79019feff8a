package amem.pipeline.analysis.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.AnalysisInputException;
import amem.pipeline.analysis.Tables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class ScalingAnalysisTest {

    private static final String HEADER =
            "cell,model,data,status,run,n_total,n_non_embedding,d_tokens,best_val_loss,final_train_loss,note\n";
    private static final long EMBEDDING = 5000;

    private static final ScalingAnalysis.Options QUICK = new ScalingAnalysis.Options(
            OptimalSizeFit.Options.defaults(),
            ChinchillaFit.Options.defaults().withGrid(ChinchillaFit.Grid.coarse()).withResamples(20));

    /**
     * Model sizes {@code N_i = 1e4 · 4^i} (i < models) and data sizes {@code D_j = 1e6 · 2^j} (j < datas), loss
     * {@code 1 + 0.05 (i − j)²}: the optimum of D_j is N_j, so N* ∝ D² exactly in total parameters. Non-embedding
     * counts are the totals less 5000 embedding parameters.
     */
    private static String grid(int models, int datas) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < models; i++) {
            for (int j = 0; j < datas; j++) {
                long n = 10_000L << (2 * i);
                long d = 1_000_000L << j;
                csv.append(String.format(Locale.ROOT, "m%d-d%d,m%d,d%d,done,runs/m%d-d%d,%d,%d,%d,%.6f,%.6f,%n", i, j,
                        i, j, i, j, n, n - EMBEDDING, d, 1 + 0.05 * (i - j) * (i - j), 0.9));
            }
        }
        return csv.toString();
    }

    @Test
    void roundTripSkipsUnfinishedRowsAndWritesBothTables(@TempDir Path dir) throws IOException {
        String csv = grid(5, 4)
                // as amem sweep writes them: a refused cell with a note, a resumable one, a finished one whose
                // validation loss is missing
                + "m9-d0,m9,d0,failed,runs/m9-d0,100000000,99995000,1000000,,,\"too large for the device, 81 GiB\"\n"
                + "m9-d1,m9,d1,partial,runs/m9-d1,100000000,99995000,2000000,1.5,,\n"
                + "m9-d2,m9,d2,done,runs/m9-d2,100000000,99995000,4000000,NaN,0.8,\n";
        Files.writeString(dir.resolve("sweep.csv"), csv);
        ScalingAnalysis.Result result = ScalingAnalysis.analyse(dir, QUICK);
        ScalingAnalysis.write(result, dir.resolve("analysis"));

        ScalingAnalysis.SweepCells input = result.input();
        assertEquals(23, input.rows());
        assertEquals(20, input.cells().size());
        assertEquals(2, input.notDone(), "failed and partial");
        assertEquals(1, input.noLoss(), "done but NaN");
        assertEquals(0, input.noSize());

        Table optimal = Tables.read(dir.resolve("analysis/optimal_size.csv"), Set.of("count", "cell", "at_grid_edge"));
        assertEquals(8, optimal.rowCount(), "4 data sizes × 2 counts");
        assertEquals(List.of("count", "d_tokens", "n_star", "loss", "cell", "at_grid_edge", "sizes_tried"),
                optimal.columnNames());
        for (int r = 0; r < optimal.rowCount(); r++) {
            int j = r % 4;
            boolean total = optimal.stringColumn("count").get(r).equals("total");
            assertEquals(r < 4 ? "total" : "non_embedding", optimal.stringColumn("count").get(r));
            assertEquals(1_000_000L << j, (long) optimal.numberColumn("d_tokens").getDouble(r));
            long n = 10_000L << (2 * j);
            assertEquals(total ? n : n - EMBEDDING, (long) optimal.numberColumn("n_star").getDouble(r));
            assertEquals("m" + j + "-d" + j, optimal.stringColumn("cell").get(r));
            assertEquals(1.0, optimal.numberColumn("loss").getDouble(r), 1e-12);
            assertEquals(j == 0 ? "true" : "false", optimal.stringColumn("at_grid_edge").get(r),
                    "only D_0's optimum is the smallest model");
            assertEquals(5, optimal.numberColumn("sizes_tried").getDouble(r), 0.0);
        }

        Table fits = Tables.read(dir.resolve("analysis/scaling_fits.csv"), Set.of("fit", "count", "parameter"));
        assertEquals(List.of("fit", "count", "parameter", "estimate", "low", "high", "points"), fits.columnNames());
        assertEquals(2 * 4 + 2 * 6, fits.rowCount());
        assertEquals(2.0, value(fits, "optimal_size", "total", "slope", "estimate"), 1e-12);
        assertEquals(2.0, value(fits, "optimal_size", "total", "slope", "low"), 1e-9, "exact points: every resample");
        assertEquals(Math.log(1e4) - 2 * Math.log(1e6), value(fits, "optimal_size", "total", "intercept", "estimate"),
                1e-9);
        assertEquals(1.0, value(fits, "optimal_size", "total", "r2", "estimate"), 1e-12);
        assertTrue(Double.isNaN(value(fits, "optimal_size", "total", "r2", "low")), "R² has no interval");
        assertEquals(4, value(fits, "optimal_size", "total", "slope", "points"), 0.0);
        double[] x = new double[4];
        double[] y = new double[4];
        for (int j = 0; j < 4; j++) {
            x[j] = Math.log(1_000_000L << j);
            y[j] = Math.log((10_000L << (2 * j)) - EMBEDDING);
        }
        double nonEmbeddingSlope = LineFit.of(x, y).slope();
        assertTrue(nonEmbeddingSlope > 2.1, "non-embedding counts give a steeper slope: " + nonEmbeddingSlope);
        assertEquals(nonEmbeddingSlope, value(fits, "optimal_size", "non_embedding", "slope", "estimate"), 1e-12);

        ChinchillaFit.Result chinchilla = result.chinchilla().get(CountKind.NON_EMBEDDING);
        assertEquals(chinchilla.law().alpha(), value(fits, "chinchilla", "non_embedding", "alpha", "estimate"), 1e-12);
        assertEquals(chinchilla.law().e(), value(fits, "chinchilla", "non_embedding", "E", "estimate"), 1e-12);
        assertEquals(chinchilla.e().low(), value(fits, "chinchilla", "non_embedding", "E", "low"), 1e-12);
        assertEquals(chinchilla.objective(), value(fits, "chinchilla", "non_embedding", "objective", "estimate"), 1e-15);
        assertEquals(20, value(fits, "chinchilla", "total", "beta", "points"), 0.0);
        assertEquals(72, chinchilla.starts());

        List<String> lines = ScalingAnalysis.summaryLines(result);
        String all = String.join("\n", lines);
        assertTrue(lines.get(0).contains("23 rows, 20 finished cells used; skipped 2 not done, 1 without a best "
                + "validation loss"), lines.get(0));
        assertTrue(all.contains("N* ∝ D^2.00 (95 % bootstrap 2.00 to 2.00, 4 data sizes, total N); the claim predicts 2"),
                all);
        assertTrue(all.contains(String.format(Locale.ROOT, "N* ∝ D^%.2f (95 %% bootstrap", nonEmbeddingSlope)), all);
        assertTrue(all.contains("1 of 4 optima lie at the edge of their N grid (D=1000000)"), all);
        assertTrue(all.contains("Chinchilla fit (non-embedding N, 20 cells): E "), all);
        assertTrue(all.contains("published E 1.69, A 406.4, B 410.7, alpha 0.34, beta 0.28"), all);
        assertFalse(all.contains("not fitted"), all);
        if (chinchilla.law().alpha() <= 0) {
            assertTrue(all.contains("warning: alpha <= 0, so the fitted loss does not fall with N"), all);
        }
        lines.forEach(System.out::println);
    }

    @Test
    void tooFewCellsForChinchillaStillGiveTheOptimalSizeFit(@TempDir Path dir) throws IOException {
        Path sweep = dir.resolve("sweep.csv");
        Files.writeString(sweep, grid(2, 2));
        ScalingAnalysis.Result result = ScalingAnalysis.analyse(sweep, QUICK);
        ScalingAnalysis.write(result, dir);
        assertTrue(result.chinchilla().isEmpty());
        assertTrue(result.chinchillaMissing().get(CountKind.TOTAL).contains("at least 5 finished cells"));
        Table fits = Tables.read(dir.resolve("scaling_fits.csv"), Set.of("fit", "count", "parameter"));
        assertEquals(8, fits.rowCount());
        assertEquals(Set.of("optimal_size"), Set.copyOf(fits.stringColumn("fit").asList()));
        assertEquals(2.0, value(fits, "optimal_size", "total", "slope", "estimate"), 1e-12);
        String all = String.join("\n", ScalingAnalysis.summaryLines(result));
        assertTrue(all.contains("Chinchilla fit (total N): not fitted: the Chinchilla fit needs at least 5 finished "
                + "cells with at least 2 distinct N and 2 distinct D, got 4 cell(s)"), all);
        assertTrue(all.contains("Chinchilla fit (non-embedding N): not fitted"), all);
    }

    @Test
    void badInputIsRejectedWithAClearMessage(@TempDir Path dir) throws IOException {
        Path oneD = dir.resolve("one-d.csv");
        Files.writeString(oneD, grid(3, 1));
        IllegalArgumentException single = assertThrows(IllegalArgumentException.class,
                () -> ScalingAnalysis.analyse(oneD, QUICK));
        assertTrue(single.getMessage().startsWith(oneD.toString()), single.getMessage());
        assertTrue(single.getMessage().contains("2 or more distinct data sizes D, got 3 cell(s) at the single data "
                + "size D=1000000"), single.getMessage());

        Path noLoss = dir.resolve("no-loss.csv");
        Files.writeString(noLoss, grid(3, 2).replace("best_val_loss,", "val_loss,"));
        AnalysisInputException missing = assertThrows(AnalysisInputException.class,
                () -> ScalingAnalysis.analyse(noLoss, QUICK));
        assertTrue(missing.getMessage().contains("missing column(s) best_val_loss"), missing.getMessage());
        assertTrue(missing.getMessage().startsWith(noLoss.toString()), missing.getMessage());

        Path text = dir.resolve("text.csv");
        Files.writeString(text, grid(2, 2).replace(",1000000,", ",1M,"));
        AnalysisInputException notNumber = assertThrows(AnalysisInputException.class,
                () -> ScalingAnalysis.analyse(text, QUICK));
        assertTrue(notNumber.getMessage().contains("column d_tokens holds text that is not a number (row 1: \"1M\")"),
                notNumber.getMessage());

        Path allFailed = dir.resolve("failed.csv");
        Files.writeString(allFailed, grid(2, 2).replace(",done,", ",failed,"));
        AnalysisInputException none = assertThrows(AnalysisInputException.class,
                () -> ScalingAnalysis.analyse(allFailed, QUICK));
        assertTrue(none.getMessage().contains("no finished cell with a best validation loss (4 rows: 4 not done)"),
                none.getMessage());

        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class,
                () -> ScalingAnalysis.analyse(dir.resolve("nowhere"), QUICK));
        assertTrue(absent.getMessage().contains("nowhere: no such file"), absent.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CountKind.parse("all"));
        assertEquals(CountKind.NON_EMBEDDING, CountKind.parse("non_embedding"));
        assertEquals(7, CountKind.NON_EMBEDDING.of(new amem.models.ParameterCount(9, 7)));
        assertEquals(9, CountKind.TOTAL.of(new amem.models.ParameterCount(9, 7)));
    }

    private static double value(Table fits, String fit, String count, String parameter, String column) {
        for (int r = 0; r < fits.rowCount(); r++) {
            if (fits.stringColumn("fit").get(r).equals(fit) && fits.stringColumn("count").get(r).equals(count)
                    && fits.stringColumn("parameter").get(r).equals(parameter)) {
                return fits.numberColumn(column).getDouble(r);
            }
        }
        throw new AssertionError("no row " + fit + "/" + count + "/" + parameter);
    }
}
