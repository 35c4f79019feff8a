package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.sampling.TokenBatch;
import amem.models.LmLoss;
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
            double nll = 0;
            long counted = 0;
            for (long i = 0; i < set.batches(); i++) {
                status.at(set.split(), i + 1, set.batches());
                try (NDManager scope = model.manager().newSubManager()) {
                    TokenBatch batch = set.sampler().batch(i);
                    BatchArrays arrays = BatchArrays.of(batch, scope);
                    NDArray loss = LmLoss.crossEntropy(model.logits(arrays.inputs(), false), arrays.targets(), arrays.mask());
                    nll += loss.getFloat() * (double) batch.lossTokens();
                    counted += batch.lossTokens();
                }
            }
            results.add(new Result(set.split(), nll / counted, counted, Double.NaN));
        }
        if (!tasks.isEmpty()) {
            status.at("task accuracy", 0, 0);
        }
        results.addAll(tasks.evaluate());
        return results;
    }
}
