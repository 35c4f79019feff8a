package amem.pipeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenStore;
import amem.models.ParameterCount;
import amem.pipeline.analysis.Tables;
import amem.pipeline.config.RunConfig;
import amem.pipeline.session.ModelConfigs;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** A real 3 × 2 sweep on a tiny Question-Formation store: runs, skips, resumes, survives a bad cell, tabulates. */
class SweepRunnerTest {

    private static final String GRID = """
            {"models": [{"name": "n8", "set": {"model.n_embd": 8}},
                        {"name": "n16", "set": {"model.n_embd": 16}},
                        {"name": "bad", "set": {"model.n_embd": 15}}],
             "data": [{"name": "D2k", "tokens": 2000}, {"name": "all", "fraction": 1.0}]}
            """;

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    private static Progress quiet() {
        return new Progress(new PrintStream(LOG), false, 1e9);
    }

    @Test
    void runsSkipsResumesAndTabulates(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig base = TinyQf.config(store, 8).with("train.task_items", "-1");
        SweepPlan plan = SweepPlan.create(dir.resolve("sweep"), null, base,
                JsonParser.parseString(GRID).getAsJsonObject(), List.of());
        assertEquals(6, plan.cells().size());

        // Cell n16_all is interrupted after step 5 (as by a signal): the sweep stops there, with its checkpoint.
        SweepRunner.Result first = SweepRunner.run(plan, plan.cells().subList(0, 4), List.of(), quiet(),
                TrainingRun.Options.defaults().pauseAt(5));
        assertNotNull(first.interrupted());
        assertEquals(1, first.cells().size(), "the sweep stops at the interrupted cell");
        assertEquals("partial", SweepTable.status(plan.runDir(plan.cell(0))));

        // The same sweep again: resumes cell 0, runs the rest; the bad shape fails without stopping the others.
        SweepRunner.Result second = SweepRunner.run(plan, plan.cells(), List.of(), quiet(), TrainingRun.Options.defaults());
        assertEquals(List.of("trained", "trained", "trained", "trained", "failed", "failed"),
                second.cells().stream().map(SweepRunner.CellResult::action).toList());
        assertEquals(2, second.failed());
        assertTrue(second.cells().get(4).message().contains("n_head"), second.cells().get(4).message());
        assertTrue(LOG.toString().contains("resuming"), "cell 0 was resumed");
        List<String> steps = Files.readAllLines(plan.runDir(plan.cell(0)).resolve("metrics.csv"));
        assertEquals(9, steps.size(), "header + 8 steps, none repeated or lost across the resume");

        // Again: finished cells are skipped untouched.
        Path metrics = plan.runDir(plan.cell(3)).resolve("metrics.csv");
        FileTime before = Files.getLastModifiedTime(metrics);
        SweepRunner.Result third = SweepRunner.run(plan, plan.cells().subList(0, 4), List.of(), quiet(),
                TrainingRun.Options.defaults());
        assertTrue(third.cells().stream().allMatch(c -> c.action().equals("skipped")));
        assertEquals(before, Files.getLastModifiedTime(metrics));

        // sweep.csv: one row per cell, with N both ways, D and the losses of each run's eval.csv.
        Table table = Tables.read(plan.dir().resolve(SweepTable.FILE), SweepTable.TEXT_COLUMNS);
        assertEquals(6, table.rowCount());
        long storeTokens;
        int vocab;
        try (TokenStore s = TokenStore.open(store)) {
            storeTokens = s.split("train").tokens();
            vocab = s.vocabSize();
        }
        for (int row = 0; row < 4; row++) {
            SweepPlan.Cell cell = plan.cell(row);
            assertEquals(cell.name(), table.stringColumn("cell").get(row));
            assertEquals("done", table.stringColumn("status").get(row));
            ParameterCount count = ParameterCount.of(ModelConfigs.from(plan.config(cell), vocab));
            assertEquals(count.total(), (long) table.doubleColumn("n_total").getDouble(row));
            assertEquals(count.nonEmbedding(), (long) table.doubleColumn("n_non_embedding").getDouble(row));
            double d = table.doubleColumn("d_tokens").getDouble(row);
            if (cell.data().whole()) {
                assertEquals(storeTokens, (long) d);
            } else {
                assertTrue(d >= 2000 && d < 2000 + 40, "subset of whole lines just past 2,000 tokens: " + d);
            }
            // best val loss and its step, by hand from eval.csv
            double best = Double.POSITIVE_INFINITY;
            long bestStep = -1;
            for (String line : Files.readAllLines(plan.runDir(cell).resolve("eval.csv"))) {
                String[] f = line.split(",");
                if (f[1].equals("val") && Double.parseDouble(f[2]) < best) {
                    best = Double.parseDouble(f[2]);
                    bestStep = Long.parseLong(f[0]);
                }
            }
            assertEquals(best, table.doubleColumn("best_val_loss").getDouble(row), 1e-9);
            assertEquals(bestStep, (long) table.doubleColumn("early_stop_step").getDouble(row));
            assertEquals(8, (long) table.doubleColumn("steps").getDouble(row));
        }
        assertEquals("failed", table.stringColumn("status").get(4), "a shape refused before training");
        assertTrue(table.stringColumn("note").get(4).contains("n_head"), table.stringColumn("note").get(4));
        assertTrue(Double.isNaN(table.doubleColumn("best_val_loss").getDouble(4)));
        assertFalse(Files.exists(plan.runDir(plan.cell(4)).resolve("config.json")));
        // The D2k subset is one store shared by both models, written once.
        assertEquals(plan.config(plan.cell(0)).getString("data.dir"), plan.config(plan.cell(2)).getString("data.dir"));
    }
}
