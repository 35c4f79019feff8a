package amem.pipeline.cli;

import amem.pipeline.train.TrainingLoop;
import java.nio.file.Path;
import java.util.Locale;

/** What the CLI says and returns when training ends before its last step. */
final class StopReport {

    private StopReport() {}

    /**
     * One line on how training ended: the latest training loss (the last step's batch) and the latest evaluation
     * with its step, or that there was none in this session. A stop used to print the step-0 evaluation as "train
     * loss", or NaN after a resume, which read as divergence.
     */
    static String summary(TrainingLoop.Outcome outcome, Path runDir) {
        String how = outcome.finished() ? "finished" : outcome.stoppedBy() != null ? "stopped by " + outcome.stoppedBy()
                : "paused";
        String train = Double.isNaN(outcome.lastTrainLoss()) ? "no training step in this session"
                : String.format(Locale.ROOT, "latest training loss %.4f (the batch of step %d)", outcome.lastTrainLoss(),
                        outcome.step());
        String eval;
        if (outcome.evalStep() < 0) {
            eval = "no evaluation in this session (earlier ones: " + runDir.resolve("eval.csv") + ")";
        } else {
            eval = String.format(Locale.ROOT, "latest evaluation at step %d: train %s, val %s", outcome.evalStep(),
                    loss(outcome.evalTrainLoss()), loss(outcome.evalValLoss()));
        }
        return String.format(Locale.ROOT, "%s: %s at step %d; %s; %s (%.1f s)", runDir, how, outcome.step(), train, eval,
                outcome.seconds());
    }

    private static String loss(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    /**
     * 0 when the run finished or paused as asked (--pause-at); 130 after SIGINT and 143 after SIGTERM, as shells
     * report a process ended by those signals, so scripts can tell. Either way the checkpoint is written.
     */
    static int exitCode(TrainingLoop.Outcome outcome, Path runDir) {
        if (outcome.finished()) {
            return 0;
        }
        System.out.println("checkpoint written at step " + outcome.step() + "; continue with: ./amem train --resume " + runDir);
        if ("SIGINT".equals(outcome.stoppedBy())) {
            return 130;
        }
        if ("SIGTERM".equals(outcome.stoppedBy())) {
            return 143;
        }
        return 0;
    }
}
