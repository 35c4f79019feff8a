package amem.pipeline.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out DIR} of the {@code analyze} subcommands: where the CSV tables go instead of the default analysis/. */
final class AnalysisOutput {

    @Option(names = "--out", paramLabel = "DIR",
            description = "where to write the tables (default: the analysis/ directory of the run, of the run holding "
                    + "the activations, or of the sweep)")
    Path dir;

    /** {@code --out} if given, else {@code fallback}. */
    Path or(Path fallback) {
        return dir != null ? dir : fallback;
    }
}
