package amem.pipeline.cli;

import amem.pipeline.analysis.LossAnalysis;
import picocli.CommandLine.Option;

/** The options of the loss analysis (docs/THEORY.md §3) of {@code analyze run}. */
final class LossOptions {

    @Option(names = "--plateau-window", defaultValue = "3", paramLabel = "K",
            description = "plateau: mean of the last K evaluations (default: ${DEFAULT-VALUE})")
    int plateauWindow;

    @Option(names = "--plateau-tolerance", defaultValue = "0.01", paramLabel = "TOL",
            description = "plateau: largest relative loss change per evaluation (default: ${DEFAULT-VALUE})")
    double plateauTolerance;

    @Option(names = "--paper-bound", defaultValue = "1.0", paramLabel = "NATS",
            description = "the paper's lower bound on the loss (default: ${DEFAULT-VALUE})")
    double paperBound;

    @Option(names = "--large-model-loss", defaultValue = "2.2", paramLabel = "NATS",
            description = "typical loss of large published models (default: ${DEFAULT-VALUE})")
    double largeModelLoss;

    LossAnalysis.Options options() {
        return new LossAnalysis.Options(plateauWindow, plateauTolerance, paperBound, largeModelLoss);
    }
}
