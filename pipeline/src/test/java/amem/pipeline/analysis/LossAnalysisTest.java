package amem.pipeline.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class LossAnalysisTest {

    // the quickstart run's eval.csv (runs/quickstart)
    private static final long[] STEPS = {0, 500, 1000, 1500, 2000, 2500, 3000};
    private static final double[] TRAIN = {5.103741, 1.053015, 1.024085, 1.013266, 1.011755, 1.006519, 1.005730};
    private static final double[] VAL = {5.055380, 1.055018, 1.026514, 1.015968, 1.013248, 1.010831, 1.008819};

    @Test
    void plateauIsTheMeanOfTheLastKOnceTheRelativeChangeStaysBelowTheTolerance() {
        Plateau p = Plateau.find(STEPS, VAL, 3, 0.01);
        assertTrue(p.reached());
        assertEquals((1.013248 + 1.010831 + 1.008819) / 3, p.value(), 1e-12);
        assertEquals(1500, p.fromStep(), "change 1000 -> 1500 is 1.03 %, every later one below 1 %");
        Plateau strict = Plateau.find(STEPS, VAL, 3, 0.002);
        assertFalse(strict.reached(), "2500 -> 3000 changes by 0.19 %, 2000 -> 2500 by 0.24 %");
        assertTrue(Double.isNaN(strict.value()));
        assertEquals(p.value(), strict.tailMean(), 1e-12);
        assertFalse(Plateau.find(new long[] {0, 1}, new double[] {2, 2}, 3, 0.01).reached(), "too few evaluations");
        assertThrows(IllegalArgumentException.class, () -> Plateau.find(STEPS, VAL, 0, 0.01));
    }

    @Test
    void lossTableHasTheEarlyStoppingPointTheGapsAndTheEntropyRate(@TempDir Path dir) throws IOException {
        Path store = SyntheticRun.storeWithEntropy(dir.resolve("data/qf"), 0.95, 0.96, 0.97);
        // validation rises after step 1500: early stopping at 1500
        double[] val = {5.0, 1.30, 1.10, 1.05, 1.07, 1.09, 1.12};
        Path run = SyntheticRun.write(dir.resolve("runs/r"), 3000, STEPS, TRAIN, val, store.toString(), true);
        LossAnalysis.Result result = LossAnalysis.analyse(RunFiles.open(run), LossAnalysis.Options.defaults());
        LossAnalysis.write(result, run.resolve("analysis"));
        Table loss = Tables.read(run.resolve("analysis/loss.csv"), Set.of("split", "level_source", "entropy_key", "entropy_what", "plateau_reached"));
        assertEquals(2, loss.rowCount());
        int v = loss.stringColumn("split").get(0).equals("val") ? 0 : 1;
        assertEquals(1500, loss.numberColumn("min_step").getDouble(v), 0.0);
        assertEquals(1.05, loss.numberColumn("min_loss").getDouble(v), 1e-12);
        assertEquals(1.12 - 1.05, loss.numberColumn("rise_after_min").getDouble(v), 1e-12);
        assertEquals(1.12 - 1.005730, loss.numberColumn("overfitting_gap").getDouble(v), 1e-12);
        assertEquals("false", loss.stringColumn("plateau_reached").get(v), "2.8 % rise per evaluation");
        assertEquals("final", loss.stringColumn("level_source").get(v));
        assertEquals(1.12 - 1.0, loss.numberColumn("gap_to_paper_bound").getDouble(v), 1e-12);
        assertEquals(1.12 - 2.2, loss.numberColumn("gap_to_large_model").getDouble(v), 1e-12);
        assertEquals(0.96, loss.numberColumn("entropy_rate").getDouble(v), 0.0, "the split's own figure");
        assertEquals("source.entropy.val.nats_per_predicted_token", loss.stringColumn("entropy_key").get(v));
        assertEquals(0.97, loss.numberColumn("grammar_entropy_rate").getDouble(v), 0.0, "the closed form beside the split's figure");
        assertEquals(1.12 - 0.96, loss.numberColumn("gap_to_entropy_rate").getDouble(v), 1e-12);
        assertEquals(0.95, loss.numberColumn("entropy_rate").getDouble(1 - v), 0.0);
        EntropyReference entropy = result.entropy().orElseThrow();
        assertEquals("source.entropy.train.nats_per_predicted_token", entropy.key(), "training lines preferred");
        assertEquals(0.97, entropy.figures().get("source.entropy.closed_form.nats_per_predicted_token"));
        assertTrue(!entropy.figures().containsKey("source.entropy.train.lines"), "counts are no figures");
        assertTrue(!entropy.figures().containsKey("source.entropy.closed_form.mean_line_tokens"));
        assertEquals(0.95, entropy.forSplit("test").getValue(), 0.0, "a split without figures gets the primary");
        assertTrue(entropy.notes().get("source.entropy.convention").startsWith("nats"));
        assertTrue(LossAnalysis.summaryLine(result).contains("entropy reference 0.9600"), LossAnalysis.summaryLine(result));
    }

    @Test
    void withoutEntropyFiguresTheReferenceIsNotAvailable(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("store"));
        Files.writeString(dir.resolve("store/meta.json"), "{\"tokenizer\": \"gpt2\", \"source\": {\"kind\": \"text\"}}");
        Path run = SyntheticRun.write(dir.resolve("r"), 3000, STEPS, TRAIN, VAL, dir.resolve("store").toString(), true);
        LossAnalysis.Result result = LossAnalysis.analyse(RunFiles.open(run), LossAnalysis.Options.defaults());
        assertTrue(result.entropy().isEmpty());
        assertTrue(result.storeMeta().isPresent());
        assertTrue(LossAnalysis.summaryLine(result).contains("entropy rate: not available"));
        Path noStore = SyntheticRun.write(dir.resolve("r2"), 10, STEPS, TRAIN, VAL, "data/nowhere", false);
        assertTrue(LossAnalysis.analyse(RunFiles.open(noStore), LossAnalysis.Options.defaults()).storeMeta().isEmpty());
        assertEquals(1.3, EntropyReference.lookup(com.google.gson.JsonParser.parseString("{\"entropy\": 1.3}")
                .getAsJsonObject(), dir).orElseThrow().value(), 0.0);
    }

    @Test
    void evalLogReadsAccuracyInAllThreeFormsAndToleratesExtraColumns(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("eval.csv");
        Files.writeString(file, String.join("\n",
                "step,split,loss,tokens,accuracy,gen_acc,note",
                "0,train,5.0,100,,,x",
                "0,val,5.1,100,,,",
                "0,dev,,1000,0.25,0.10,",
                "500,train,2.0,100,,,",
                "500,val,2.2,100,,,",
                "500,dev,,1000,0.75,0.30,",
                "500,test_acc,0.70,1000,,,",
                "1000,test_acc,0.80,1000,,,",
                ""));
        EvalLog log = EvalLog.read(file);
        assertEquals(Set.of("train", "val"), Set.copyOf(log.losses().stream().map(EvalLog.Series::name).toList()),
                "accuracy-only rows and *_acc splits are no loss points");
        EvalLog.Series dev = log.accuracies().stream().filter(s -> s.name().equals("dev")).findFirst().orElseThrow();
        assertEquals(0.75, dev.last(), 0.0);
        EvalLog.Series gen = log.accuracies().stream().filter(s -> s.name().equals("gen")).findFirst().orElseThrow();
        assertEquals(2, gen.size());
        assertEquals(0.30, gen.last(), 0.0);
        EvalLog.Series test = log.accuracies().stream().filter(s -> s.name().equals("test")).findFirst().orElseThrow();
        assertEquals(1000, test.steps()[1]);
        assertEquals(0.80, test.last(), 0.0);

        Files.writeString(dir.resolve("bad.csv"), "step,loss\n1,2.0\n");
        AnalysisInputException bad = assertThrows(AnalysisInputException.class, () -> EvalLog.read(dir.resolve("bad.csv")));
        assertTrue(bad.getMessage().contains("bad.csv") && bad.getMessage().contains("split"), bad.getMessage());
    }

    @Test
    void aDirectoryWithoutConfigIsNotARun(@TempDir Path dir) {
        Exception e = assertThrows(RuntimeException.class, () -> RunFiles.open(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }
}
