package amem.pipeline.hooks;

import amem.datasets.npy.NpyDtype;
import java.util.List;

/**
 * What an activation collection records and from which sequences (the options of {@code amem collect}, and of
 * training snapshots).
 *
 * @param hooks hook names or globs
 * @param positions {@code all}, {@code last} or {@code random}
 * @param perSequence positions per sequence for {@code random}
 * @param vectors records to collect (one vector per hook each); fewer when the split runs out
 * @param dtype stored element type
 * @param split token store split to read
 * @param seed seeds the sequence order and random positions
 * @param context window length / longest line fed; 0 means the model's context length
 * @param sampling {@code auto}, {@code windows} or {@code lines} (see {@link SequenceSource})
 * @param order {@code shuffled} or {@code sequential}
 * @param batchTokens tokens per forward pass (rows = batchTokens / context, at least 1)
 * @param shardVectors rows per {@code .npy} shard
 * @param overwrite replace an existing output directory
 */
public record CollectRequest(
        List<String> hooks,
        String positions,
        int perSequence,
        long vectors,
        NpyDtype dtype,
        String split,
        long seed,
        int context,
        String sampling,
        String order,
        int batchTokens,
        long shardVectors,
        boolean overwrite) {

    /** Default tokens per forward pass. */
    public static final int DEFAULT_BATCH_TOKENS = 8192;
    /** Default rows per shard: 65,536 (256 MiB of float32 vectors of width 1024). */
    public static final long DEFAULT_SHARD_VECTORS = 65_536;

    public CollectRequest {
        hooks = List.copyOf(hooks);
        if (vectors < 1) {
            throw new IllegalArgumentException("the number of vectors (--tokens) must be positive, got " + vectors);
        }
        if (perSequence < 1) {
            throw new IllegalArgumentException("positions per sequence must be positive, got " + perSequence);
        }
        if (context < 0 || batchTokens < 1 || shardVectors < 1) {
            throw new IllegalArgumentException("context must be >= 0, batch tokens and shard size positive; got "
                    + context + ", " + batchTokens + ", " + shardVectors);
        }
    }

    /** Every position of shuffled windows or lines of {@code split}, float32, default batching. */
    public static CollectRequest of(List<String> hooks, long vectors, String split, long seed) {
        return new CollectRequest(hooks, "all", 1, vectors, NpyDtype.FLOAT32, split, seed, 0, "auto", "shuffled",
                DEFAULT_BATCH_TOKENS, DEFAULT_SHARD_VECTORS, false);
    }

    public CollectRequest withPositions(String rule, int perSequenceCount) {
        return new CollectRequest(hooks, rule, perSequenceCount, vectors, dtype, split, seed, context, sampling, order,
                batchTokens, shardVectors, overwrite);
    }

    public CollectRequest withDtype(NpyDtype type) {
        return new CollectRequest(hooks, positions, perSequence, vectors, type, split, seed, context, sampling, order,
                batchTokens, shardVectors, overwrite);
    }

    public CollectRequest withBatching(int contextLength, int tokensPerBatch, long vectorsPerShard) {
        return new CollectRequest(hooks, positions, perSequence, vectors, dtype, split, seed, contextLength, sampling,
                order, tokensPerBatch, vectorsPerShard, overwrite);
    }

    public CollectRequest withSampling(String mode, String visitOrder) {
        return new CollectRequest(hooks, positions, perSequence, vectors, dtype, split, seed, context, mode, visitOrder,
                batchTokens, shardVectors, overwrite);
    }
}
