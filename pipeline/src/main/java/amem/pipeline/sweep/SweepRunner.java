package amem.pipeline.sweep;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.AtomicFiles;
import amem.pipeline.run.RunDirectory;
import amem.pipeline.run.RunDirectoryException;
import amem.pipeline.run.RunLock;
import amem.pipeline.train.Progress;
import amem.pipeline.train.TrainingLoop;
import amem.pipeline.train.TrainingFault;
import amem.pipeline.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Runs cells of a sweep one after another on this machine: a finished cell ({@code DONE}) is skipped, an interrupted
 * one is resumed from its newest checkpoint, a new one is started; {@code sweep.csv} is rewritten after every cell.
 * A cell that fails (a non-finite loss, a model too large for the device) is reported and the sweep goes on with the
 * next, because one bad corner of a grid should not cost the rest of a week; a stop signal (Ctrl-C, SIGTERM)
 * checkpoints the running cell and ends the sweep, and the same command later continues where it stopped.
 */
public final class SweepRunner {

    /** What happened to one cell. */
    public record CellResult(SweepPlan.Cell cell, String action, String status, String message,
            TrainingLoop.Outcome outcome) {}

    /** The whole invocation: per-cell results, and the outcome of a cell interrupted by a signal, if any. */
    public record Result(List<CellResult> cells, TrainingLoop.Outcome interrupted) {
        public long failed() {
            return cells.stream().filter(c -> c.status().equals("failed")).count();
        }
    }

    private SweepRunner() {}

    /**
     * @param runtimeSets overrides that only say where and how to run ({@code train.device=gpu:1}); they are applied
     *     to new and resumed cells alike and do not change the plan
     */
    public static Result run(SweepPlan plan, List<SweepPlan.Cell> cells, List<String> runtimeSets, Progress progress,
            TrainingRun.Options options) throws IOException {
        List<CellResult> results = new ArrayList<>();
        int position = 0;
        for (SweepPlan.Cell cell : cells) {
            position++;
            Path dir = plan.runDir(cell);
            String where = String.format(Locale.ROOT, "cell %d/%d [%d] %s", position, cells.size(), cell.index(),
                    cell.name());
            if (Files.exists(dir.resolve("DONE"))) {
                progress.message(where + ": finished earlier, skipped");
                results.add(new CellResult(cell, "skipped", "done", "", null));
                continue;
            }
            CellResult result;
            try {
                SweepData.ensure(plan, cell.data(), progress::message);
                TrainingRun.Result run;
                if (RunDirectory.holdsRun(dir)) {
                    progress.message(where + ": resuming " + dir);
                    run = TrainingRun.resume(dir, runtimeSets, progress, options);
                } else {
                    progress.message(where + ": starting " + dir);
                    clearAbortedStart(dir);
                    RunConfig config = plan.config(cell);
                    for (String set : runtimeSets) {
                        config = config.withAssignment(set);
                    }
                    run = TrainingRun.start(config, dir, progress, options);
                }
                TrainingLoop.Outcome outcome = run.outcome();
                String action = outcome.finished() ? "trained" : "stopped";
                result = new CellResult(cell, action, SweepTable.status(dir), "", outcome);
            } catch (TrainingFault e) {
                result = new CellResult(cell, "failed", "failed", e.getMessage(), null);
            } catch (ConfigException | RunDirectoryException e) {
                // refused before training: impossible shape, too large for the device, damaged run directory
                result = new CellResult(cell, "failed", "failed", e.getMessage(), null);
            }
            results.add(result);
            Path failure = SweepTable.failureFile(plan, cell);
            if (result.status().equals("failed")) {
                Files.createDirectories(failure.getParent());
                AtomicFiles.writeString(failure, result.message() + "\n");
            } else {
                Files.deleteIfExists(failure);
            }
            if (result.status().equals("failed")) {
                progress.message(where + ": FAILED: " + result.message());
            } else {
                TrainingLoop.Outcome o = result.outcome();
                progress.message(String.format(Locale.ROOT, "%s: %s at step %d, val loss %.4f (%.0f s)", where,
                        result.status(), o.step(), o.evalValLoss(), o.seconds()));
            }
            SweepTable.write(plan);
            if (result.outcome() != null && !result.outcome().finished()) {
                return new Result(results, result.outcome()); // a signal or --pause-at: stop the sweep here
            }
        }
        SweepTable.write(plan);
        return new Result(results, null);
    }

    /**
     * A start killed before it wrote config.json leaves an empty {@code checkpoints/} and maybe {@code .lock}: nothing
     * to resume, so it is cleared for a fresh start. Anything else in a directory without config.json is someone's
     * data and is refused.
     */
    static void clearAbortedStart(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                boolean emptyCheckpoints = name.equals("checkpoints") && Files.isDirectory(entry) && isEmpty(entry);
                if (!emptyCheckpoints && !name.equals(RunLock.FILE)) {
                    throw new RunDirectoryException(dir + " holds " + name + " but no run (no config.json); move it away");
                }
            }
        }
        Files.deleteIfExists(dir.resolve("checkpoints"));
        Files.deleteIfExists(dir.resolve(RunLock.FILE));
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
