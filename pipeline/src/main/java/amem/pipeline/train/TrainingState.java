package amem.pipeline.train;

import ai.djl.ndarray.NDManager;
import amem.pipeline.run.Checkpoints;
import amem.pipeline.session.ModelSession;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;

/**
 * What a checkpoint holds and how it is written and read back: the model's parameters (DJL {@code .params}), the
 * optimizer's moments and step ({@code optimizer.bin}) and the counters in {@code state.json}. The one place that
 * knows the checkpoint's files.
 */
final class TrainingState {

    /** Name of the optimizer state file inside a checkpoint. */
    static final String OPTIMIZER_FILE = "optimizer.bin";

    private TrainingState() {}

    /** Writes checkpoint {@code step} atomically (see {@link Checkpoints#save}). */
    static void save(Checkpoints checkpoints, long step, JsonObject counters, ModelSession model, TorchAdamW optimizer)
            throws IOException {
        JsonObject state = counters.deepCopy();
        state.addProperty("optimizer_step", optimizer.step());
        state.addProperty("rng", "engine RNG reseeded from (seed, step) every step; batches are a function of the index");
        checkpoints.save(step, state, dir -> {
            model.save(dir);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(OPTIMIZER_FILE)))) {
                optimizer.save(out);
            }
        });
    }

    /** Loads the parameters of a verified checkpoint into the model (before the optimizer is built on them). */
    static void loadParameters(Checkpoints.Checkpoint checkpoint, ModelSession model) throws IOException {
        model.load(checkpoint.dir());
    }

    /** Loads the optimizer state of a verified checkpoint. */
    static void loadOptimizer(Checkpoints.Checkpoint checkpoint, ModelSession model, TorchAdamW optimizer) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(checkpoint.file(OPTIMIZER_FILE)));
                NDManager scratch = model.manager().newSubManager()) {
            optimizer.load(in, scratch);
        }
    }
}
