package amem.pipeline.train;

import ai.djl.ndarray.NDList;
import amem.pipeline.run.AtomicFiles;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a user needs when a step produces a non-finite loss or gradient: the message (step, last finite loss,
 * largest gradients, observers' statistics, the two ways to resume) and {@code FAULT.json}, which records the
 * sampler batches of the failed step so {@code --skip-bad-batch} can leave exactly those out.
 */
public final class FaultReport {

    /** Written into the run directory when a non-finite loss or gradient stops training. */
    public static final String FILE = "FAULT.json";

    private FaultReport() {}

    /**
     * @param step the 1-based step that failed
     * @param names parameter names in the order of {@code gradients}
     * @param extra what observers add (may be empty)
     */
    static TrainingFault fault(long step, double loss, double gradNorm, double lastFiniteLoss, List<String> names,
            NDList gradients, String extra, Path runDir) {
        boolean lossFinite = Double.isFinite(loss);
        return new TrainingFault(String.format(Locale.ROOT,
                "step %d: the %s is %s (last finite training loss %.4f; largest gradients: %s%s); the update was not "
                        + "applied and the last checkpoint is kept. Resume with a lower learning rate "
                        + "(`amem train --resume %s --set train.lr=<smaller>`) or without the batches of this step "
                        + "(`amem train --resume %s --skip-bad-batch`)",
                step, lossFinite ? "gradient norm" : "loss", lossFinite ? gradNorm : loss, lastFiniteLoss,
                largestGradients(names, gradients, 3), extra, runDir, runDir));
    }

    /** The {@code count} parameters with the largest (non-finite first) gradient norms, as "name norm, …". */
    static String largestGradients(List<String> names, NDList gradients, int count) {
        List<Map.Entry<String, Double>> norms = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            norms.add(Map.entry(names.get(i), (double) gradients.get(i).flatten().norm().getFloat()));
        }
        norms.sort(Comparator.comparingDouble(
                (Map.Entry<String, Double> e) -> Double.isFinite(e.getValue()) ? e.getValue() : Double.MAX_VALUE).reversed());
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Double> entry : norms.subList(0, Math.min(count, norms.size()))) {
            parts.add(String.format(Locale.ROOT, "%s %.3g", entry.getKey(), entry.getValue()));
        }
        return String.join(", ", parts);
    }

    /** Writes FAULT.json for the failed step. */
    static void record(Path runDir, TrainingFault fault, long step, long samplerBatchStart, int samplerBatchCount)
            throws IOException {
        JsonObject record = new JsonObject();
        record.addProperty("step", step);
        record.addProperty("sampler_batch_start", samplerBatchStart);
        record.addProperty("sampler_batch_count", samplerBatchCount);
        record.addProperty("message", fault.getMessage());
        record.addProperty("at", Instant.now().toString());
        AtomicFiles.writeString(runDir.resolve(FILE), new GsonBuilder().setPrettyPrinting().create().toJson(record) + "\n");
    }
}
