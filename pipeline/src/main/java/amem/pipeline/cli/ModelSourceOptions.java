package amem.pipeline.cli;

import ai.djl.Device;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import amem.pipeline.weights.HfGpt2Config;
import amem.pipeline.weights.ModelSources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The model and token store of a command that runs a trained model over data ({@code collect}, {@code ablate}, {@code eval}):
 * {@code --run RUN_DIR [--step N]} or {@code --weights DIR}, and {@code --data DIR} (with {@code --run}, the run's
 * own store by default). Declared as {@code @Mixin ModelSourceOptions source}.
 */
final class ModelSourceOptions {

    @Option(names = "--run", paramLabel = "RUN_DIR", description = "take the model from this run's newest checkpoint")
    Path run;

    @Option(names = "--step", description = "with --run: the checkpoint of this step instead of the newest")
    Long step;

    @Option(names = "--weights", paramLabel = "DIR", description = "Hugging Face GPT-2 directory (config.json + model.safetensors)")
    Path weights;

    @Option(names = "--data", paramLabel = "DIR", description = "token store (default with --run: the run's data.dir)")
    Path data;

    /** The model's shape, read without loading it; checks that exactly one model is given. */
    ModelConfig shape() throws IOException {
        if ((run == null) == (weights == null)) {
            throw new ConfigException("give exactly one model: --run RUN_DIR or --weights DIR");
        }
        if (step != null && run == null) {
            throw new ConfigException("--step goes with --run");
        }
        return run != null ? ModelSources.runConfig(run) : HfGpt2Config.read(weights);
    }

    /** The token store: {@code --data}, else the run's. */
    Path store() throws IOException {
        Path store = data != null ? data : run != null ? ModelSources.runData(run) : null;
        if (store == null) {
            throw new ConfigException("--data DIR is required with --weights: a token store of the weights' tokenizer "
                    + "(e.g. nanoGPT's data/openwebtext, or `amem prepare text`)");
        }
        return store;
    }

    /** Whether the model is pretrained GPT-2 weights (GPT-2 BPE ids expected). */
    boolean pretrained() {
        return weights != null;
    }

    /** Loads the model onto {@code device}. */
    ModelSources.Loaded load(Device device, Consumer<String> warnings) throws IOException {
        return run != null ? ModelSources.fromRun(run, step, device, warnings) : ModelSources.fromWeights(weights, device);
    }
}
