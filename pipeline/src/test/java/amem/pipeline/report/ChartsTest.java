package amem.pipeline.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.EvalLog;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;

/** What the loss charts of short runs say (issue 13, point 7): no early stopping at the last step, no line through two points. */
class ChartsTest {

    private static EvalLog eval(Path dir, String rows) throws Exception {
        Path file = Files.writeString(dir.resolve("eval.csv"), "step,split,loss,tokens,accuracy\n" + rows);
        return EvalLog.read(file);
    }

    @Test
    void minimumAtTheLastEvaluationIsNotCalledEarlyStopping(@TempDir Path dir) throws Exception {
        EvalLog falling = eval(dir, "0,val,4.0,10,\n100,val,2.0,10,\n200,val,1.5,10,\n");
        XYChart chart = Charts.loss("t", null, falling, "val", new Charts.Marks(Double.NaN, 0, 200, 200, 1.5),
                List.of(new Charts.Reference("paper's bound", 1.0, Color.BLACK)), false);
        List<String> names = chart.getSeriesCollection().stream().map(XYSeries::getName).toList();
        assertTrue(names.stream().anyMatch(n -> n.contains("at step 200 (the last evaluation: still falling)")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.contains("early stopping")), names.toString());
        assertEquals(Styler.LegendPosition.OutsideS, chart.getStyler().getLegendPosition());

        EvalLog rising = eval(dir, "0,val,4.0,10,\n100,val,1.2,10,\n200,val,1.4,10,\n");
        XYChart early = Charts.loss("t", null, rising, "val", new Charts.Marks(Double.NaN, 0, 200, 100, 1.2), List.of(), false);
        assertTrue(early.getSeriesCollection().stream().map(XYSeries::getName).anyMatch(n -> n.contains("at step 100 (early stopping)")));
    }

    @Test
    void twoEvaluationsArePointsNotACurveAndCloseReferencesGetDifferentStrokes(@TempDir Path dir) throws Exception {
        EvalLog two = eval(dir, "0,val,4.0,10,\n200,val,1.5,10,\n");
        XYChart chart = Charts.loss("t", null, two, "val", null, List.of(
                new Charts.Reference("paper's bound", 1.0, Color.BLACK),
                new Charts.Reference("entropy rate", 1.0145, new Color(0x2e8b57), true)), false);
        XYSeries val = chart.getSeries("val (evaluations, not joined)");
        assertEquals(SeriesLines.NONE, val.getLineStyle());
        XYSeries bound = chart.getSeries("paper's bound (1.0000)");
        XYSeries entropy = chart.getSeries("entropy rate (1.0145)");
        assertFalse(bound.getLineStyle().equals(entropy.getLineStyle()), "the two references must not look alike");
        EvalLog three = eval(dir, "0,val,4.0,10,\n100,val,2.0,10,\n200,val,1.5,10,\n");
        XYChart joined = Charts.loss("t", null, three, "val", null, List.of(), false);
        assertTrue(joined.getSeries("val (evaluation)") != null);
    }
}
