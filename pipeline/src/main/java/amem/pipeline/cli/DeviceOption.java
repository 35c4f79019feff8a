package amem.pipeline.cli;

import ai.djl.Device;
import amem.pipeline.session.DeviceSpec;
import picocli.CommandLine.Option;

/**
 * {@code --device auto|cpu|gpu|gpu:N}, the engine device of a command that runs a model or a distance computation
 * itself. A command declares it as {@code @Mixin DeviceOption device = DeviceOption.defaultingTo("cpu")}; the
 * default shows in its help. ({@code amem train} and {@code amem sweep} have their own {@code --device}: there it
 * overrides the run configuration's {@code train.device}, a different meaning.)
 */
final class DeviceOption {

    @Option(names = "--device", paramLabel = "DEVICE",
            description = "engine device: auto | cpu | gpu | gpu:N (default: ${DEFAULT-VALUE})")
    String spec;

    /** For picocli's factory; commands use {@link #defaultingTo}. */
    DeviceOption() {
        this("auto");
    }

    private DeviceOption(String defaultSpec) {
        this.spec = defaultSpec;
    }

    static DeviceOption defaultingTo(String spec) {
        return new DeviceOption(spec);
    }

    /** The text as given (e.g. for a run configuration's {@code train.device}). */
    String spec() {
        return spec;
    }

    /** The device, checked against the GPUs the engine sees. */
    Device resolve() {
        return DeviceSpec.resolve(spec);
    }
}
