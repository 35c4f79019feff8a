package amem.pipeline.session;

import ai.djl.Device;
import ai.djl.engine.Engine;
import amem.pipeline.config.ConfigException;
import java.util.Locale;

/** Resolves {@code --device auto|cpu|gpu|gpu:N} against the GPUs the engine can see. */
public final class DeviceSpec {

    private DeviceSpec() {}

    public static Device resolve(String spec) {
        String value = spec.trim().toLowerCase(Locale.ROOT);
        int gpus = Engine.getInstance().getGpuCount();
        switch (value) {
            case "auto":
                return gpus > 0 ? Device.gpu(0) : Device.cpu();
            case "cpu":
                return Device.cpu();
            case "gpu":
                return gpu(0, gpus, spec);
            default:
                if (value.startsWith("gpu:")) {
                    try {
                        return gpu(Integer.parseInt(value.substring(4)), gpus, spec);
                    } catch (NumberFormatException e) {
                        throw new ConfigException("device \"" + spec + "\": expected gpu:N with a whole number N");
                    }
                }
                throw new ConfigException("device \"" + spec + "\" is not one of auto, cpu, gpu, gpu:N");
        }
    }

    private static Device gpu(int index, int gpus, String spec) {
        if (gpus == 0) {
            throw new ConfigException("device \"" + spec + "\": the PyTorch engine sees no CUDA GPU (this build uses "
                    + "the CPU libtorch; build with -Pcuda, see README \"GPU\")");
        }
        if (index < 0 || index >= gpus) {
            throw new ConfigException("device \"" + spec + "\": only gpu:0 to gpu:" + (gpus - 1) + " exist");
        }
        return Device.gpu(index);
    }
}
