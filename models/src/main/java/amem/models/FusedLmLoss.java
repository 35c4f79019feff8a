package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * The output layer and {@link LmLoss#crossEntropy} fused and chunked over the rows (B·T): the same mean
 * next-token cross-entropy, without ever holding the full (B·T, V) logits or their gradient.
 *
 * <p>Why: with GPT-2's vocabulary the logits dominate a small model's step. For the nanoGPT peer shape (12 × 64
 * positions, V 50,257, n 128) they are 154 MB that the unfused path writes, reads for the log-softmax, writes
 * again, and then handles three more times as their gradient; a product with an inner dimension of 128 is bound
 * by that traffic, not by arithmetic. Here each chunk of rows goes through product, log-softmax and
 * softmax-gradient products while it is still in cache, and only (rows, n) and (V, n) results survive the chunk.
 *
 * <p>Gradients. With {@code w_i} the normalised row weights ({@code mask_i / sum(mask)}, or {@code 1/(B·T)}),
 * {@code p_i = softmax(h_i W^T + b)} and target {@code t_i}, the loss {@code L = sum_i w_i (lse_i - z_i)},
 * {@code z_i = h_i · W[t_i] + b[t_i]}, has
 * {@code dL/dh_i = w_i (p_i W - W[t_i])}, {@code dL/dW = sum_i w_i (p_i^T h_i - e_{t_i}^T h_i)},
 * {@code dL/db = sum_i w_i (p_i - e_{t_i})}. The softmax parts (dense, V wide) are computed here chunk by chunk,
 * without autograd; the target parts (one row of W per position) stay in the autograd graph. DJL has no custom
 * autograd function, so the result is handed over as a surrogate scalar
 * <pre>  S = -sum_i w_i z_i + sum(h · dH) + sum(W · dW) + sum(b · db),   loss = S - detach(S) + L</pre>
 * whose value is exactly {@code L} and whose backward delivers exactly the precomputed gradients (and the
 * target parts) to the hidden states, the weight (tied or not) and the bias.
 */
public final class FusedLmLoss {

    /**
     * Logit elements per chunk on a GPU when the caller does not choose: 32M floats (128 MB; GPT-2 small's
     * 12 × 1,024 positions become 19 chunks), so the chunk's logits and probabilities take a tenth of the 2.4 GB
     * the full logits would. Not measured on a GPU yet: an estimate ({@code amem bench --loss-chunk-rows}).
     */
    public static final long DEFAULT_CHUNK_ELEMENTS = 32L << 20;

    /**
     * Logit elements per chunk on a CPU when the caller does not choose: 64M floats (256 MB), so the nanoGPT
     * peer shape's 768 positions are one chunk. Every further chunk adds a pass over the (V, n) weight gradient
     * and smaller products; side by side on the 2-core development VM (2026-12-06, MKL choosing by instruction
     * set) 768 rows per chunk took 243.8 ms per step against 262.4 unfused, 384 rows 259.7 against 250.7
     * (docs/PERFORMANCE.md, "The fused output layer and loss").
     */
    public static final long CPU_CHUNK_ELEMENTS = 64L << 20;

    /**
     * Target probabilities below this are not trusted to the softmax's float32 rounding (its normal range ends
     * at 1.2e-38, where a logarithm of the rounded value is off by more than float tolerance).
     */
    static final float TINY = 1e-30f;

    private FusedLmLoss() {}

    /**
     * Rows per chunk for a vocabulary of {@code vocab} under {@link #DEFAULT_CHUNK_ELEMENTS} on a GPU or
     * {@link #CPU_CHUNK_ELEMENTS} on a CPU.
     */
    public static int defaultRowsPerChunk(long vocab, boolean gpu) {
        return (int) Math.max(1, (gpu ? DEFAULT_CHUNK_ELEMENTS : CPU_CHUNK_ELEMENTS) / vocab);
    }

    /**
     * Mean next-token cross-entropy of {@code in}'s logits, equal to {@code LmLoss.crossEntropy(in.logits(),
     * targets, mask)} to float rounding.
     *
     * @param in the hidden states (B, T, n) and unembedding (V, n) and optional bias (V)
     * @param targets (B, T) token ids, int32 or int64
     * @param mask (B, T) weights of the positions (0 for padding), or null to count every position; a mask
     *     summing to 0 gives NaN, as in {@link LmLoss}
     * @param rowsPerChunk at most this many positions (rows of B·T) per chunk, ≥ 1; the rows are split into
     *     chunks of equal size
     * @param withGradients true inside a training step: returns the surrogate whose backward gives the gradients;
     *     false for evaluation: returns the plain value and spends no work on gradients
     * @return a scalar in {@code in.hidden()}'s manager and data type
     */
    public static NDArray crossEntropy(OutputLayerInput in, NDArray targets, NDArray mask, int rowsPerChunk,
            boolean withGradients) {
        NDArray hidden = in.hidden();
        Shape hs = hidden.getShape();
        if (hs.dimension() != 3) {
            throw new IllegalArgumentException("hidden states must have shape (batch, time, width), got " + hs);
        }
        Shape bt = hs.slice(0, 2);
        LmLoss.checkTargets(bt, targets, mask);
        if (rowsPerChunk < 1) {
            throw new IllegalArgumentException("rows per chunk must be at least 1, got " + rowsPerChunk);
        }
        NDManager step = hidden.getManager();
        long rows = bt.size();
        long width = hs.get(2);
        NDArray h = hidden.reshape(rows, width);
        NDArray t = targets.reshape(rows).toType(DataType.INT64, false);
        NDArray weights = rowWeights(mask, rows, hidden); // (rows), sums to 1
        // Detached views of the weight and bias for the chunk work; detach() puts them in the parameter's manager.
        NDArray w = in.weight().stopGradient();
        w.attach(step);
        NDArray b = null;
        if (in.bias() != null) {
            b = in.bias().stopGradient();
            b.attach(step);
        }
        NDArray hDetached = h.stopGradient();
        // Equal chunks: 768 rows at 166 per chunk become 5 chunks of 154, not 4 of 166 and one of 104.
        long chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        long chunkRows = (rows + chunks - 1) / chunks;

        List<NDArray> losses = new ArrayList<>();
        List<NDArray> hiddenGradients = new ArrayList<>();
        NDArray weightGradient = null;
        NDArray biasGradient = null;
        for (long start = 0; start < rows; start += chunkRows) {
            long end = Math.min(rows, start + chunkRows);
            try (NDManager chunk = step.newSubManager()) {
                NDIndex range = new NDIndex("{}:{}", start, end);
                NDArray hc = hDetached.get(chunk, range); // (r, n)
                NDArray tc = t.get(chunk, range).expandDims(1); // (r, 1)
                NDArray wc = weights.get(chunk, range); // (r)
                NDArray logits = Linear.linear(hc, w, b).singletonOrThrow(); // (r, V)
                NDArray nll; // (r): -log p(target)
                NDArray probs = null;
                if (!withGradients) {
                    nll = logits.logSoftmax(1).gather(tc, 1).squeeze(1).neg();
                } else if (hidden.getDevice().isGpu()) {
                    // No host check on a GPU (it would drain the queue once per chunk): log-softmax, then exp.
                    NDArray logProbs = logits.logSoftmax(1);
                    nll = logProbs.gather(tc, 1).squeeze(1).neg();
                    probs = logProbs.exp();
                    logProbs.close();
                } else {
                    probs = logits.softmax(1);
                    nll = negativeLogOfTarget(logits, probs, tc);
                }
                logits.close();
                NDArray loss = nll.mul(wc).sum();
                loss.attach(step);
                losses.add(loss);
                if (!withGradients) {
                    continue;
                }
                NDArray column = wc.expandDims(1); // (r, 1)
                NDArray dh = probs.matMul(w).muli(column); // w_i p_i W
                dh.attach(step);
                hiddenGradients.add(dh);
                NDArray probsT = probs.transpose();
                NDArray dw = probsT.matMul(hc.mul(column)); // sum_i w_i p_i^T h_i, (V, n)
                if (weightGradient == null) {
                    weightGradient = dw;
                    weightGradient.attach(step);
                } else {
                    weightGradient.addi(dw);
                }
                if (b != null) {
                    NDArray db = probsT.matMul(wc); // sum_i w_i p_i, (V)
                    if (biasGradient == null) {
                        biasGradient = db;
                        biasGradient.attach(step);
                    } else {
                        biasGradient.addi(db);
                    }
                }
            }
        }
        NDArray value = losses.size() == 1 ? losses.get(0) : NDArrays.stack(new NDList(losses)).sum();
        if (!withGradients) {
            return value;
        }
        // The target parts, differentiable: z_i = h_i · W[t_i] + b[t_i].
        NDArray targetRows = Embedding.embedding(t, in.weight(), SparseFormat.DENSE).singletonOrThrow(); // (rows, n)
        NDArray z = h.mul(targetRows).sum(new int[] {1});
        if (in.bias() != null) {
            NDArray biasColumn = in.bias().reshape(-1, 1); // a differentiable view, owned by the step
            biasColumn.attach(step);
            NDArray targetBias = Embedding.embedding(t, biasColumn, SparseFormat.DENSE).singletonOrThrow().squeeze(1);
            z = z.add(targetBias);
        }
        NDArray dHidden = hiddenGradients.size() == 1
                ? hiddenGradients.get(0) : NDArrays.concat(new NDList(hiddenGradients), 0);
        // The detached gradient comes first in each product: a result belongs to its first operand's manager,
        // and the parameters' manager must not collect per-step arrays.
        NDArray surrogate = z.mul(weights).sum().neg()
                .add(dHidden.mul(h).sum())
                .add(weightGradient.mul(in.weight()).sum());
        if (biasGradient != null) {
            surrogate = surrogate.add(biasGradient.mul(in.bias()).sum());
        }
        return surrogate.sub(surrogate.stopGradient()).add(value);
    }

    /**
     * {@code -log p(target)} per row, read off the softmax: on the CPU this saves the log-softmax pass over the
     * (r, V) chunk that {@code exp(logSoftmax)} would add (memory-bound: 154 MB for the peer shape's 768 rows).
     * Where a target's probability is below {@link #TINY} the logarithm of the rounded (or zero) probability
     * would lose digits or be infinite, so the chunk's rows are recomputed from the logits with a log-softmax;
     * a target that improbable is rare, and the check costs nothing on the CPU.
     */
    private static NDArray negativeLogOfTarget(NDArray logits, NDArray probs, NDArray targets) {
        NDArray target = probs.gather(targets, 1).squeeze(1);
        NDArray nll = target.log().neg();
        NDArray tiny = target.lt(TINY);
        if (!tiny.any().getBoolean()) {
            return nll;
        }
        NDArray exact = logits.logSoftmax(1).gather(targets, 1).squeeze(1).neg();
        return NDArrays.where(tiny, exact, nll);
    }

    /** {@code mask / sum(mask)}, or {@code 1 / rows} everywhere, as (rows) of the hidden states' type. */
    private static NDArray rowWeights(NDArray mask, long rows, NDArray hidden) {
        NDArray m = mask == null
                ? hidden.getManager().ones(new Shape(rows), hidden.getDataType(), hidden.getDevice())
                : mask.reshape(rows).toType(hidden.getDataType(), false);
        return m.div(m.sum());
    }
}
