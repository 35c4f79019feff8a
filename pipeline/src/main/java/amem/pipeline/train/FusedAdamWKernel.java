package amem.pipeline.train;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused AdamW kernel ({@code torch._fused_adamw_}, the kernel behind {@code torch.optim.AdamW(fused=True)};
 * on the CPU since PyTorch 2.4) for a whole group of parameters in one native call.
 *
 * <p>Why: DJL exposes only its per-parameter {@code adamUpdate}, which runs a dozen libtorch operations per
 * parameter (it multiplies the gradient into a fresh copy, computes the decay term even when it is zero, and builds
 * the denominator and the step in temporaries): about 116 bytes of memory traffic per parameter and update instead of
 * the 28 a fused kernel needs (read parameter, gradient and both moments; write parameter and moments). Side by side
 * on the quiet 2-core development machine (2026-12-06, {@code amem bench --set train.fused_adamw=on|off} alternating,
 * docs/PERFORMANCE.md) an update took 11.6 ms fused against 29.4 ms for {@code qf-vanilla}'s 9.5M parameters.
 *
 * <p>How: DJL cannot call an arbitrary ATen operation, but it runs TorchScript. The module is a TorchScript archive
 * written here (its source code is {@link #SOURCE}; libtorch compiles it when the archive is loaded), whose
 * {@code forward} calls the fused kernel, so the update of a whole group of parameters is one JNI call. A libtorch
 * without the kernel (before 2.4) fails to compile the archive: {@link #load} then returns empty and the caller keeps
 * the per-parameter path.
 *
 * <p>Semantics are {@code torch.optim.AdamW}'s exactly: {@code p ← p·(1 − lr·wd)}, the moments, and
 * {@code p ← p − lr/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + ε)}. The gradients are divided by {@code gradDivisor}
 * first (the kernel's {@code grad_scale}, meant for unscaling mixed-precision gradients), which carries the global-norm
 * clipping factor without a pass of its own.
 */
final class FusedAdamWKernel {

    /** The TorchScript source of the module, in the serialized form libtorch reads ({@code code/__torch__.py}). */
    static final String SOURCE = String.join("\n",
            "class FusedAdamW(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.FusedAdamW,",
            "    params: List[Tensor],",
            "    grads: List[Tensor],",
            "    exp_avgs: List[Tensor],",
            "    exp_avg_sqs: List[Tensor],",
            "    steps: List[Tensor],",
            "    lr: float,",
            "    beta1: float,",
            "    beta2: float,",
            "    weight_decay: float,",
            "    eps: float,",
            "    grad_divisor: Tensor) -> int:",
            "    torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, annotate(List[Tensor], []), steps,"
                    + " lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay, eps=eps, amsgrad=False,"
                    + " maximize=False, grad_scale=grad_divisor, found_inf=None)",
            "    return 0",
            "");

    private final PtSymbolBlock module;

    private FusedAdamWKernel(PtSymbolBlock module) {
        this.module = module;
    }

    /**
     * Compiles the module in {@code manager} (which owns it from then on), or returns empty when this libtorch has no
     * fused AdamW kernel.
     */
    static Optional<FusedAdamWKernel> load(NDManager manager) {
        try {
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive()), true, false);
            return Optional.of(new FusedAdamWKernel(module));
        } catch (EngineException | IOException e) {
            return Optional.empty();
        }
    }

    /** Whether this libtorch has the fused kernel (compiled once into a scratch manager, then remembered). */
    static synchronized boolean available() {
        if (available == null) {
            try (NDManager scratch = NDManager.newBaseManager()) {
                available = load(scratch).isPresent();
            }
        }
        return available;
    }

    private static Boolean available;

    /**
     * One AdamW update of a group of parameters sharing a weight decay; all lists in the same order.
     *
     * @param params the parameters (or float32 master weights), updated in place
     * @param grads their gradients, divided by {@code gradDivisor} first (libtorch may leave them divided)
     * @param step a float32 scalar on the parameters' device holding the step count t (≥ 1), shared by the group
     * @param gradDivisor a float32 scalar on the parameters' device (1 / the clipping factor)
     */
    void update(PtNDArray[] params, PtNDArray[] grads, PtNDArray[] means, PtNDArray[] variances,
            PtNDArray step, double lr, double beta1, double beta2, double weightDecay, double eps, PtNDArray gradDivisor) {
        PtNDArray[] steps = new PtNDArray[params.length];
        java.util.Arrays.fill(steps, step);
        IValue[] inputs = {
            IValue.listFrom(params),
            IValue.listFrom(grads),
            IValue.listFrom(means),
            IValue.listFrom(variances),
            IValue.listFrom(steps),
            IValue.from(lr),
            IValue.from(beta1),
            IValue.from(beta2),
            IValue.from(weightDecay),
            IValue.from(eps),
            IValue.from(gradDivisor),
        };
        try {
            module.forward(inputs).close();
        } finally {
            for (IValue input : inputs) {
                input.close(); // releases the list's references, not the tensors
            }
        }
    }

    /** The TorchScript archive: version, the pickled module object, its (empty) constants and its code. */
    static byte[] archive() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            put(zip, "fused_adamw/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            put(zip, "fused_adamw/data.pkl", modulePickle());
            put(zip, "fused_adamw/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // protocol 2, (), STOP
            put(zip, "fused_adamw/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return bytes.toByteArray();
    }

    /**
     * The module object as torch.jit pickles it (protocol 2): {@code GLOBAL __torch__ FusedAdamW}, {@code EMPTY_TUPLE},
     * {@code NEWOBJ}, then its state {@code {"training": True}} ({@code EMPTY_DICT}, the key as {@code BINUNICODE},
     * {@code NEWTRUE}, {@code SETITEM}), {@code BUILD}, {@code STOP}.
     */
    private static byte[] modulePickle() {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.writeBytes(new byte[] {(byte) 0x80, 2});
        pickle.writeBytes("c__torch__\nFusedAdamW\n".getBytes(StandardCharsets.US_ASCII));
        pickle.writeBytes(new byte[] {')', (byte) 0x81, '}', 'X', 8, 0, 0, 0});
        pickle.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        pickle.writeBytes(new byte[] {(byte) 0x88, 's', 'b', '.'});
        return pickle.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}
