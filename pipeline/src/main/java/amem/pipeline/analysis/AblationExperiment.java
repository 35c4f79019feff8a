package amem.pipeline.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import amem.datasets.sampling.BatchSampler;
import amem.models.HookFunction;
import amem.models.HookFunctions;
import amem.models.HookPoint;
import amem.models.HookPoints;
import amem.pipeline.train.BatchArrays;
import amem.pipeline.session.ModelSession;
import amem.pipeline.train.HeldOutLoss;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The loss of a model with and without ablations, over the same batches: the causal effect of a component on the
 * next-token loss (TransformerLens' zero and mean ablation). For mean ablation a first pass averages each ablated
 * point's value over the counted positions of those batches (padding excluded): one vector per point, (width) or
 * (heads, d), which then replaces the value at every position.
 */
public final class AblationExperiment {

    /**
     * @param baseline mean loss without ablation, nats per counted token
     * @param ablated mean loss with every ablation applied together
     * @param tokens counted tokens (the same for both)
     */
    public record Result(double baseline, double ablated, long tokens) {
        public double difference() {
            return ablated - baseline;
        }
    }

    private AblationExperiment() {}

    /**
     * Runs the experiment; the ablations must have been checked against the model ({@link Ablation#select}).
     *
     * @param batches batches 0 .. batches−1 of {@code sampler} (a sampler is a pure function of the batch index, so
     *     every pass sees the same data)
     */
    public static Result run(ModelSession model, BatchSampler sampler, long batches, List<Ablation> ablations,
            Consumer<String> log) {
        HookPoints hooks = model.network().hooks();
        int heads = model.config().nHead();
        boolean anyMean = ablations.stream().anyMatch(a -> a.mode() == Ablation.Mode.MEAN);
        int passes = anyMean ? 3 : 2;
        log.accept("pass 1/" + passes + ": the loss without ablation");
        HeldOutLoss.Result baseline = HeldOutLoss.measure(model, sampler, batches);
        try (NDManager means = model.manager().newSubManager()) {
            if (anyMean) {
                log.accept("pass 2/3: the mean values of the mean-ablated points");
            }
            Map<HookPoint, NDArray> mean = means(model, sampler, batches, ablations, means);
            log.accept("pass " + passes + "/" + passes + ": the loss with ablation");
            List<HookPoints.Attachment> attached = new ArrayList<>();
            try {
                for (Ablation a : ablations) {
                    for (HookPoint point : a.select(hooks, heads)) {
                        attached.add(HookPoints.addHook(List.of(point), function(a, mean.get(point))));
                    }
                }
                HeldOutLoss.Result ablated = HeldOutLoss.measure(model, sampler, batches);
                return new Result(baseline.natsPerToken(), ablated.natsPerToken(), ablated.tokens());
            } finally {
                attached.forEach(HookPoints.Attachment::close);
            }
        }
    }

    private static HookFunction function(Ablation a, NDArray mean) {
        if (a.mode() == Ablation.Mode.ZERO) {
            return a.head() < 0 ? HookFunctions.zero() : HookFunctions.zeroHead(a.head());
        }
        return a.head() < 0 ? HookFunctions.replaceWith(mean) : HookFunctions.replaceHead(a.head(), mean);
    }

    /** Per point of a mean ablation, its mean value over the counted positions: (width) or (heads, d). */
    private static Map<HookPoint, NDArray> means(ModelSession model, BatchSampler sampler, long batches,
            List<Ablation> ablations, NDManager owner) {
        List<HookPoint> points = new ArrayList<>();
        for (Ablation a : ablations) {
            if (a.mode() == Ablation.Mode.MEAN) {
                points.addAll(a.select(model.network().hooks(), model.config().nHead()));
            }
        }
        Map<HookPoint, double[]> sums = new IdentityHashMap<>();
        Map<HookPoint, Shape> shapes = new IdentityHashMap<>();
        double[] counted = {0};
        NDArray[] mask = new NDArray[1];
        if (points.isEmpty()) {
            return Map.of();
        }
        try (HookPoints.Attachment a = HookPoints.attach(points, (point, value) -> {
            Shape s = value.getShape(); // (B, T, ...): sum over the counted positions
            NDArray v = value.stopGradient();
            NDArray weighted = mask[0] == null ? v : v.mul(mask[0].reshape(weightShape(s)));
            float[] part = weighted.sum(new int[] {0, 1}).toFloatArray();
            double[] sum = sums.computeIfAbsent(point, p -> new double[part.length]);
            for (int i = 0; i < part.length; i++) {
                sum[i] += part[i];
            }
            shapes.put(point, s.slice(2));
        })) {
            HeldOutLoss.Result pass = HeldOutLoss.measure(model, sampler, batches, (BatchArrays arrays) -> mask[0] = arrays.mask());
            counted[0] = pass.tokens();
        }
        Map<HookPoint, NDArray> means = new LinkedHashMap<>();
        sums.forEach((point, sum) -> {
            float[] m = new float[sum.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = (float) (sum[i] / counted[0]);
            }
            means.put(point, owner.create(m, shapes.get(point)));
        });
        return means;
    }

    /** (B, T, 1, ...): the mask's shape padded with ones to the value's rank. */
    private static Shape weightShape(Shape value) {
        long[] dims = new long[value.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = value.get(0);
        dims[1] = value.get(1);
        return new Shape(dims);
    }
}
