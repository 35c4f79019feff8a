package amem.pipeline.cli;

import amem.pipeline.train.TrainingLoop;
import java.nio.file.Path;

/** What the CLI says and returns when training ends before its last step. */
final class StopReport {

    private StopReport() {}

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
