package amem.pipeline.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import amem.models.ModelConfig;
import amem.models.ParameterCount;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Estimates the memory a training run needs before anything is allocated, so a model too large for the device
 * is refused with figures instead of failing minutes later inside libtorch. In float32 (and TF32, which only
 * changes how products are computed):
 *
 * <ul>
 *   <li>parameters, gradients and AdamW's two moments: 16 bytes per parameter;
 *   <li>activations kept for the backward pass, per token and block: about {@code 16·n + 4·f} values for the
 *       residual stream, projections and feed-forward, plus {@code 3·H·T} for attention scores, probabilities
 *       and the dropout mask (no fused attention in DJL);
 *   <li>the logits, their log-softmax and its gradient: {@code 3·V} values per token.
 * </ul>
 *
 * In fp16 mixed precision: float16 parameters and gradients (4 bytes), float32 master weights and moments (12)
 * and the float32 copies of the gradients during the update (4): 20 bytes per parameter; activations take 2 bytes
 * per value, except the log-softmax, computed in float32, and its gradient: {@code 2·V} float16 values (the logits
 * and their gradient) and {@code 2·V} float32 ones per token.
 *
 * <p>It is an estimate (libtorch's caching allocator, the CUDA context and temporaries add to it); it refuses
 * only when even the estimate does not fit what the device has free.
 */
public final class MemoryBudget {

    private MemoryBudget() {}

    /** Estimated peak bytes for training {@code config} on micro-batches of {@code batch} × {@code context} tokens. */
    public static long trainingBytes(ModelConfig config, int batch, int context) {
        return trainingBytes(config, batch, context, Precision.FP32);
    }

    /** The same estimate for a precision (see the class comment). */
    public static long trainingBytes(ModelConfig config, int batch, int context, Precision precision) {
        long parameters = ParameterCount.of(config).total();
        long tokens = (long) batch * context;
        long perTokenPerBlock = 16L * config.nEmbd() + 4L * config.ffnWidth() + 3L * config.nHead() * context;
        long hidden = tokens * (config.nLayer() * perTokenPerBlock + 4L * config.nEmbd());
        long vocab = tokens * config.vocabSize();
        if (precision.mixed()) {
            return 20 * parameters + 2 * hidden + (2 * 2 + 2 * 4) * vocab;
        }
        return 16 * parameters + 4 * (hidden + 3 * vocab);
    }

    /** Bytes free on the device: MemAvailable for the CPU, CUDA's free memory for a GPU; empty if unknown. */
    public static OptionalLong availableBytes(Device device) {
        if (device.isGpu()) {
            try {
                MemoryUsage usage = CudaUtils.getGpuMemory(device);
                return OptionalLong.of(usage.getMax() - usage.getCommitted());
            } catch (RuntimeException e) {
                return OptionalLong.empty();
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: unknown
        }
        return OptionalLong.empty();
    }

    /** Refuses a run whose estimate exceeds what the device has free; the message gives both and what to change. */
    public static void check(ModelConfig config, int batch, int context, Device device, Precision precision) {
        long needed = trainingBytes(config, batch, context, precision);
        OptionalLong available = availableBytes(device);
        if (available.isPresent() && needed > available.getAsLong()) {
            throw new amem.pipeline.config.ConfigException(String.format(Locale.ROOT,
                    "the model is too large for %s: training needs about %s (%,d parameters with gradients and AdamW "
                            + "state, activations of %d x %d tokens) but only %s are free. Lower train.batch_size "
                            + "(raise train.grad_accum to keep the tokens per step), model.context_length or the model "
                            + "size; or set train.memory_check=false to try anyway",
                    device, gib(needed), ParameterCount.of(config).total(), batch, context, gib(available.getAsLong())));
        }
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
