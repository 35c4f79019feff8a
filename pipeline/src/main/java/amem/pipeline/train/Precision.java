package amem.pipeline.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import amem.pipeline.config.ConfigException;
import java.util.Locale;

/**
 * The arithmetic a run trains in ({@code train.precision}).
 *
 * <ul>
 *   <li>{@code fp32}: float32 everywhere.
 *   <li>{@code tf32}: float32 tensors, but cuBLAS multiplies float32 matrices on the tensor cores in TF32 (10-bit
 *       mantissa inputs, float32 accumulation), as {@code torch.backends.cuda.matmul.allow_tf32 = True} does. DJL
 *       has no setter for it: libtorch reads {@code TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1} once, when its global
 *       context is built, so the variable must be in the environment before libtorch starts
 *       ({@link Tf32Environment} restarts the JVM with it). No effect on a CPU.
 *   <li>{@code fp16}: mixed precision (Micikevicius et al., 2018): the model's parameters are float16, the
 *       optimizer keeps float32 master weights, the loss is computed in float32 and scaled dynamically
 *       ({@link LossScaler}) so that float16 gradients do not underflow.
 * </ul>
 *
 * {@code auto} (the default) is what a nanoGPT user gets on a GPU: TF32 there, float32 on a CPU.
 */
public enum Precision {
    FP32,
    TF32,
    FP16;

    /** The config value: {@code auto | fp32 | tf32 | fp16}, resolved for the device. */
    public static Precision resolve(String value, Device device) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> device.isGpu() ? TF32 : FP32;
            case "fp32", "float32" -> FP32;
            case "tf32" -> TF32;
            case "fp16", "float16", "half" -> FP16;
            default -> throw new ConfigException(
                    "train.precision = \"" + value + "\" is not one of auto, fp32, tf32, fp16 (bf16: see docs/GPU.md)");
        };
    }

    /** The data type of the model's parameters and activations. */
    public DataType parameterType() {
        return this == FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
    }

    /** Whether the optimizer keeps float32 master weights and the loss is scaled. */
    public boolean mixed() {
        return this == FP16;
    }

    /** The name used in configs, metrics and reports. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
