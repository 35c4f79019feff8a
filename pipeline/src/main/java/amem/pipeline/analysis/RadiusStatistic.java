package amem.pipeline.analysis;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which statistic of the nearest-neighbour distances defines a layer's empirical radius {@code r_hat}
 * (docs/THEORY.md §2). The paper's own choice is not known; the default is half the median nearest-neighbour
 * distance, and the name of the statistic used is always recorded next to the radius.
 */
public enum RadiusStatistic {
    MEDIAN_NN_HALF("median_nn_half", "half the median nearest-neighbour distance"),
    MEAN_NN_HALF("mean_nn_half", "half the mean nearest-neighbour distance"),
    P5_NN_HALF("p5_nn_half", "half the 5th percentile of the nearest-neighbour distances"),
    MIN_NN_HALF("min_nn_half", "half the smallest nearest-neighbour distance (balls never overlap)");

    private final String key;
    private final String description;

    RadiusStatistic(String key, String description) {
        this.key = key;
        this.description = description;
    }

    /** The name used on the command line and in radius.csv. */
    public String key() {
        return key;
    }

    public String description() {
        return description;
    }

    /** The radius from the nearest-neighbour summary. */
    public double radius(Summary nearest) {
        switch (this) {
            case MEAN_NN_HALF:
                return nearest.mean() / 2;
            case P5_NN_HALF:
                return nearest.p5() / 2;
            case MIN_NN_HALF:
                return nearest.min() / 2;
            default:
                return nearest.median() / 2;
        }
    }

    /** Parses a {@link #key()}; the error lists the valid names. */
    public static RadiusStatistic parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (RadiusStatistic statistic : values()) {
            if (statistic.key.equals(wanted)) {
                return statistic;
            }
        }
        throw new IllegalArgumentException("radius statistic \"" + text + "\" is not one of "
                + Arrays.stream(values()).map(RadiusStatistic::key).collect(Collectors.joining(", ")));
    }
}
