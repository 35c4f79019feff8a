package amem.datasets.qf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QfStoreBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void storeHoldsExactlyTheGeneratedLines() throws IOException {
        QfOptions options = new QfOptions(2000, 100, 200, 200, 7);
        List<String> log = new ArrayList<>();
        TokenStore store = QfStoreBuilder.write(options, tmp.resolve("qf"), false, log::add);
        QfCorpus corpus = QfCorpusGenerator.generate(options);
        QfVocabulary vocab = QfVocabulary.standard();

        TokenStore reopened = TokenStore.open(tmp.resolve("qf"));
        assertEquals(store.meta(), reopened.meta());
        assertEquals(List.of("train", "val", "test", "gen"), List.copyOf(reopened.splitNames()));
        assertEquals(vocab.words(), reopened.vocabulary());
        assertEquals("word", reopened.meta().tokenizer());
        assertEquals(68, reopened.vocabSize());
        assertEquals(7L, reopened.meta().seed());
        for (Map.Entry<String, List<QfExample>> split : corpus.byStoreSplit().entrySet()) {
            TokenSplit tokens = reopened.split(split.getKey());
            assertEquals(split.getValue().size(), tokens.lineCount(), split.getKey());
            for (int l = 0; l < tokens.lineCount(); l++) {
                assertArrayEquals(split.getValue().get(l).ids(vocab), tokens.line(l));
            }
        }
        Map<String, Object> source = reopened.meta().source();
        assertEquals("question-formation", source.get("kind"));
        assertEquals(100L, source.get("dev_lines"));
        assertEquals(QfSplitStats.of(corpus.train()).meanLineTokens(), (Double) source.get("mean_line_tokens"), 1e-4);
        reopened.verifyChecksums();
        assertEquals(7, log.size(), log.toString());
    }

    /**
     * The reference-size corpus with the distinct-sentence procedure (the one the deduplicated-entropy estimate models):
     * generated and written in seconds, with docs/THEORY.md §6's figures.
     */
    @Test
    void referenceSizeCorpusMatchesTheReferenceFigures() throws IOException {
        long start = System.nanoTime();
        QfOptions options = new QfOptions(100_000, 1_000, 10_000, 10_000, 1, QfWeights.mccoy(), QfProcedure.DISTINCT_SENTENCES);
        TokenStore store = QfStoreBuilder.write(options, tmp.resolve("qf"), false, System.out::println);
        double seconds = (System.nanoTime() - start) / 1e9;

        TokenSplit train = store.split("train");
        Map<String, Object> source = store.meta().source();
        double mean = (Double) source.get("mean_line_tokens");
        double questions = (Double) source.get("question_share_train");
        System.out.printf("QF defaults: %.2f s, train %d tokens in %d lines (mean %.2f tokens/line, %.1f %% questions),"
                        + " val %d, test %d, gen %d lines%n", seconds, train.tokens(), train.lineCount(), mean, 100 * questions,
                store.split("val").lineCount(), store.split("test").lineCount(), store.split("gen").lineCount());
        assertTrue(seconds < 20, "generating and writing the default corpus took " + seconds + " s");
        assertEquals(100_000, train.lineCount());
        assertTrue(train.tokens() > 2_000_000 && train.tokens() < 2_400_000, "train tokens " + train.tokens());
        assertTrue(mean > 20.5 && mean < 23, "mean line tokens " + mean);
        assertTrue(questions > 0.36 && questions < 0.42, "question share " + questions);
        assertEquals(11L, source.get("min_line_tokens"));
        assertEquals(35L, source.get("max_line_tokens"));

        // A 20k-line sample (train is shuffled, so its first 20k lines are one).
        int quest = QfVocabulary.standard().id("quest");
        long tokens = 0;
        int questionLines = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int l = 0; l < 20_000; l++) {
            int[] line = train.line(l);
            tokens += line.length;
            min = Math.min(min, line.length);
            max = Math.max(max, line.length);
            questionLines += line[(line.length - 3) / 2 + 1] == quest ? 1 : 0;
        }
        double sampleMean = tokens / 20_000.0;
        double sampleQuestions = questionLines / 20_000.0;
        System.out.printf("QF 20k-line train sample: lines %d–%d tokens, mean %.2f, questions %.1f %%%n", min, max, sampleMean,
                100 * sampleQuestions);
        assertTrue(min == 11 && max == 35, min + "–" + max);
        assertTrue(sampleMean > 20.5 && sampleMean < 23, "sample mean " + sampleMean);
        assertTrue(sampleQuestions > 0.36 && sampleQuestions < 0.42, "sample question share " + sampleQuestions);
        assertTrue(Files.size(store.dir().resolve("train.bin")) == 2 * train.tokens());

        // The deduplicated-corpus estimate predicts the corpus' mean line length (deduplication lengthens lines).
        Map<?, ?> dedup = (Map<?, ?>) ((Map<?, ?>) source.get("entropy")).get("deduplicated_estimate");
        long inDistribution = train.lineCount() + store.split("val").lineCount() + store.split("test").lineCount();
        double corpusMean = (double) (train.tokens() + store.split("val").tokens() + store.split("test").tokens()) / inDistribution;
        assertEquals(corpusMean, (Double) dedup.get("mean_line_tokens"), 0.03, "dedup estimate vs corpus");
        assertEquals(111_000L, dedup.get("in_distribution_lines"));
    }
}
