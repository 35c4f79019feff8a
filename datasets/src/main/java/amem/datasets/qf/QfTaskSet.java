package amem.datasets.qf;

import amem.datasets.JsonErrors;
import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.datasets.store.TokenStoreException;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The question-formation task of a split (Murty et al. 2023; docs/THEORY.md §5C): for each {@code quest} line, the prefix
 * through the {@code quest} token and the true first word of the question, one of do / does / don't / doesn't. A
 * model answers with the argmax of its logits over those four candidates at the last prefix position; accuracy on
 * {@code val} and {@code test} measures the task in distribution, on {@code gen} the hierarchical generalisation.
 *
 * <p>On disk, {@code <split>.task.json} beside the split's token file: compact JSON with the candidate ids and three
 * columns — the line number in the split, the prefix length in tokens, and the answer id — so that Python reads it
 * with {@code json.load} and the prefixes themselves are the split's lines, never copied.
 * <pre>
 * {"format":"amem-qf-task/1","split":"val","candidates":["does","doesn't","do","don't"],"candidate_ids":[..],
 *  "lines":[0,4,...],"prefix_tokens":[12,18,...],"answers":[64,67,...]}
 * </pre>
 */
public final class QfTaskSet {
    public static final String FORMAT = "amem-qf-task/1";
    /** The splits that get a task file. */
    public static final List<String> SPLITS = List.of("val", "test", "gen");

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /** The JSON layout. */
    private record File(String format, String task, String split, List<String> candidates,
                        @SerializedName("candidate_ids") int[] candidateIds, int[] lines,
                        @SerializedName("prefix_tokens") int[] prefixTokens, int[] answers) {}

    private final String split;
    private final TokenSplit tokens;
    private final int[] candidates;
    private final int[] lines;
    private final int[] prefixTokens;
    private final int[] answers;

    private QfTaskSet(String split, TokenSplit tokens, int[] candidates, int[] lines, int[] prefixTokens, int[] answers) {
        this.split = split;
        this.tokens = tokens;
        this.candidates = candidates;
        this.lines = lines;
        this.prefixTokens = prefixTokens;
        this.answers = answers;
    }

    /** File name of a split's task set. */
    public static String fileName(String split) {
        return split + ".task.json";
    }

    /** The task file for {@code lines}, the token lines of {@code split} in store order. */
    public static byte[] build(String split, List<int[]> lines) {
        QfVocabulary vocab = QfVocabulary.standard();
        int quest = vocab.id(QfTask.QUEST.token());
        int[] candidates = vocab.auxiliaryIds();
        List<int[]> items = new ArrayList<>();
        for (int l = 0; l < lines.size(); l++) {
            int[] line = lines.get(l);
            for (int t = 0; t < line.length - 1; t++) {
                if (line[t] == quest) {
                    items.add(new int[] {l, t + 1, line[t + 1]});
                    break;
                }
            }
        }
        File file = new File(FORMAT, "after the prefix (a line through 'quest'), predict the question's first word: argmax over"
                + " the candidates", split, vocab.words(candidates), candidates, column(items, 0), column(items, 1), column(items, 2));
        return (GSON.toJson(file) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static int[] column(List<int[]> items, int c) {
        return items.stream().mapToInt(item -> item[c]).toArray();
    }

    /** Whether {@code store} has a task file for {@code split}. */
    public static boolean exists(TokenStore store, String split) {
        return Files.isRegularFile(store.dir().resolve(fileName(split)));
    }

    /**
     * Loads and validates the task set of {@code split}: every item must be a line of the split whose prefix ends with
     * {@code quest} and whose next token is the answer, one of the candidates.
     */
    public static QfTaskSet load(TokenStore store, String split) throws IOException {
        Path path = store.dir().resolve(fileName(split));
        if (!Files.isRegularFile(path)) {
            throw new TokenStoreException(path + ": no task file for split '" + split + "' (only Question-Formation stores have one)");
        }
        File file;
        try {
            file = GSON.fromJson(Files.readString(path, StandardCharsets.UTF_8), File.class);
        } catch (JsonParseException e) {
            throw new TokenStoreException(path + ": not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (file == null || !FORMAT.equals(file.format())) {
            throw new TokenStoreException(path + ": field 'format' must be '" + FORMAT + "'");
        }
        if (file.lines() == null || file.prefixTokens() == null || file.answers() == null || file.candidateIds() == null
                || file.lines().length != file.prefixTokens().length || file.lines().length != file.answers().length) {
            throw new TokenStoreException(path + ": 'lines', 'prefix_tokens' and 'answers' must be arrays of equal length,"
                    + " 'candidate_ids' an array");
        }
        TokenSplit tokens = store.split(split);
        int quest = QfVocabulary.standard().id(QfTask.QUEST.token());
        for (int i = 0; i < file.lines().length; i++) {
            int line = file.lines()[i];
            int prefix = file.prefixTokens()[i];
            String where = path + ": item " + i + " (line " + line + ")";
            if (line < 0 || line >= tokens.lineCount() || prefix < 1 || prefix >= tokens.lineLength(line)) {
                throw new TokenStoreException(where + ": line or prefix length " + prefix + " outside the split");
            }
            long start = tokens.lineStart(line);
            int answer = file.answers()[i];
            if (tokens.token(start + prefix - 1) != quest || tokens.token(start + prefix) != answer
                    || Arrays.stream(file.candidateIds()).noneMatch(c -> c == answer)) {
                throw new TokenStoreException(where + ": the prefix does not end with 'quest' followed by the answer, or the answer"
                        + " is no candidate");
            }
        }
        return new QfTaskSet(split, tokens, file.candidateIds().clone(), file.lines(), file.prefixTokens(), file.answers());
    }

    public String split() {
        return split;
    }

    /** Number of items (questions). */
    public int size() {
        return lines.length;
    }

    /** Candidate ids, in the order of {@link QfVocabulary#auxiliaryIds()}. */
    public int[] candidates() {
        return candidates.clone();
    }

    /** Line number of item {@code i} in the split. */
    public int line(int i) {
        return lines[i];
    }

    /** The prefix of item {@code i}: the line's tokens through {@code quest}. */
    public int[] prefix(int i) {
        int[] out = new int[prefixTokens[i]];
        tokens.read(tokens.lineStart(lines[i]), out, 0, out.length);
        return out;
    }

    /** The true first word of item {@code i}'s question. */
    public int answer(int i) {
        return answers[i];
    }

    /** The candidate with the largest logit ({@code logits} indexed by token id, at the last prefix position). */
    public int predict(float[] logits) {
        int best = candidates[0];
        for (int c : candidates) {
            if (logits[c] > logits[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Whether the model's logits at the last prefix position of item {@code i} pick the true answer. */
    public boolean correct(int i, float[] logits) {
        return predict(logits) == answers[i];
    }
}
