package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import amem.datasets.sampling.TokenBatch;
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

    List<Result> evaluate() {
        List<Result> results = new ArrayList<>();
        for (TrainingData.EvalSet set : sets) {
            double nll = 0;
            long counted = 0;
            for (long i = 0; i < set.batches(); i++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    TokenBatch batch = set.sampler().batch(i);
                    BatchArrays arrays = BatchArrays.of(batch, scope);
                    NDArray loss = model.loss(arrays.inputs(), arrays.targets(), arrays.mask(), false);
                    nll += loss.getFloat() * (double) batch.lossTokens();
                    counted += batch.lossTokens();
                }
            }
            results.add(new Result(set.split(), nll / counted, counted, Double.NaN));
        }
        results.addAll(tasks.evaluate());
        return results;
    }
}
