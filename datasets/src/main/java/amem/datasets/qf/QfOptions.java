package amem.datasets.qf;

/**
 * Sizes, seed, rule weights and split procedure of a generated Question-Formation corpus. The default sizes are the
 * reference sizes of docs/THEORY.md §6 (McCoy et al. 2020): 100,000 train, 1,000 dev, 10,000 test and 10,000
 * generalisation lines; the default weights and procedure ({@link #defaults()}) are McCoy et al.'s as fitted to and
 * read from their published files ({@link QfWeights#mccoy()}, {@link QfProcedure#MCCOY}).
 */
public record QfOptions(int trainLines, int devLines, int testLines, int genLines, long seed, QfWeights weights,
                        QfProcedure procedure) {

    public QfOptions {
        if (trainLines < 0 || devLines < 0 || testLines < 0 || genLines < 0) {
            throw new IllegalArgumentException("line counts must be non-negative, got train " + trainLines + ", dev " + devLines
                    + ", test " + testLines + ", gen " + genLines);
        }
        if (weights == null || procedure == null) {
            throw new IllegalArgumentException("weights and procedure are required");
        }
    }

    /**
     * docs/THEORY.md §6's weights with the distinct-sentence procedure: the corpus amem generated before the McCoy profile
     * existed (tests with fixed expectations use it).
     */
    public QfOptions(int trainLines, int devLines, int testLines, int genLines, long seed) {
        this(trainLines, devLines, testLines, genLines, seed, QfWeights.theory(), QfProcedure.DISTINCT_SENTENCES);
    }

    /** The reference sizes, seed 1, the McCoy profile and McCoy's procedure. */
    public static QfOptions defaults() {
        return new QfOptions(100_000, 1_000, 10_000, 10_000, 1, QfWeights.mccoy(), QfProcedure.MCCOY);
    }

    public QfOptions withSeed(long seed) {
        return new QfOptions(trainLines, devLines, testLines, genLines, seed, weights, procedure);
    }

    /** Lines drawn from the training distribution: train + dev + test. */
    public long inDistributionLines() {
        return (long) trainLines + devLines + testLines;
    }
}
