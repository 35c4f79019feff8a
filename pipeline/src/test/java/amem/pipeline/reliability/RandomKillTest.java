package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.AtomicFiles;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at moments drawn from a seeded RNG — a uniform delay after the process starts training, or a delay of a
 * few milliseconds after a checkpoint write begins — for {@code amem train} (checkpoints, evaluations and activation
 * snapshots in the run), {@code amem collect} and {@code amem sweep}, resuming after each kill. Where each kill landed
 * is recorded from the last phase line the process printed and from the temporary files in flight.
 *
 * <p>CI size: {@code -Damem.kills=N} kills of the training (default 4), plus 2 of a collection and 2 of a sweep;
 * {@code -Damem.kills=20} (or more) is the long mode. Seed: {@code -Damem.kills.seed}.
 */
class RandomKillTest {

    private static final int KILLS = Integer.getInteger("amem.kills", 4);
    private static final long SEED = Long.getLong("amem.kills.seed", 16);
    private static final long STEPS = 24 + 4L * KILLS;

    private static Progress quiet() {
        return new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9);
    }

    @Test
    void trainCollectAndSweepKilledAtRandomMomentsFinishAsIfUninterrupted(@TempDir Path dir) throws Exception {
        Random random = new Random(SEED);
        List<String> report = new ArrayList<>();
        Path store = TinyQf.store(dir);
        Path run = killTraining(dir, store, random, report);
        killCollection(dir, run, random, report);
        killSweep(dir, store, random, report);
        long inWrite = report.stream().filter(r -> r.contains("inside a write")).count();
        System.out.println("RandomKillTest: " + report.size() + " kills, " + inWrite + " inside a write:\n  "
                + String.join("\n  ", report));
    }

    /** Returns the finished run (used by the collection). */
    private static Path killTraining(Path dir, Path store, Random random, List<String> report) throws Exception {
        StringBuilder snapshots = new StringBuilder();
        for (long s = 5; s < STEPS; s += 7) {
            snapshots.append(snapshots.length() == 0 ? "" : ",").append(s);
        }
        // Wide enough that a checkpoint (parameters + moments, about 3 MB) takes milliseconds to write and checksum.
        RunConfig config = TinyQf.config(store, STEPS)
                .with("model.n_embd", "128").with("model.n_head", "4").with("model.ffn_width", "512")
                .with("train.checkpoint_interval", "3")
                .with("hooks.snapshot_steps", snapshots.toString())
                .with("hooks.snapshot_tokens", "600")
                .with("hooks.stats_interval", "5");
        Path configFile = dir.resolve("config.json");
        Files.writeString(configFile, config.toPrettyJson());
        Path reference = dir.resolve("reference");
        TrainingRun.start(config, reference, quiet(), Long.MAX_VALUE);

        Path run = dir.resolve("killed");
        int kills = 0;
        for (int round = 0; kills < KILLS && round < 3 * KILLS; round++) {
            String[] args = round == 0
                    ? new String[] {"train", "--config", configFile.toString(), "--run", run.toString()}
                    : new String[] {"train", "--resume", run.toString()};
            try (AmemProcess amem = AmemProcess.start(args)) {
                amem.awaitLine(l -> l.contains("step begin"), 120);
                String aim;
                int choice = random.nextInt(3);
                if (choice == 2) {
                    aim = "in a snapshot write";
                    try {
                        amem.awaitLine(l -> l.matches(".*step begin (" + snapshots.toString().replace(',', '|') + ")"), 120);
                        Thread.sleep(5 + random.nextInt(40)); // the step, then the snapshot of its result
                    } catch (AssertionError noSnapshotLeft) {
                        if (amem.isAlive()) {
                            throw noSnapshotLeft;
                        }
                    }
                } else if (choice == 1) {
                    aim = "in a checkpoint write";
                    int[] skip = {random.nextInt(2)};
                    try {
                        amem.awaitLine(l -> l.contains("checkpoint begin") && skip[0]-- <= 0, 120);
                        Thread.sleep(random.nextInt(6));
                    } catch (AssertionError finished) {
                        if (amem.isAlive()) {
                            throw finished;
                        }
                    }
                } else {
                    aim = "at a uniform moment";
                    // Within the first few hundred milliseconds: a step of this model takes 30-40 ms on 2 cores, and a
                    // wider window mostly lands after the run has finished.
                    Thread.sleep(random.nextInt(500));
                }
                List<String> inFlight = inFlight(run);
                String last = amem.lastLine(l -> l.contains("TrainingLoop - ")).replaceAll(".*TrainingLoop - ", "");
                if (!amem.kill()) {
                    report.add("train round " + round + ": finished before the kill (" + aim + ")");
                    break;
                }
                if (Files.exists(run.resolve("DONE"))) {
                    // The kill met a process that had finished the run (DONE is its last write) and was exiting.
                    report.add("train round " + round + ": finished before the kill landed (" + aim + ")");
                    break;
                }
                kills++;
                report.add("train kill " + kills + " " + aim + ": after \"" + last + "\""
                        + (inFlight.isEmpty() ? "" : ", inside a write: " + inFlight));
            }
            for (Path checkpoint : children(run.resolve("checkpoints"), "step-")) {
                Checkpoints.verify(checkpoint); // throws if any file is missing or differs from its checksum
            }
            for (Path snapshot : children(run.resolve("activations"), "step-")) {
                assertTrue(Files.isRegularFile(snapshot.resolve("manifest.json")), snapshot + " looks complete");
            }
        }
        // A round whose run finished before its kill (a fast machine) leaves nothing to resume: resume refuses a
        // finished run, so only an unfinished one is resumed here.
        if (!Files.exists(run.resolve("DONE"))) {
            try (AmemProcess amem = AmemProcess.start("train", "--resume", run.toString())) {
                assertEquals(0, amem.waitFor(300), amem.stderr());
            }
        }
        assertTrue(kills > 0, "at least one kill landed: " + report);
        assertTrue(Files.exists(run.resolve("DONE")));
        assertEquals(numbers(reference.resolve("metrics.csv"), 5), numbers(run.resolve("metrics.csv"), 5),
                "metrics.csv: step, tokens, lr, train_loss, grad_norm of every step");
        assertEquals(Files.readAllLines(reference.resolve("eval.csv")).stream().map(l -> l.split(",")[2]).toList(),
                Files.readAllLines(run.resolve("eval.csv")).stream().map(l -> l.split(",")[2]).toList());
        assertEquals(parameterChecksum(reference), parameterChecksum(run), "final parameters");
        assertEquals(snapshotChecksums(reference), snapshotChecksums(run), "activation snapshots, bit for bit");
        return run;
    }

    private static void killCollection(Path dir, Path run, Random random, List<String> report) throws Exception {
        String[] args = {"collect", "--run", run.toString(), "--split", "train", "--hooks", "blocks.*.hook_resid_post",
            "--tokens", "6000", "--batch-tokens", "200", "--out", dir.resolve("acts").toString()};
        Path reference = dir.resolve("acts-reference");
        String[] referenceArgs = args.clone();
        referenceArgs[referenceArgs.length - 1] = reference.toString();
        long start = System.nanoTime();
        assertEquals(0, amem.pipeline.cli.AmemCli.execute(referenceArgs), "the uninterrupted collection (in-process)");
        int millis = (int) ((System.nanoTime() - start) / 1_000_000);
        Path out = dir.resolve("acts");
        for (int kill = 1; kill <= 2; kill++) {
            try (AmemProcess amem = AmemProcess.start(args)) {
                amem.awaitLine(l -> l.startsWith("collecting "), 120);
                Thread.sleep(random.nextInt(Math.max(1, millis / 2))); // a child runs faster than the first, cold run
                boolean partial = hasPartial(dir, "acts");
                boolean killed = amem.kill();
                report.add("collect kill " + kill + (killed ? "" : " (finished first)")
                        + (partial ? ", inside a write: .acts.partial-*" : ", before writing"));
            }
            assertTrue(!Files.exists(out) || Files.isRegularFile(out.resolve("manifest.json")),
                    "the output is complete or absent");
            if (Files.exists(out)) {
                break; // it finished before the kill: nothing left to resume
            }
        }
        if (!Files.exists(out)) {
            try (AmemProcess amem = AmemProcess.start(args)) {
                assertEquals(0, amem.waitFor(180), amem.stderr());
            }
        }
        assertFalse(hasPartial(dir, "acts"), "partial directories of killed collections are cleared");
        ActivationSet.open(out);
        assertEquals(fileChecksums(reference, "manifest.json"), fileChecksums(out, "manifest.json"),
                "the rerun writes exactly what an uninterrupted collection writes");
    }

    private static void killSweep(Path dir, Path store, Random random, List<String> report) throws Exception {
        Path file = dir.resolve("grid.json");
        Files.writeString(file, """
                {"config": {"model": {"architecture": "vanilla", "context_length": 40, "n_layer": 1, "n_head": 2,
                                      "n_embd": 16, "ffn_width": 32},
                            "data": {"dir": "%s"},
                            "train": {"steps": 40, "batch_size": 8, "lr": 3e-3, "warmup_steps": 2, "eval_interval": 20,
                                      "eval_batches": 2, "checkpoint_interval": 10, "task_items": -1, "device": "cpu"}},
                 "grid": {"models": [{"name": "a"}, {"name": "b", "set": {"model.n_embd": 8}}, {"name": "c"}]}}
                """.formatted(store.toString().replace("\\", "\\\\")));
        Path sweep = dir.resolve("sweep");
        String[] args = {"sweep", "--config", file.toString(), "--dir", sweep.toString()};
        for (int kill = 1; kill <= 1; kill++) {
            try (AmemProcess amem = AmemProcess.start(args)) {
                amem.awaitLine(l -> l.contains("step begin"), 120);
                Thread.sleep(random.nextInt(2500));
                String last = amem.lastLine(l -> l.contains("TrainingLoop - ")).replaceAll(".*TrainingLoop - ", "");
                List<String> inFlight = new ArrayList<>();
                for (Path cellRun : children(sweep.resolve("runs"), "")) {
                    inFlight.addAll(inFlight(cellRun));
                }
                boolean killed = amem.kill();
                report.add("sweep kill " + kill + (killed ? "" : " (finished first)") + ": after \"" + last + "\""
                        + (inFlight.isEmpty() ? "" : ", inside a write: " + inFlight));
            }
        }
        try (AmemProcess amem = AmemProcess.start(args)) {
            assertEquals(0, amem.waitFor(300), amem.stderr());
        }
        for (String cell : List.of("a", "b", "c")) {
            Path cellRun = sweep.resolve("runs").resolve(cell);
            assertTrue(Files.exists(cellRun.resolve("DONE")), cell + " finished");
            List<Long> steps = new ArrayList<>(numbers(cellRun.resolve("metrics.csv"), 1).keySet());
            assertEquals(40, steps.size(), cell + ": every step once");
            JsonArray sessions = JsonParser.parseString(Files.readString(cellRun.resolve("config.json")))
                    .getAsJsonObject().getAsJsonArray("sessions");
            long starts = 0;
            for (var session : sessions) {
                starts += ((JsonObject) session).get("kind").getAsString().equals("start") ? 1 : 0;
            }
            assertEquals(1, starts, cell + " was started once and only resumed after that");
        }
    }

    /** Temporary checkpoint and snapshot directories present now (a write in progress). */
    private static List<String> inFlight(Path run) throws Exception {
        List<String> found = new ArrayList<>();
        for (Path p : children(run.resolve("checkpoints"), ".tmp-")) {
            found.add("checkpoints/" + p.getFileName());
        }
        for (Path p : children(run.resolve("activations"), ".")) {
            if (p.getFileName().toString().contains(".partial-")) {
                found.add("activations/" + p.getFileName());
            }
        }
        return found;
    }

    private static boolean hasPartial(Path dir, String name) throws Exception {
        return !children(dir, "." + name + ".partial-").isEmpty();
    }

    private static List<Path> children(Path dir, String prefix) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }

    /** Rows of a CSV by their first column: the first {@code columns} values as text (exact, as written). */
    private static Map<Long, List<String>> numbers(Path csv, int columns) throws Exception {
        Map<Long, List<String>> rows = new TreeMap<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] cells = line.split(",");
            assertTrue(rows.put(Long.parseLong(cells[0]), List.of(cells).subList(0, columns)) == null,
                    csv + ": step " + cells[0] + " twice");
        }
        return rows;
    }

    private static String parameterChecksum(Path run) throws Exception {
        Path state = run.resolve(String.format("checkpoints/step-%09d/state.json", STEPS));
        return JsonParser.parseString(Files.readString(state)).getAsJsonObject()
                .getAsJsonObject("files").get("model-0000.params").getAsString();
    }

    private static Map<String, String> snapshotChecksums(Path run) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        for (Path snapshot : children(run.resolve("activations"), "step-")) {
            fileChecksums(snapshot, "manifest.json").forEach((k, v) -> sums.put(snapshot.getFileName() + "/" + k, v));
        }
        assertFalse(sums.isEmpty(), "snapshots were taken");
        return sums;
    }

    /** SHA-256 of every file under {@code root} except those named {@code except} (which hold times and paths). */
    private static Map<String, String> fileChecksums(Path root, String except) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals(except)) {
                    sums.put(root.relativize(p).toString(), AtomicFiles.sha256(p));
                }
            }
        }
        return sums;
    }
}
