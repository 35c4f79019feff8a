package amem.pipeline.cli;

import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RadiusStatistic;
import picocli.CommandLine.Option;

/** The options of the radius analysis (docs/THEORY.md §2), shared by {@code analyze run} and {@code analyze activations}. */
final class RadiusOptions {

    @Option(names = "--radius-statistic", defaultValue = "median_nn_half", paramLabel = "NAME",
            description = "statistic defining r_hat: median_nn_half, mean_nn_half, p5_nn_half, min_nn_half (default: ${DEFAULT-VALUE})")
    String statistic;

    @Option(names = "--chunk", defaultValue = "4096", paramLabel = "N",
            description = "rows per block of the distance computation; memory is about 2 N² floats (default: ${DEFAULT-VALUE})")
    int chunk;

    @Option(names = "--pairwise-sample", defaultValue = "2000", paramLabel = "N",
            description = "vectors in the random subsample for pairwise distances (default: ${DEFAULT-VALUE})")
    int pairwiseSample;

    @Option(names = "--max-vectors", defaultValue = "100000", paramLabel = "N",
            description = "vectors per hook at most, a seeded random subset beyond (default: ${DEFAULT-VALUE})")
    long maxVectors;

    @Option(names = "--bins", defaultValue = "60", paramLabel = "N", description = "histogram bins (default: ${DEFAULT-VALUE})")
    int bins;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random subsets (default: ${DEFAULT-VALUE})")
    long seed;

    /** Checked options (an unknown statistic names the known ones). */
    RadiusAnalysis.Options options() {
        return new RadiusAnalysis.Options(RadiusStatistic.parse(statistic), chunk, pairwiseSample, maxVectors, bins, seed);
    }
}
