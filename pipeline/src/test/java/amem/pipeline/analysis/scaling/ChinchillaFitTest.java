package amem.pipeline.analysis.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class ChinchillaFitTest {

    // Hoffmann et al.'s law on 1e6..1e9 parameters and 1e8..1e11 tokens: the N term runs 3.7 to 0.35, the D term
    // 2.4 to 0.34, beside E = 1.69, so both terms and E shape the surface
    private static final double[] NS = SyntheticGrids.logSpaced(6, 9, 6);
    private static final double[] DS = SyntheticGrids.logSpaced(8, 11, 6);

    // a second law where the N term runs 1.6 to 0.05 over 1e3..1e6 and the D term 1.3 to 0.32 over 1e6..1e9
    private static final ChinchillaLaw OTHER = new ChinchillaLaw(1.0, 50, 20, 0.5, 0.2);
    private static final double[] OTHER_NS = SyntheticGrids.logSpaced(3, 6, 6);
    private static final double[] OTHER_DS = SyntheticGrids.logSpaced(6, 9, 6);

    @Test
    void recoversThePublishedFitFromNoisyData() {
        ChinchillaLaw truth = ChinchillaLaw.PUBLISHED;
        ChinchillaFit.Result fit = timed("published, 0.5 % noise", () -> ChinchillaFit.fit(
                SyntheticGrids.chinchilla(truth, NS, DS, 0.005, 3), CountKind.TOTAL, ChinchillaFit.Options.defaults()));
        assertEquals(36, fit.cells());
        assertEquals(4500, fit.starts());
        assertEquals(truth.alpha(), fit.law().alpha(), 0.03);
        assertEquals(truth.beta(), fit.law().beta(), 0.03);
        assertEquals(truth.e(), fit.law().e(), 0.05);
        assertContains(fit, truth);
        assertEquals(200, fit.resamples());
        assertTrue(fit.convergedResamples() >= 190, fit.convergedResamples() + " converged");
        assertTrue(fit.convergedStarts() > fit.starts() / 2, fit.convergedStarts() + " starts converged");
    }

    @Test
    void recoversEveryParameterFromNoiseFreeData() {
        ChinchillaLaw truth = ChinchillaLaw.PUBLISHED;
        ChinchillaFit.Result fit = timed("published, no noise", () -> ChinchillaFit.fit(
                SyntheticGrids.chinchilla(truth, NS, DS, 0, 0), CountKind.TOTAL,
                ChinchillaFit.Options.defaults().withResamples(20)));
        assertEquals(truth.e(), fit.law().e(), 1e-3 * truth.e());
        assertEquals(truth.a(), fit.law().a(), 1e-2 * truth.a());
        assertEquals(truth.b(), fit.law().b(), 1e-2 * truth.b());
        assertEquals(truth.alpha(), fit.law().alpha(), 1e-3);
        assertEquals(truth.beta(), fit.law().beta(), 1e-3);
        assertTrue(fit.objective() < 1e-9, "objective " + fit.objective());
        assertEquals(truth.alpha(), fit.alpha().low(), 1e-3, "resamples of exact data give the same law");
        assertEquals(truth.alpha(), fit.alpha().high(), 1e-3);
    }

    @Test
    void recoversAnotherLawSoNothingIsHardWired() {
        ChinchillaFit.Result noisy = timed("other law, 0.5 % noise", () -> ChinchillaFit.fit(
                SyntheticGrids.chinchilla(OTHER, OTHER_NS, OTHER_DS, 0.005, 5), CountKind.TOTAL,
                ChinchillaFit.Options.defaults()));
        assertEquals(OTHER.alpha(), noisy.law().alpha(), 0.03);
        assertEquals(OTHER.beta(), noisy.law().beta(), 0.03);
        assertEquals(OTHER.e(), noisy.law().e(), 0.05);
        assertContains(noisy, OTHER);
        ChinchillaFit.Result exact = timed("other law, no noise", () -> ChinchillaFit.fit(
                SyntheticGrids.chinchilla(OTHER, OTHER_NS, OTHER_DS, 0, 0), CountKind.TOTAL,
                ChinchillaFit.Options.defaults().withResamples(0)));
        assertEquals(OTHER.e(), exact.law().e(), 1e-3);
        assertEquals(OTHER.a(), exact.law().a(), 1e-2 * OTHER.a());
        assertEquals(OTHER.b(), exact.law().b(), 1e-2 * OTHER.b());
        assertEquals(OTHER.alpha(), exact.law().alpha(), 1e-3);
        assertEquals(OTHER.beta(), exact.law().beta(), 1e-3);
        assertTrue(!exact.alpha().hasInterval(), "no resamples, no interval");
    }

    @Test
    void aCoarseGridIsAllowedAndTheObjectiveIsHubersLossOnLogL() {
        ChinchillaFit.Options coarse = ChinchillaFit.Options.defaults().withGrid(ChinchillaFit.Grid.coarse())
                .withResamples(0);
        List<ScalingCell> cells = SyntheticGrids.chinchilla(ChinchillaLaw.PUBLISHED, NS, DS, 0.005, 3);
        ChinchillaFit.Result fit = ChinchillaFit.fit(cells, CountKind.TOTAL, coarse);
        assertEquals(72, fit.starts());
        // the reported objective is Σ Huber_δ(log L̂ − log L) of the reported law
        double sum = 0;
        for (ScalingCell c : cells) {
            double r = Math.log(fit.law().loss(c.nTotal(), c.d())) - Math.log(c.loss());
            sum += Math.abs(r) <= 1e-3 ? 0.5 * r * r : 1e-3 * (Math.abs(r) - 0.5e-3);
        }
        assertEquals(sum, fit.objective(), 1e-9 * Math.max(1, sum));
        assertTrue(sum > 0 && sum < 36 * 1e-3 * 0.02, "residuals of about 0.5 %: " + sum);
    }

    @Test
    void pseudoResidualsSquareToTheHuberObjectiveWithAnExactJacobian() {
        double[] logN = {13, 14, 15, 16, 17, 13};
        double[] logD = {18, 19, 20, 21, 22, 22};
        double[] logL = {1.2, 0.9, 0.8, 0.7, 0.62, 0.75};
        double[] weight = {1, 2, 0, 1, 3, 1};
        HuberLogLoss loss = new HuberLogLoss(logN, logD, logL, weight, 1e-3);
        // residuals from about -0.3 to +0.1: some inside δ, most beyond it
        for (double[] p : new double[][] {{6.0, 6.0, 0.52, 0.34, 0.28}, {5.9, 6.1, 0.5, 0.33, 0.29}, {2, 3, -0.4, 0.1, 0.2}}) {
            double[] rho = new double[6];
            double[][] jacobian = new double[6][5];
            loss.pseudoResiduals(p, rho, jacobian);
            double half = 0;
            for (double r : rho) {
                half += 0.5 * r * r;
            }
            assertEquals(loss.value(p), half, 1e-14, "½ Σ ρ² is the objective");
            for (int k = 0; k < 5; k++) {
                double h = 1e-6;
                double[] up = p.clone();
                double[] down = p.clone();
                up[k] += h;
                down[k] -= h;
                double[] rUp = new double[6];
                double[] rDown = new double[6];
                loss.pseudoResiduals(up, rUp, new double[6][5]);
                loss.pseudoResiduals(down, rDown, new double[6][5]);
                for (int i = 0; i < 6; i++) {
                    assertEquals((rUp[i] - rDown[i]) / (2 * h), jacobian[i][k], 1e-5, "dρ" + i + "/dp" + k);
                }
            }
        }
        // beta = -200 puts the D term of log D = 18 800 below that of log D = 22: after the common shift all three
        // terms of those cells underflow, and their own log-sum-exp (200 log D) keeps the objective finite
        double wild = loss.value(new double[] {0, 0, 0, 0, -200});
        double expected = 0;
        for (int i = 0; i < 6; i++) {
            expected += weight[i] * 1e-3 * (Math.abs(200 * logD[i] - logL[i]) - 0.5e-3);
        }
        assertEquals(expected, wild, 1e-12 * expected);
    }

    @Test
    void tooFewCellsOrSizesAreRejectedWithAClearMessage() {
        List<ScalingCell> four = SyntheticGrids.chinchilla(ChinchillaLaw.PUBLISHED, new double[] {1e6, 1e7},
                new double[] {1e8, 1e9}, 0, 0);
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> ChinchillaFit.fit(four, CountKind.TOTAL, ChinchillaFit.Options.defaults()));
        assertTrue(few.getMessage().contains("at least 5 finished cells"), few.getMessage());
        assertTrue(few.getMessage().contains("got 4 cell(s)"), few.getMessage());
        List<ScalingCell> oneN = SyntheticGrids.chinchilla(ChinchillaLaw.PUBLISHED, new double[] {1e6}, DS, 0, 0);
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class,
                () -> ChinchillaFit.fit(oneN, CountKind.NON_EMBEDDING, ChinchillaFit.Options.defaults()));
        assertTrue(sizes.getMessage().contains("1 distinct non-embedding N and 6 distinct D"), sizes.getMessage());
    }

    private static void assertContains(ChinchillaFit.Result fit, ChinchillaLaw truth) {
        assertTrue(fit.e().contains(truth.e()), "E " + fit.e());
        assertTrue(fit.a().contains(truth.a()), "A " + fit.a());
        assertTrue(fit.b().contains(truth.b()), "B " + fit.b());
        assertTrue(fit.alpha().contains(truth.alpha()), "alpha " + fit.alpha());
        assertTrue(fit.beta().contains(truth.beta()), "beta " + fit.beta());
    }

    private static ChinchillaFit.Result timed(String what, java.util.function.Supplier<ChinchillaFit.Result> fit) {
        long start = System.nanoTime();
        ChinchillaFit.Result result = fit.get();
        System.out.printf(Locale.ROOT, "chinchilla, %s: %s; objective %.4g; %d/%d starts converged; %d/%d resamples "
                + "converged, %d skipped; %.2f s%n  E %s%n  A %s%n  B %s%n  alpha %s%n  beta %s%n", what, result.law(),
                result.objective(), result.convergedStarts(), result.starts(), result.convergedResamples(),
                result.resamples(), result.skippedResamples(), (System.nanoTime() - start) / 1e9, result.e(),
                result.a(), result.b(), result.alpha(), result.beta());
        return result;
    }
}
