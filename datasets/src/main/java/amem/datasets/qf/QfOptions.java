package amem.datasets.qf;

/**
 * Sizes and seed of a generated Question-Formation corpus. The defaults are the reference sizes of
 * docs/THEORY.md §6 (McCoy et al. 2020): 100,000 train, 1,000 dev, 10,000 test and 10,000 generalisation lines.
 */
public record QfOptions(int trainLines, int devLines, int testLines, int genLines, long seed) {

    public QfOptions {
        if (trainLines < 0 || devLines < 0 || testLines < 0 || genLines < 0) {
            throw new IllegalArgumentException("line counts must be non-negative, got train " + trainLines + ", dev " + devLines
                    + ", test " + testLines + ", gen " + genLines);
        }
    }

    public static QfOptions defaults() {
        return new QfOptions(100_000, 1_000, 10_000, 10_000, 1);
    }

    public QfOptions withSeed(long seed) {
        return new QfOptions(trainLines, devLines, testLines, genLines, seed);
    }

    /** Lines drawn from the training distribution: train + dev + test. */
    public long inDistributionLines() {
        return (long) trainLines + devLines + testLines;
    }
}
