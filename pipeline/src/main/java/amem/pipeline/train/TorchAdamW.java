package amem.pipeline.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import amem.pipeline.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * AdamW with the semantics of {@code torch.optim.AdamW}, which DJL's own {@code Optimizer.adamW} does not have
 * (see notes/djl.md; hence the name, which also imports beside DJL's {@code ai.djl.training.optimizer.AdamW}):
 * decoupled weight decay {@code p ← p·(1 − lr·wd)} applied only to parameters with at least two dimensions
 * (matrices and embeddings, as nanoGPT does), and epsilon added to the bias-corrected {@code sqrt(v̂)}:
 *
 * <pre>
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
 *   p ← p − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε)
 * </pre>
 *
 * <p>Two kernels ({@link Kernel}, config {@code train.fused_adamw}):
 * <ul>
 *   <li>libtorch's fused AdamW ({@link FusedAdamWKernel}, PyTorch 2.4 and later): one native call per group of
 *       parameters (those that decay and those that do not), about a quarter of the memory traffic of the other path;
 *       the default wherever libtorch has it;
 *   <li>the per-parameter kernel DJL exposes ({@link JniUtils#adamUpdate}), which computes
 *       {@code p ← p − c·m / (sqrt(v) + ε')}; with {@code c = lr·sqrt(1−β2^t)/(1−β1^t)} and
 *       {@code ε' = ε·sqrt(1−β2^t)} it is algebraically the torch update above. Its {@code rescale_grad} argument
 *       applies the global-norm clipping factor.
 * </ul>
 * Both agree to float rounding ({@code TorchAdamWTest}), so a run may switch between them on resume.
 *
 * <p>State (both moments and the step count) is saved and restored with {@link #save}/{@link #load}, so a
 * resumed run continues exactly.
 *
 * <p>Mixed precision ({@link Precision#FP16}): the constructor keeps a float32 master copy of every parameter and
 * turns the parameter itself into float16 (the array object stays the same, its tensor is replaced). The update
 * runs on the master weights with float32 gradients (the caller casts and unscales them) and float32 moments,
 * then the float16 parameter is set to the rounded master. Checkpoints store the master weights as the model's
 * parameters ({@link #withMasterWeights}), so a checkpoint is a float32 model whatever the precision.
 */
public final class TorchAdamW {

    /** Hyper-parameters; {@code weightDecay} applies to ≥2-D parameters only. */
    public record Settings(double beta1, double beta2, double eps, double weightDecay, Kernel kernel) {
        /** With the {@link Kernel#AUTO} kernel. */
        public Settings(double beta1, double beta2, double eps, double weightDecay) {
            this(beta1, beta2, eps, weightDecay, Kernel.AUTO);
        }

        public Settings {
            Objects.requireNonNull(kernel, "kernel");
            if (!(beta1 >= 0 && beta1 < 1)) {
                throw new IllegalArgumentException("train.beta1 = " + beta1 + " must be in [0, 1)");
            }
            if (!(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("train.beta2 = " + beta2 + " must be in [0, 1)");
            }
            if (!(eps > 0)) {
                throw new IllegalArgumentException("train.eps = " + eps + " must be > 0");
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("train.weight_decay = " + weightDecay + " must be >= 0");
            }
        }
    }

    /** Which update kernel runs ({@code train.fused_adamw}). */
    public enum Kernel {
        /** The fused kernel where libtorch has it, else the per-parameter one. */
        AUTO,
        /** The fused kernel; refused when libtorch lacks it. */
        FUSED,
        /** DJL's per-parameter kernel. */
        PER_PARAMETER;

        /** From the config's spelling: auto, on, off. */
        public static Kernel parse(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "on" -> FUSED;
                case "off" -> PER_PARAMETER;
                default -> throw new IllegalArgumentException(
                        "train.fused_adamw = \"" + value + "\" is not one of auto, on, off");
            };
        }
    }

    /** One optimised parameter with its moments, and its float32 master weights in mixed precision (else null). */
    private record Slot(String name, Parameter parameter, NDArray mean, NDArray variance, boolean decays,
            NDArray master) {
        /** What the update writes: the float32 master weights in mixed precision, else the parameter itself. */
        PtNDArray updated() {
            return (PtNDArray) (master == null ? parameter.getArray() : master);
        }
    }

    private final Settings settings;
    private final List<Slot> slots = new ArrayList<>();
    /** Indices into {@link #slots} of the parameters that decay, then of those that do not: the fused kernel's groups. */
    private final List<int[]> decayGroups = new ArrayList<>();
    /** The fused kernel, or null for the per-parameter path. */
    private final FusedAdamWKernel fused;
    private final NDManager stateManager;
    private long step;

    /**
     * @param parameters the trainable parameters by name, already initialised (their arrays must not be
     *     replaced afterwards)
     * @param stateManager the long-lived manager that owns the moments
     */
    public TorchAdamW(Map<String, Parameter> parameters, NDManager stateManager, Settings settings) {
        this(parameters, stateManager, settings, false);
    }

    /**
     * @param mixedPrecision keep float32 master weights and make the (float32) parameters float16
     */
    public TorchAdamW(Map<String, Parameter> parameters, NDManager stateManager, Settings settings, boolean mixedPrecision) {
        this.settings = settings;
        this.stateManager = stateManager;
        this.fused = settings.kernel() == Kernel.PER_PARAMETER ? null : FusedAdamWKernel.load(stateManager).orElse(null);
        if (fused == null && settings.kernel() == Kernel.FUSED) {
            throw missingKernel();
        }
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            NDArray weight = entry.getValue().getArray();
            if (weight.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(entry.getKey() + " is " + weight.getDataType() + "; AdamW starts "
                        + "from float32 parameters");
            }
            NDArray mean = stateManager.zeros(weight.getShape(), DataType.FLOAT32, weight.getDevice());
            NDArray variance = stateManager.zeros(weight.getShape(), DataType.FLOAT32, weight.getDevice());
            mean.setName(entry.getKey() + ".exp_avg");
            variance.setName(entry.getKey() + ".exp_avg_sq");
            NDArray master = null;
            if (mixedPrecision) {
                master = weight.toType(DataType.FLOAT32, true); // a copy outside autograd (toType runs without it)
                master.attach(stateManager);
                master.setName(entry.getKey() + ".master");
                setHalf(weight, master);
            }
            slots.add(new Slot(entry.getKey(), entry.getValue(), mean, variance, weight.getShape().dimension() >= 2,
                    master));
        }
        for (boolean decaying : new boolean[] {true, false}) {
            int[] group = IntStream.range(0, slots.size())
                    .filter(k -> slots.get(k).decays == decaying).toArray();
            if (group.length > 0) {
                decayGroups.add(group);
            }
        }
    }

    /** Refuses {@link Kernel#FUSED} when this libtorch lacks the kernel; called before a run writes anything. */
    public static void checkKernel(Kernel kernel) {
        if (kernel == Kernel.FUSED && !FusedAdamWKernel.available()) {
            throw missingKernel();
        }
    }

    private static ConfigException missingKernel() {
        return new ConfigException("train.fused_adamw = on, but this libtorch (" + Engine.getEngine("PyTorch").getVersion()
                + ") has no fused AdamW kernel (PyTorch 2.4 and later): use auto or off");
    }

    /** Whether the parameters are float16 copies of float32 master weights. */
    public boolean mixedPrecision() {
        return !slots.isEmpty() && slots.get(0).master != null;
    }

    /**
     * Replaces the tensor behind {@code weight} by {@code master} rounded to float16, a fresh leaf that requires a
     * gradient ({@code toType} is not recorded by autograd, so the cast happens here and not in the forward).
     */
    private static void setHalf(NDArray weight, NDArray master) {
        weight.intern(master.toType(DataType.FLOAT16, true));
        weight.setRequiresGradient(true);
    }

    /**
     * Runs {@code action} (a save) while the parameters hold their float32 master weights, then restores the
     * float16 parameters; without mixed precision it just runs it.
     */
    public void withMasterWeights(IoAction action) throws IOException {
        if (!mixedPrecision()) {
            action.run();
            return;
        }
        for (Slot slot : slots) {
            slot.parameter.getArray().intern(slot.master.toType(DataType.FLOAT32, true));
        }
        try {
            action.run();
        } finally {
            for (Slot slot : slots) {
                setHalf(slot.parameter.getArray(), slot.master);
            }
        }
    }

    /** An I/O action run by {@link #withMasterWeights}. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    /** Drops the accumulated gradients without an update (a step skipped by the loss scaler). */
    public void skip() {
        for (Slot slot : slots) {
            releaseGradient(slot.parameter.getArray());
        }
    }

    /** Number of updates applied so far (torch's {@code state['step']}). */
    public long step() {
        return step;
    }

    /** Whether the named parameter receives weight decay. */
    public boolean decays(String name) {
        return slots.stream().filter(s -> s.name.equals(name)).findFirst().orElseThrow().decays;
    }

    /**
     * Applies one update to every parameter from its accumulated gradient, then zeroes the gradients.
     *
     * @param lr learning rate for this step
     * @param gradScale factor applied to every gradient first (the global-norm clipping coefficient, or 1)
     * @param gradients the gradients in the order of the parameter map given to the constructor (see
     *     {@link Gradients#of}); float32 and unscaled in mixed precision
     */
    public void update(double lr, double gradScale, NDList gradients) {
        if (gradients.size() != slots.size()) {
            throw new IllegalArgumentException(gradients.size() + " gradients for " + slots.size() + " parameters");
        }
        step++;
        if (fused != null) {
            updateFused(lr, gradScale, gradients);
            return;
        }
        double correction1 = 1.0 - Math.pow(settings.beta1, step);
        double correction2 = 1.0 - Math.pow(settings.beta2, step);
        float stepSize = (float) (lr * Math.sqrt(correction2) / correction1);
        float epsilon = (float) (settings.eps * Math.sqrt(correction2));
        for (int i = 0; i < slots.size(); i++) {
            Slot slot = slots.get(i);
            JniUtils.adamUpdate(
                    slot.updated(),
                    (PtNDArray) gradients.get(i),
                    (PtNDArray) slot.mean,
                    (PtNDArray) slot.variance,
                    (float) lr,
                    stepSize,
                    slot.decays ? (float) settings.weightDecay : 0f,
                    (float) gradScale,
                    -1f,
                    (float) settings.beta1,
                    (float) settings.beta2,
                    epsilon,
                    true);
            afterUpdate(slot);
        }
    }

    /** Whether updates run through libtorch's fused kernel. */
    public boolean fusedKernel() {
        return fused != null;
    }

    /**
     * The update through the fused kernel: one call for the parameters that decay and one for the rest.
     */
    private void updateFused(double lr, double gradScale, NDList gradients) {
        try (NDManager scratch = stateManager.newSubManager()) {
            Device device = slots.get(0).mean.getDevice();
            PtNDArray stepCount = (PtNDArray) scratch.create((float) step).toDevice(device, false);
            PtNDArray divisor = (PtNDArray) scratch.create((float) (1.0 / gradScale)).toDevice(device, false);
            for (int[] group : decayGroups) {
                PtNDArray[] params = new PtNDArray[group.length];
                PtNDArray[] grads = new PtNDArray[group.length];
                PtNDArray[] means = new PtNDArray[group.length];
                PtNDArray[] variances = new PtNDArray[group.length];
                for (int k = 0; k < group.length; k++) {
                    Slot slot = slots.get(group[k]);
                    params[k] = slot.updated();
                    grads[k] = (PtNDArray) gradients.get(group[k]);
                    means[k] = (PtNDArray) slot.mean;
                    variances[k] = (PtNDArray) slot.variance;
                }
                boolean decaying = slots.get(group[0]).decays;
                fused.update(params, grads, means, variances, stepCount, lr, settings.beta1, settings.beta2,
                        decaying ? settings.weightDecay : 0.0, settings.eps, divisor);
            }
        }
        for (Slot slot : slots) {
            afterUpdate(slot);
        }
    }

    /** Drops the parameter's gradient, or in mixed precision makes it the new float16 rounding of its master. */
    private static void afterUpdate(Slot slot) {
        if (slot.master == null) {
            releaseGradient(slot.parameter.getArray());
        } else {
            setHalf(slot.parameter.getArray(), slot.master); // the new leaf has no gradient yet
        }
    }

    /**
     * Leaves {@code parameter} without a gradient, as {@code optimizer.zero_grad(set_to_none=True)} does: its tensor
     * is replaced by a detached alias of the same storage (no copy) that requires a gradient, a new leaf whose
     * gradient is undefined.
     *
     * <p>Why not zero it: libtorch then adds the next backward's gradient into the zeroed one (a fill of every
     * gradient, then a read-read-write pass over them), where an undefined gradient simply takes the tensor the
     * backward produced. For {@code qf-vanilla}'s 9.5M parameters: 91.1 against 86.4 ms a step, side by side on the
     * 2-core development VM, 2026-12-06 (docs/PERFORMANCE.md, "Small batches: the step itself").
     */
    private static void releaseGradient(NDArray parameter) {
        parameter.intern(JniUtils.detachGradient((PtNDArray) parameter));
        parameter.setRequiresGradient(true);
    }

    /** Writes the step count and both moments of every parameter (DJL's NDList encoding, names kept). */
    public void save(OutputStream out) throws IOException {
        NDList state = new NDList(slots.size() * 2);
        for (Slot slot : slots) {
            state.add(slot.mean);
            state.add(slot.variance);
        }
        var data = new java.io.DataOutputStream(out);
        data.writeUTF("amem-adamw/1");
        data.writeLong(step);
        data.writeInt(slots.size());
        data.flush();
        state.encode(out);
        out.flush();
    }

    /** Restores what {@link #save} wrote; parameter names and shapes must match this optimizer's. */
    public void load(InputStream in, NDManager scratch) throws IOException {
        var data = new java.io.DataInputStream(in);
        String format = data.readUTF();
        if (!"amem-adamw/1".equals(format)) {
            throw new IOException("optimizer state has format \"" + format + "\", expected amem-adamw/1");
        }
        long savedStep = data.readLong();
        int count = data.readInt();
        if (count != slots.size()) {
            throw new IOException("optimizer state holds " + count + " parameters, the model has " + slots.size());
        }
        NDList state = NDList.decode(scratch, in);
        for (int i = 0; i < slots.size(); i++) {
            Slot slot = slots.get(i);
            copyInto(state.get(2 * i), slot.mean, slot.name + ".exp_avg");
            copyInto(state.get(2 * i + 1), slot.variance, slot.name + ".exp_avg_sq");
        }
        step = savedStep;
        // Mixed precision: the checkpoint's model parameters were the master weights, loaded (float32) before this
        // optimizer was built, which took its masters from them. Nothing else to restore.
    }

    private static void copyInto(NDArray source, NDArray target, String expectedName) throws IOException {
        if (!expectedName.equals(source.getName())) {
            throw new IOException("optimizer state has \"" + source.getName() + "\" where " + expectedName + " belongs");
        }
        if (!source.getShape().equals(target.getShape())) {
            throw new IOException(
                    expectedName + " has shape " + source.getShape() + " in the optimizer state, the model needs "
                            + target.getShape());
        }
        // An in-place write on the device (libtorch's index_put over the full slice). DJL's copyTo would go through the
        // host (NDArray.set(Buffer)), whose JNI takes libtorch's deprecated AutoNonVariableTypeMode guard and printed
        // its warning on every resume.
        target.set(new NDIndex(":"), source);
    }
}
