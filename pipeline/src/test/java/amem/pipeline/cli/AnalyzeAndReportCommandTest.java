package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.SyntheticActivations;
import amem.pipeline.analysis.SyntheticRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AnalyzeAndReportCommandTest {

    private static final long[] STEPS = {0, 100, 200, 300};
    private static final double[] TRAIN = {4.2, 1.5, 1.2, 1.1};
    private static final double[] VAL = {4.2, 1.6, 1.3, 1.25};

    private record Result(int code, String err) {}

    private static Result run(String... args) {
        CommandLine cli = AmemCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, err.toString());
    }

    @Test
    void analyzeWritesTheLossAndRadiusTablesOfARunAndItsActivations(@TempDir Path dir) throws Exception {
        Path runDir = SyntheticRun.write(dir.resolve("runs/r"), 300, STEPS, TRAIN, VAL, "data/none", true);
        SyntheticActivations.at(runDir.resolve("activations"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(50, 6, 1.0, 1)).write();
        Result analyzed = run("analyze", "run", runDir.toString(), "--chunk", "16", "--pairwise-sample", "20");
        assertEquals(0, analyzed.code, analyzed.err);
        assertTrue(Files.size(runDir.resolve("analysis/loss.csv")) > 100);
        assertTrue(Files.size(runDir.resolve("analysis/radius.csv")) > 100);
        assertTrue(Files.size(runDir.resolve("analysis/nn_distances.csv")) > 100);

        Path heldOut = SyntheticActivations.at(dir.resolve("heldout"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(10, 6, 1.0, 2)).write();
        Result energies = run("analyze", "activations", heldOut.toString(), "--patterns",
                runDir.resolve("activations").toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, energies.code, energies.err);
        assertTrue(Files.isRegularFile(dir.resolve("out/energy.csv")));
        assertTrue(Files.isRegularFile(dir.resolve("out/radius.csv")));

        Result report = run("report", runDir.toString());
        assertEquals(0, report.code, report.err);
        assertTrue(Files.size(runDir.resolve("report.html")) > 10_000);
        assertTrue(Files.isRegularFile(runDir.resolve("plots/r-loss.svg")));
    }

    @Test
    void wrongRequestsExitWithTwoAndBadDataWithOneNamingTheFile(@TempDir Path dir) throws Exception {
        Result nothing = run("analyze");
        assertEquals(2, nothing.code);
        assertTrue(nothing.err.contains("nothing to analyse") && nothing.err.contains("amem analyze run RUN"), nothing.err);

        Result patternsAlone = run("analyze", "activations", "--patterns", dir.toString());
        assertEquals(2, patternsAlone.code);
        assertTrue(patternsAlone.err.contains("DIR"), patternsAlone.err);

        Result notARun = run("analyze", "run", dir.toString());
        assertEquals(2, notARun.code);
        assertTrue(notARun.err.contains("config.json"), notARun.err);

        Result twoRunsOneOut = run("analyze", "run", dir.toString(), dir.toString(), "--out", dir.toString());
        assertEquals(2, twoRunsOneOut.code);
        assertTrue(twoRunsOneOut.err.contains("--out goes with one run directory"), twoRunsOneOut.err);

        Result optionOfAnotherSubcommand = run("analyze", "run", dir.toString(), "--patterns", dir.toString());
        assertEquals(2, optionOfAnotherSubcommand.code);
        assertTrue(optionOfAnotherSubcommand.err.contains("--patterns"), optionOfAnotherSubcommand.err);

        Result badStatistic = run("analyze", "activations", dir.toString(), "--radius-statistic", "mode");
        assertEquals(2, badStatistic.code);
        assertTrue(badStatistic.err.contains("median_nn_half"), badStatistic.err);

        Path acts = SyntheticActivations.at(dir.resolve("acts"))
                .hook("hook_embed", new float[][] {{1, 2}, {3, 4}}).write();
        Path shard = acts.resolve("hook_embed/shard-00000.npy");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        Result truncated = run("analyze", "activations", acts.toString());
        assertEquals(1, truncated.code);
        assertTrue(truncated.err.contains("shard-00000.npy") && truncated.err.contains("truncated"), truncated.err);
        assertTrue(!truncated.err.contains("\tat "), "one line, no stack trace");
        assertTrue(!Files.exists(acts.resolve("analysis/radius.csv")), "nothing half-written");

        Path a = SyntheticRun.write(dir.resolve("a"), 300, STEPS, TRAIN, VAL, "data/none", true);
        Path b = SyntheticRun.write(dir.resolve("b"), 300, STEPS, TRAIN, VAL, "data/none", true);
        Result noOut = run("report", a.toString(), b.toString());
        assertEquals(2, noOut.code);
        assertTrue(noOut.err.contains("--out"), noOut.err);
    }

    /** The documented forms of before the subcommands still run, and say what they are now. */
    @Test
    void theFormsOfBeforeTheSubcommandsStillRunAndNameTheirReplacement(@TempDir Path dir) throws Exception {
        Path runDir = SyntheticRun.write(dir.resolve("runs/r"), 300, STEPS, TRAIN, VAL, "data/none", true);
        SyntheticActivations.at(runDir.resolve("activations"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(50, 6, 1.0, 1)).write();
        Result oldRun = run("analyze", runDir.toString(), "--chunk", "16", "--pairwise-sample", "20");
        assertEquals(0, oldRun.code, oldRun.err);
        assertTrue(oldRun.err.contains("now `amem analyze run " + runDir + " --chunk 16 --pairwise-sample 20`"),
                oldRun.err);
        assertTrue(Files.size(runDir.resolve("analysis/loss.csv")) > 100);
        assertTrue(Files.size(runDir.resolve("analysis/radius.csv")) > 100);

        Path heldOut = SyntheticActivations.at(dir.resolve("heldout"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(10, 6, 1.0, 2)).write();
        Path out = dir.resolve("out");
        Result oldEnergies = run("analyze", "--activations", heldOut.toString(), "--patterns",
                runDir.resolve("activations").toString(), "--out", out.toString());
        assertEquals(0, oldEnergies.code, oldEnergies.err);
        assertTrue(oldEnergies.err.contains("now `amem analyze activations " + heldOut + " --patterns "
                + runDir.resolve("activations") + " --out " + out + "`"), oldEnergies.err);
        assertTrue(Files.isRegularFile(out.resolve("energy.csv")));

        Result both = run("analyze", runDir.toString(), "--activations", heldOut.toString());
        assertEquals(2, both.code);
        assertTrue(both.err.contains("`amem analyze run " + runDir + " --no-radius` and `amem analyze activations "
                + heldOut + " --out " + runDir + "/analysis`"), both.err);

        Result oldBadOption = run("analyze", runDir.toString(), "--no-such-option");
        assertEquals(2, oldBadOption.code);
        assertTrue(oldBadOption.err.contains("--no-such-option"), oldBadOption.err);
    }
}
