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
     * Logit elements per chunk when the caller does not choose: 32M floats (128 MB; the nanoGPT peer shape's 768
     * positions become 2 chunks, GPT-2 small's 12 × 1,024 become 19). Smaller chunks keep a chunk's logits cached
     * between the log-softmax, the exponential and the two products, but every chunk adds a pass of the (V, n)
     * weight-gradient accumulation (25 MB for V 50,257 and n 128); in a trial on the loaded development machine
     * (process CPU time of the output layer's forward and backward, peer shape) 384 and 768 positions per chunk
     * cost about what the unfused path costs, 154 about 10 % more and 48 about 50 % more. An estimate to be settled
     * by measurement ({@code amem bench --loss-chunk-rows}, scripts/perf-issue17.sh).
     */
    public static final long DEFAULT_CHUNK_ELEMENTS = 32L << 20;

    private FusedLmLoss() {}

    /** Rows per chunk for a vocabulary of {@code vocab} under {@link #DEFAULT_CHUNK_ELEMENTS}. */
    public static int defaultRowsPerChunk(long vocab) {
        return (int) Math.max(1, DEFAULT_CHUNK_ELEMENTS / vocab);
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
                NDArray logProbs = logits.logSoftmax(1);
                logits.close();
                NDArray loss = logProbs.gather(tc, 1).squeeze(1).mul(wc).sum().neg();
                loss.attach(step);
                losses.add(loss);
                if (!withGradients) {
                    continue;
                }
                NDArray probs = logProbs.exp();
                logProbs.close();
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

    /** {@code mask / sum(mask)}, or {@code 1 / rows} everywhere, as (rows) of the hidden states' type. */
    private static NDArray rowWeights(NDArray mask, long rows, NDArray hidden) {
        NDArray m = mask == null
                ? hidden.getManager().ones(new Shape(rows), hidden.getDataType(), hidden.getDevice())
                : mask.reshape(rows).toType(hidden.getDataType(), false);
        return m.div(m.sum());
    }
}
