package amem.pipeline.analysis.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class OptimalSizeFitTest {

    // 25 model sizes 0.225 decades apart. The optimum of each D is rounded to this grid; were the N step a divisor of
    // the step of N* between data sizes (0.8 decades for exponent 2) the rounding would repeat identically and bias
    // the slope by a constant the bootstrap cannot see (with 1.5 to 6.5 in 25 steps: 2.083, interval 2.081 to 2.084)
    private static final double[] NS = SyntheticGrids.logSpaced(1.3, 6.7, 25);
    private static final double[] DS = SyntheticGrids.logSpaced(4, 6, 6);

    @Test
    void leastSquaresOnExactDataRecoversTheLine() {
        double[] x = {-1.5, 0, 0.25, 1, 2, 3.75, 10};
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.3 + 2 * x[i];
        }
        LineFit line = LineFit.of(x, y);
        assertEquals(2.0, line.slope(), 1e-12);
        assertEquals(0.3, line.intercept(), 1e-12);
        assertEquals(1.0, line.r2(), 1e-12);
        assertEquals(0.0, line.stderrSlope(), 1e-12);
        assertEquals(7, line.points());
        assertEquals(0.3 + 2 * 4.5, line.at(4.5), 1e-12);
    }

    @Test
    void leastSquaresStandardErrorAndR2MatchTheTextbookOnNoisyData() {
        // x = 0..4, y = 1, 3, 2, 5, 4: slope 0.8, intercept 1.4, RSS 3.6, TSS 10, Sxx 10
        LineFit line = LineFit.of(new double[] {0, 1, 2, 3, 4}, new double[] {1, 3, 2, 5, 4});
        assertEquals(0.8, line.slope(), 1e-12);
        assertEquals(1.4, line.intercept(), 1e-12);
        assertEquals(1 - 3.6 / 10, line.r2(), 1e-12);
        assertEquals(Math.sqrt(3.6 / 3 / 10), line.stderrSlope(), 1e-12);
        assertTrue(Double.isNaN(LineFit.of(new double[] {0, 1}, new double[] {0, 1}).stderrSlope()), "2 points: no s.e.");
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class,
                () -> LineFit.of(new double[] {2, 2, 2}, new double[] {1, 2, 3}));
        assertTrue(same.getMessage().contains("2 distinct x"), same.getMessage());
    }

    @Test
    void recoversAQuadraticOptimalSizeWithAnIntervalContainingTwo() {
        OptimalSizeFit.Result fit = OptimalSizeFit.fit(
                SyntheticGrids.parabola(NS, DS, 1e-6, 2.0, 1.0, 0.005, 7), CountKind.TOTAL,
                OptimalSizeFit.Options.defaults());
        report("exponent 2", fit);
        assertEquals(6, fit.optima().size());
        assertEquals(2.0, fit.slope().estimate(), 0.1);
        assertTrue(fit.slope().contains(2.0), fit.slope().toString());
        assertTrue(fit.slope().high() - fit.slope().low() < 0.5, "interval " + fit.slope());
        assertEquals(Math.log(1e-6), fit.intercept().estimate(), 1.0);
        assertTrue(fit.line().r2() > 0.99, "R² " + fit.line().r2());
        assertEquals(0, fit.optimaAtEdge(), "every optimum is inside the N grid");
        for (OptimalSizeFit.Optimum o : fit.optima()) {
            assertEquals(Math.log(1e-6 * o.d() * o.d()), Math.log(o.nStar()), 0.26,
                    "N* within half a grid step of c D²: " + o);
            assertEquals(25, o.sizes());
        }
        assertEquals(1e-6 * 1e5 * 1e5, fit.nStarAt(1e5), 0.5 * 1e4, "fitted N* at D = 1e5");
        assertEquals(2000, fit.resamples());
    }

    @Test
    void recoversAnotherExponentSoTwoIsNotHardWired() {
        OptimalSizeFit.Result fit = OptimalSizeFit.fit(
                SyntheticGrids.parabola(NS, DS, 3e-4, 1.5, 1.0, 0.005, 11), CountKind.TOTAL,
                OptimalSizeFit.Options.defaults());
        report("exponent 1.5", fit);
        assertEquals(1.5, fit.slope().estimate(), 0.1);
        assertTrue(fit.slope().contains(1.5), fit.slope().toString());
        assertFalse(fit.slope().contains(2.0), "2 is excluded: " + fit.slope());
    }

    @Test
    void anOptimumAtTheLargestModelIsFlagged() {
        // at the two largest D the true optimum c D² (1e8, 1e10) lies beyond the largest N tried (10^6.7)
        double[] ds = {1e4, 1e5, 1e7, 1e8};
        OptimalSizeFit.Result fit = OptimalSizeFit.fit(SyntheticGrids.parabola(NS, ds, 1e-6, 2.0, 1.0, 0, 1),
                CountKind.TOTAL, OptimalSizeFit.Options.defaults());
        List<OptimalSizeFit.Optimum> optima = fit.optima();
        assertFalse(optima.get(0).atGridEdge());
        assertFalse(optima.get(1).atGridEdge());
        assertTrue(optima.get(2).atGridEdge(), optima.get(2).toString());
        assertTrue(optima.get(3).atGridEdge());
        assertEquals(Math.round(NS[NS.length - 1]), optima.get(3).nStar(), "N* is the largest N tried");
        assertEquals(2, fit.optimaAtEdge());
        assertTrue(ScalingAnalysis.optimalSizeLines(fit).stream().anyMatch(l -> l.contains("2 of 4 optima lie at the edge")));
    }

    @Test
    void tiesGoToTheSmallerModelAndEachCountHasItsOwnN() {
        List<ScalingCell> cells = List.of(
                new ScalingCell("small", 1000, 400, 100, 2.0),
                new ScalingCell("middle", 1000, 800, 300, 1.5),
                new ScalingCell("large", 1000, 1600, 900, 1.5),
                new ScalingCell("b-small", 4000, 400, 100, 1.9),
                new ScalingCell("b-large", 4000, 1600, 900, 1.2));
        List<OptimalSizeFit.Optimum> total = OptimalSizeFit.optima(cells, CountKind.TOTAL);
        assertEquals("middle", total.get(0).cell(), "tie at loss 1.5 goes to the smaller N");
        assertEquals(800, total.get(0).nStar());
        assertFalse(total.get(0).atGridEdge());
        assertEquals(300, OptimalSizeFit.optima(cells, CountKind.NON_EMBEDDING).get(0).nStar());
        OptimalSizeFit.Result fit = OptimalSizeFit.fit(cells, CountKind.NON_EMBEDDING,
                OptimalSizeFit.Options.defaults());
        assertEquals(Math.log(900.0 / 300) / Math.log(4000.0 / 1000), fit.slope().estimate(), 1e-12,
                "two points: the line through them");
        assertTrue(fit.skippedResamples() > 800 && fit.skippedResamples() < 1200,
                "half of the resamples of 2 points pick one point twice: " + fit.skippedResamples());
    }

    @Test
    void oneDataSizeIsRejectedWithAClearMessage() {
        List<ScalingCell> cells = List.of(new ScalingCell("a", 1000, 400, 100, 2.0),
                new ScalingCell("b", 1000, 800, 300, 1.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimalSizeFit.fit(cells, CountKind.TOTAL, OptimalSizeFit.Options.defaults()));
        assertTrue(e.getMessage().contains("2 or more distinct data sizes"), e.getMessage());
        assertTrue(e.getMessage().contains("D=1000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScalingCell("bad", 0, 10, 10, 1.0));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> new ScalingCell("nan", 10, 10, 10, Double.NaN));
        assertTrue(nan.getMessage().contains("cell nan"), nan.getMessage());
    }

    private static void report(String what, OptimalSizeFit.Result fit) {
        System.out.printf(Locale.ROOT, "optimal size, %s: slope %.4f (95 %% %.4f to %.4f), intercept %.3f (%.3f to %.3f),"
                + " R² %.4f, s.e. %.4f, %d skipped%n", what, fit.slope().estimate(), fit.slope().low(),
                fit.slope().high(), fit.intercept().estimate(), fit.intercept().low(), fit.intercept().high(),
                fit.line().r2(), fit.line().stderrSlope(), fit.skippedResamples());
    }
}
