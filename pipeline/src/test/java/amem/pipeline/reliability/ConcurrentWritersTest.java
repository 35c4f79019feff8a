package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.Tables;
import amem.pipeline.hooks.ActivationDatasetWriter;
import amem.pipeline.report.ReportWriter;
import amem.pipeline.sweep.SweepTable;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/**
 * Two amem processes writing the same thing at once: two sweeps on one directory share its cells (each cell runs
 * once, sweep.csv stays a complete table), a second collection into a directory in use is refused naming the owner,
 * and two reports into one file (another process and this one) both finish with a complete page.
 */
class ConcurrentWritersTest {

    private static final Pattern STARTED = Pattern.compile("cell \\d+/\\d+ \\[\\d+\\] (\\S+): starting");

    @Test
    void twoSweepsShareTheCellsOfOneDirectory(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path file = dir.resolve("grid.json");
        Files.writeString(file, """
                {"config": {"model": {"architecture": "vanilla", "context_length": 40, "n_layer": 1, "n_head": 2,
                                      "n_embd": 16, "ffn_width": 32},
                            "data": {"dir": "%s"},
                            "train": {"steps": 60, "batch_size": 8, "lr": 3e-3, "warmup_steps": 2, "eval_interval": 30,
                                      "eval_batches": 2, "checkpoint_interval": 30, "task_items": -1, "device": "cpu"}},
                 "grid": {"models": [{"name": "a"}, {"name": "b", "set": {"model.n_embd": 8}}, {"name": "c"},
                                     {"name": "d", "set": {"model.n_embd": 8}}]}}
                """.formatted(store.toString().replace("\\", "\\\\")));
        Path sweep = dir.resolve("sweep");
        try (AmemProcess first = AmemProcess.start("sweep", "--config", file.toString(), "--dir", sweep.toString());
                AmemProcess second = AmemProcess.start("sweep", "--config", file.toString(), "--dir", sweep.toString())) {
            assertEquals(0, first.waitFor(240), first.stderr() + first.stdout());
            assertEquals(0, second.waitFor(240), second.stderr() + second.stdout());
            Set<String> byFirst = started(first.stdout() + "\n" + first.stderr());
            Set<String> bySecond = started(second.stdout() + "\n" + second.stderr());
            System.out.println("ConcurrentWritersTest: first sweep ran " + byFirst + ", second " + bySecond);
            Set<String> both = new HashSet<>(byFirst);
            both.retainAll(bySecond);
            assertEquals(Set.of(), both, "no cell started by both processes");
            Set<String> all = new HashSet<>(byFirst);
            all.addAll(bySecond);
            assertEquals(Set.of("a", "b", "c", "d"), all, "every cell ran");
            assertFalse(byFirst.isEmpty() || bySecond.isEmpty(), "both processes made progress");
        }
        Table table = Tables.read(sweep.resolve(SweepTable.FILE), SweepTable.TEXT_COLUMNS);
        assertEquals(4, table.rowCount());
        assertTrue(table.stringColumn("status").asList().stream().allMatch("done"::equals), table.print());
        for (String cell : List.of("a", "b", "c", "d")) {
            List<String> metrics = Files.readAllLines(sweep.resolve("runs/" + cell + "/metrics.csv"));
            assertEquals(61, metrics.size(), cell + ": header and 60 steps, none twice");
        }
        try (Stream<Path> files = Files.list(sweep)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aSecondCollectionIntoADirectoryInUseIsRefusedAndTwoReportsIntoOneFileBothFinish(@TempDir Path dir)
            throws Exception {
        Path store = TinyQf.store(dir);
        Path run = dir.resolve("run");
        TrainingRun.start(TinyQf.config(store, 8), run, new Progress(new PrintStream(new ByteArrayOutputStream()), false,
                1e9), Long.MAX_VALUE);
        Path out = dir.resolve("acts");
        // This JVM is the first collection (the writer amem collect uses, open and unfinished); a real second
        // `amem collect` into the same directory is refused naming this process.
        try (ActivationDatasetWriter first = new ActivationDatasetWriter(out, 100, false)) {
            try (AmemProcess second = AmemProcess.start("collect", "--run", run.toString(), "--hooks",
                    "blocks.*.hook_resid_post", "--tokens", "100", "--out", out.toString())) {
                assertEquals(2, second.waitFor(120), second.stderr());
                String err = second.stderr().lines().filter(l -> l.startsWith("amem collect: error")).findFirst()
                        .orElse(second.stderr());
                assertTrue(err.contains("output directory " + out.toAbsolutePath().normalize()
                        + " is in use by another amem process (pid " + ProcessHandle.current().pid()), err);
            }
        }
        assertFalse(Files.exists(out), "nothing that looks complete");
        try (AmemProcess again = AmemProcess.start("collect", "--run", run.toString(), "--hooks",
                "blocks.*.hook_resid_post", "--tokens", "100", "--out", out.toString())) {
            assertEquals(0, again.waitFor(120), again.stderr());
        }
        assertTrue(Files.isRegularFile(out.resolve("manifest.json")), "the owner gone, the collection runs");

        // Two reports into one file at once: a child process and this JVM (one JVM start less than two children).
        Path report = dir.resolve("shared/report.html");
        try (AmemProcess other = AmemProcess.start("report", run.toString(), "--out", report.toString())) {
            try {
                other.awaitLine(line -> line.contains("PtEngine"), 120); // its engine is up: it is building the page
            } catch (AssertionError finishedAlready) {
                assertFalse(other.isAlive(), finishedAlready.getMessage());
            }
            ReportWriter.write(List.of(run), report);
            assertEquals(0, other.waitFor(180), other.stderr());
        }
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile()); // complete and well-formed
        try (Stream<Path> files = Files.list(report.getParent())) {
            assertEquals(List.of("plots", "report.html"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary page or plot directory left");
        }
    }

    private static Set<String> started(String output) {
        Set<String> cells = new HashSet<>();
        Matcher m = STARTED.matcher(output);
        while (m.find()) {
            assertTrue(cells.add(m.group(1)), "started twice by one process: " + m.group(1));
        }
        return cells;
    }
}
