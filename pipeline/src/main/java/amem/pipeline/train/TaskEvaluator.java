package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import amem.datasets.qf.QfTaskSet;
import amem.pipeline.session.ModelSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Question-formation accuracy (docs/THEORY.md §5C, Murty et al. 2023): for each question of a task set, the prefix
 * through {@code quest} goes through the model in evaluation mode and the answer is the argmax of the logits at the
 * last prefix position over do / does / don't / doesn't. Prefixes are batched and padded at the end (the causal
 * mask keeps padding out of the real positions); the logits of each row's last position are gathered on the device
 * and come to the host once per batch.
 */
public final class TaskEvaluator {

    /** Prefixes per forward pass. */
    static final int BATCH = 64;

    private final ModelSession model;
    private final List<QfTaskSet> tasks;
    private final int items;

    /**
     * @param items questions per task set at each evaluation (the first ones, the same every time); 0 = all
     */
    TaskEvaluator(ModelSession model, List<QfTaskSet> tasks, int items) {
        this.model = model;
        this.tasks = tasks;
        this.items = items;
    }

    /** Accuracy in [0, 1] over every question of {@code task} (for {@code amem eval}). */
    public static double accuracy(ModelSession model, QfTaskSet task) {
        return new TaskEvaluator(model, List.of(task), 0).evaluate().get(0).accuracy();
    }

    /** Whether there is no task set to evaluate (stores other than Question-Formation). */
    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** One result per task set: the split named as in docs/THEORY.md §5C (val is the dev set), accuracy in [0, 1]. */
    List<Evaluator.Result> evaluate() {
        List<Evaluator.Result> results = new ArrayList<>();
        for (QfTaskSet task : tasks) {
            int count = items == 0 ? task.size() : Math.min(items, task.size());
            int correct = 0;
            for (int first = 0; first < count; first += BATCH) {
                correct += correctInBatch(task, first, Math.min(count, first + BATCH));
            }
            String name = task.split().equals("val") ? "dev" : task.split();
            results.add(new Evaluator.Result(name, Double.NaN, count, count == 0 ? Double.NaN : correct / (double) count));
        }
        return results;
    }

    private int correctInBatch(QfTaskSet task, int from, int to) {
        int rows = to - from;
        int[][] prefixes = new int[rows][];
        int longest = 0;
        for (int r = 0; r < rows; r++) {
            prefixes[r] = task.prefix(from + r);
            longest = Math.max(longest, prefixes[r].length);
        }
        int vocab = model.config().vocabSize();
        long[] tokens = new long[rows * longest];
        long[] last = new long[rows * vocab];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < prefixes[r].length; t++) {
                tokens[r * longest + t] = prefixes[r][t];
            }
            java.util.Arrays.fill(last, r * vocab, (r + 1) * vocab, prefixes[r].length - 1);
        }
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray input = scope.create(tokens, new Shape(rows, longest));
            NDArray logits = model.logits(input, false); // (rows, longest, V)
            NDArray index = scope.create(last, new Shape(rows, 1, vocab));
            float[] atLast = logits.gather(index, 1).toFloatArray(); // (rows, 1, V)
            int correct = 0;
            float[] row = new float[vocab];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(atLast, r * vocab, row, 0, vocab);
                if (task.predict(row) == task.answer(from + r)) {
                    correct++;
                }
            }
            return correct;
        }
    }
}
