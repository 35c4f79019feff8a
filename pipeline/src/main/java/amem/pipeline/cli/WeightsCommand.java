package amem.pipeline.cli;

import ai.djl.Device;
import amem.pipeline.config.ConfigException;
import amem.pipeline.weights.Gpt2Weights;
import amem.pipeline.weights.ModelSources;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amem weights}: GPT-2 weights in Hugging Face's format. */
@Command(
        name = "weights",
        mixinStandardHelpOptions = true,
        description = "Hugging Face GPT-2 weights (config.json + model.safetensors): export a run, check a directory.",
        subcommands = {WeightsCommand.Export.class, WeightsCommand.Check.class})
final class WeightsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code amem weights export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write a GPT-2 run's checkpoint as config.json + model.safetensors (float32, Conv1D layout), "
                    + "loadable by transformers' GPT2LMHeadModel.from_pretrained and by `amem collect --weights`."})
    static final class Export implements Callable<Integer> {

        @Option(names = "--run", paramLabel = "RUN_DIR", required = true, description = "the run to export")
        Path run;

        @Option(names = "--step", description = "the checkpoint of this step (default: the newest)")
        Long step;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "output directory")
        Path out;

        @Option(names = "--overwrite", description = "replace an existing model.safetensors in --out")
        boolean overwrite;

        @Override
        public Integer call() throws Exception {
            try (ModelSources.Loaded model = ModelSources.fromRun(run, step, Device.cpu(), System.err::println)) {
                Gpt2Weights.export(model.session(), out, overwrite);
                System.out.println("wrote " + out.resolve(Gpt2Weights.WEIGHTS_FILE) + " and config.json from "
                        + run + " step " + model.description().get("checkpoint_step").getAsLong());
            }
            return 0;
        }
    }

    /** {@code amem weights check}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Load a Hugging Face GPT-2 directory and print its shape, or the first problems found.")
    static final class Check implements Callable<Integer> {

        @Option(names = "--weights", paramLabel = "DIR", required = true, description = "directory with config.json and model.safetensors")
        Path weights;

        @Mixin
        DeviceOption device = DeviceOption.defaultingTo("cpu");

        @Override
        public Integer call() throws Exception {
            if (weights == null) {
                throw new ConfigException("--weights DIR is required");
            }
            try (ModelSources.Loaded model = ModelSources.fromWeights(weights, device.resolve())) {
                System.out.println(weights + ": " + model.description());
            }
            return 0;
        }
    }
}
