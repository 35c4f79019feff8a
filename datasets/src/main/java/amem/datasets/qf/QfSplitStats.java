package amem.datasets.qf;

import java.util.List;

/**
 * Size and shape of one split, in tokens per line (source, task token and target together): the figures
 * docs/THEORY.md §6 quotes for the reference files, as one line for logs. A summary of {@link QfStatistics}.
 */
public record QfSplitStats(int lines, long tokens, int minLineTokens, int maxLineTokens, double meanLineTokens,
                           double questionShare) {

    public static QfSplitStats of(List<QfExample> examples) {
        QfStatistics stats = new QfStatistics();
        QfVocabulary vocabulary = QfVocabulary.standard();
        for (QfExample e : examples) {
            stats.add(e.ids(vocabulary));
        }
        return of(stats);
    }

    public static QfSplitStats of(QfStatistics stats) {
        return new QfSplitStats(Math.toIntExact(stats.lines()), stats.tokens(), stats.minLineTokens(), stats.maxLineTokens(),
                stats.meanLineTokens(), stats.questionShare());
    }

    @Override
    public String toString() {
        return String.format("%d lines, %d tokens, line tokens %d–%d (mean %.2f), questions %.1f %%", lines, tokens,
                minLineTokens, maxLineTokens, meanLineTokens, 100 * questionShare);
    }
}
