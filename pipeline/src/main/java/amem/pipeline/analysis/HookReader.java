package amem.pipeline.analysis;

import amem.datasets.npy.NpyHeader;
import amem.datasets.npy.NpyReader;
import java.io.IOException;
import java.util.List;

/**
 * Streams chosen rows of one hook's shards in blocks of a fixed number of rows, so that at most one block is
 * held in Java memory. Non-finite values are refused with the shard and row that hold them.
 */
public final class HookReader {

    /** Receives one block: {@code rows} vectors of dimension n, row-major in {@code data}. */
    @FunctionalInterface
    public interface BlockConsumer {
        void accept(float[] data, int rows) throws IOException;
    }

    private HookReader() {}

    /**
     * Reads the rows {@code selected} (ascending indices over all shards of {@code hook}) and hands them to
     * {@code consumer} in blocks of {@code blockRows} rows (the last block may be shorter).
     */
    public static void read(ActivationSet.Hook hook, long[] selected, int blockRows, BlockConsumer consumer)
            throws IOException {
        int n = hook.width();
        float[] block = new float[Math.toIntExact((long) blockRows * n)];
        int filled = 0;
        int next = 0;
        long shardStart = 0;
        List<NpyHeader> shards = hook.shards();
        for (NpyHeader shard : shards) {
            long shardEnd = shardStart + shard.rows();
            if (next < selected.length && selected[next] < shardEnd) {
                try (NpyReader reader = NpyReader.open(shard.file())) {
                    while (next < selected.length && selected[next] < shardEnd) {
                        // a run of consecutive selected rows inside this shard, cut at the block's end
                        long first = selected[next];
                        int run = 1;
                        while (next + run < selected.length && selected[next + run] == first + run
                                && first + run < shardEnd && filled + run < blockRows) {
                            run++;
                        }
                        reader.readRows(first - shardStart, run, block, filled * n);
                        checkFinite(block, filled * n, run * n, n, shard, first - shardStart, hook);
                        filled += run;
                        next += run;
                        if (filled == blockRows) {
                            consumer.accept(block, filled);
                            filled = 0;
                        }
                    }
                }
            }
            shardStart = shardEnd;
        }
        if (next < selected.length) {
            throw new IndexOutOfBoundsException("hook " + hook.name() + ": row " + selected[next] + " beyond its "
                    + hook.rows() + " rows");
        }
        if (filled > 0) {
            consumer.accept(block, filled);
        }
    }

    private static void checkFinite(float[] data, int from, int length, int n, NpyHeader shard, long firstRow,
            ActivationSet.Hook hook) throws AnalysisInputException {
        for (int i = from; i < from + length; i++) {
            if (!Float.isFinite(data[i])) {
                long row = firstRow + (i - from) / n;
                throw new AnalysisInputException("hook " + hook.name() + ": " + shard.file() + " row " + row
                        + " element " + ((i - from) % n) + " is " + data[i] + "; activations must be finite");
            }
        }
    }
}
