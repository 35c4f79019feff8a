package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.Tables;
import amem.pipeline.analysis.scaling.CountKind;
import amem.pipeline.analysis.scaling.OptimalSizeFit;
import amem.pipeline.analysis.scaling.ScalingAnalysis;
import amem.pipeline.sweep.SweepTable;
import amem.pipeline.train.TinyQf;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tech.tablesaw.api.Table;

/** amem sweep → analyze sweep → report --sweep, as a user runs them, on a real 3 × 2 grid of tiny runs. */
class SweepCommandsTest {

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        CommandLine cli = AmemCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(savedOut);
        }
    }

    @Test
    void sweepAnalyseAndReport(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path file = dir.resolve("my-grid.json");
        Files.writeString(file, """
                {"description": "test grid",
                 "config": {"model": {"architecture": "vanilla", "context_length": 40, "n_layer": 1, "n_head": 2,
                                      "n_embd": 8, "ffn_width": 32},
                            "data": {"dir": "%s"},
                            "train": {"steps": 12, "batch_size": 8, "lr": 3e-3, "warmup_steps": 2, "eval_interval": 4,
                                      "eval_batches": 3, "checkpoint_interval": 12, "task_items": -1, "device": "cpu"}},
                 "grid": {"models": [{"name": "n8"}, {"name": "n16", "set": {"model.n_embd": 16}},
                                     {"name": "n32", "set": {"model.n_embd": 32}}],
                          "data": [{"name": "D1500", "tokens": 1500}, {"name": "all", "fraction": 1.0}]}}
                """.formatted(store.toString().replace("\\", "\\\\")));
        Path sweep = dir.resolve("sweep");

        Result ran = run("sweep", "--config", file.toString(), "--dir", sweep.toString());
        assertEquals(0, ran.code, ran.err);
        Table table = Tables.read(sweep.resolve(SweepTable.FILE), SweepTable.TEXT_COLUMNS);
        assertEquals(6, table.rowCount());
        assertTrue(table.stringColumn("status").asList().stream().allMatch("done"::equals), table.print());

        Path metrics = sweep.resolve("runs/n16_D1500/metrics.csv");
        var before = Files.getLastModifiedTime(metrics);
        Result again = run("sweep", "--config", file.toString(), "--dir", sweep.toString());
        assertEquals(0, again.code, again.err);
        assertEquals(before, Files.getLastModifiedTime(metrics), "finished cells are skipped");

        Result list = run("sweep", "--dir", sweep.toString(), "--list");
        assertEquals(0, list.code, list.err);
        assertTrue(list.out.contains("n32_all") && list.out.contains("done"), list.out);

        Result slurm = run("sweep", "--dir", sweep.toString(), "--emit", "slurm", "--gpus", "0", "--time", "1:00:00");
        assertEquals(0, slurm.code, slurm.err);
        Process check = new ProcessBuilder("bash", "-n", sweep.resolve("slurm.sh").toString()).start();
        assertEquals(0, check.waitFor(), "bash -n slurm.sh");

        Result analysed = run("analyze", "sweep", sweep.toString(), "--bootstrap", "200");
        assertEquals(0, analysed.code, analysed.err);
        assertTrue(analysed.out.contains("N* \u221d D^"), analysed.out);
        // The optimal sizes written agree with the fit computed here from sweep.csv.
        var optima = OptimalSizeFit.optima(ScalingAnalysis.read(sweep).cells(), CountKind.NON_EMBEDDING);
        Table written = Tables.read(sweep.resolve("analysis").resolve(ScalingAnalysis.OPTIMAL_SIZE_FILE),
                Set.of("count", "cell"));
        Table nonEmbedding = written.where(written.stringColumn("count").isEqualTo("non_embedding"));
        assertEquals(optima.size(), nonEmbedding.rowCount());
        for (int i = 0; i < optima.size(); i++) {
            assertEquals(optima.get(i).nStar(), (long) nonEmbedding.numberColumn("n_star").getDouble(i));
            assertEquals(optima.get(i).cell(), nonEmbedding.stringColumn("cell").get(i));
        }

        Result report = run("report", "--sweep", sweep.toString());
        assertEquals(0, report.code, report.err);
        String html = Files.readString(sweep.resolve("report.html"));
        assertTrue(html.contains("Optimal model size against data size"), "N* section");
        assertEquals(6, html.split("data-cell=", -1).length - 1, "one table row per cell");
        for (String chart : new String[] {"n-star-vs-d", "loss-vs-n", "loss-vs-d"}) {
            Path png = sweep.resolve("plots").resolve(chart + ".png");
            assertTrue(Files.isRegularFile(png) && Files.size(png) > 1000, chart + ": " + analysed.out);
        }

        // Wrong requests: exit 2 and a message naming the problem.
        Result noSweep = run("sweep", "--dir", dir.resolve("nothing").toString());
        assertEquals(2, noSweep.code);
        assertTrue(noSweep.err.contains("holds no sweep"), noSweep.err);
        Result noGrid = run("sweep", "--preset", "gpt2-cpu-tiny");
        assertEquals(2, noGrid.code);
        assertTrue(noGrid.err.contains("has no grid"), noGrid.err);
        Result changed = run("sweep", "--config", file.toString(), "--dir", sweep.toString(), "--set", "train.lr=0.1");
        assertEquals(2, changed.code);
        assertTrue(changed.err.contains("different sweep"), changed.err);
        Result badCell = run("sweep", "--dir", sweep.toString(), "--cell", "6");
        assertEquals(2, badCell.code);
        assertTrue(badCell.err.contains("cells 0 to 5"), badCell.err);
    }
}
