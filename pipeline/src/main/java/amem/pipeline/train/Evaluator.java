package amem.pipeline.train;

import amem.pipeline.session.ModelSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates the model on the run's fixed evaluation sets: the mean loss per counted token over the same batches
 * at every evaluation (evaluation mode: no dropout, no gradients), and the task accuracy of Question-Formation
 * stores ({@link TaskEvaluator}). One host transfer per batch; evaluations are rare next to steps.
 */
final class Evaluator {

    /**
     * The result for one split: mean loss in nats per token over {@code tokens} counted tokens, or for a task set
     * its accuracy over {@code tokens} questions (loss NaN); loss rows have accuracy NaN.
     */
    record Result(String split, double loss, long tokens, double accuracy) {}

    private final ModelSession model;
    private final List<TrainingData.EvalSet> sets;
    private final TaskEvaluator tasks;

    Evaluator(ModelSession model, List<TrainingData.EvalSet> sets, TaskEvaluator tasks) {
        this.model = model;
        this.sets = sets;
        this.tasks = tasks;
    }

    /** Where an evaluation is: the split and the batch being evaluated (for the progress line). */
    @FunctionalInterface
    interface Status {
        void at(String split, long batch, long batches);
    }

    List<Result> evaluate(Status status) {
        List<Result> results = new ArrayList<>();
        for (TrainingData.EvalSet set : sets) {
            long[] done = {0};
            HeldOutLoss.Result loss = HeldOutLoss.measure(model, set.sampler(), set.batches(),
                    arrays -> status.at(set.split(), ++done[0], set.batches()));
            results.add(new Result(set.split(), loss.natsPerToken(), loss.tokens(), Double.NaN));
        }
        if (!tasks.isEmpty()) {
            status.at("task accuracy", 0, 0);
        }
        results.addAll(tasks.evaluate());
        return results;
    }
}
