package amem.pipeline.analysis;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The host's part of a nearest-neighbour block on the CPU (see {@link NearestNeighbours}): from one block of dot
 * products {@code a·b} (rows of chunk A against rows of chunk B, row-major, read in place), the candidate of every row
 * (its closest column) and of every column (its closest row) by the expanded squared distance
 * {@code ||a||² + ||b||² - 2 a·b}, in one pass over the block.
 *
 * <p>Why on the host: the engine's arg-min along the columns of a row-major block reads it with a stride of a whole
 * row (about 40 ms for a 4096 × 4096 block against 200 ms for its product on 2 cores), its arg-min along rows is
 * another full pass, and adding the norms in the engine is a third (or an inner dimension of n + 2 in the product).
 * Here each row of the block is read once into a small array: its distances are formed there, their minimum is a
 * vectorisable loop, and the column minima live in two arrays of c values that stay in cache; the rows are split
 * among the cores, each part keeping its own column minima, merged in row order. Ties go to the first index, as with
 * the engine's arg-min.
 *
 * <p>Exclusions: in a diagonal block (a chunk against itself) only pairs with column > row are looked at (each pair
 * once, never a row with itself); with {@code keys} given, pairs of rows with one key are excluded. A row or column
 * with no admissible partner gets candidate -1.
 */
final class BlockCandidates implements AutoCloseable {

    /**
     * @param rowPick per row, the column of its smallest expanded distance (-1 when none)
     * @param rowValue that expanded squared distance
     * @param columnPick per column, the row of its smallest expanded distance (-1 when none)
     * @param columnValue that expanded squared distance
     */
    record Picks(int[] rowPick, float[] rowValue, int[] columnPick, float[] columnValue) {}

    private final int parts;
    private final ExecutorService workers;

    /** A scanner that splits each block among {@code parts} threads (the calling thread is one of them). */
    BlockCandidates(int parts) {
        this.parts = Math.max(1, parts);
        this.workers = this.parts == 1 ? null : Executors.newFixedThreadPool(this.parts - 1, runnable -> {
            Thread thread = new Thread(runnable, "amem-nn-scan");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Candidates of a {@code rows} × {@code columns} block of dot products.
     *
     * @param dots the block, row-major
     * @param normsA squared norms of the rows
     * @param normsB squared norms of the columns
     * @param diagonal whether rows and columns are one chunk (only column > row is looked at)
     * @param keysA the rows' keys, or null when no two rows of the block share a key
     * @param keysB the columns' keys (null with keysA)
     */
    Picks scan(FloatBuffer dots, int rows, int columns, float[] normsA, float[] normsB, boolean diagonal, long[] keysA,
            long[] keysB) {
        int[] rowPick = new int[rows];
        float[] rowValue = new float[rows];
        int[] bounds = splits(rows, diagonal);
        List<float[]> columnValues = new ArrayList<>();
        List<int[]> columnPicks = new ArrayList<>();
        List<Future<?>> running = new ArrayList<>();
        for (int p = 0; p < bounds.length - 1; p++) {
            float[] columnValue = new float[columns];
            int[] columnPick = new int[columns];
            columnValues.add(columnValue);
            columnPicks.add(columnPick);
            int from = bounds[p];
            int to = bounds[p + 1];
            Runnable part = () -> scanRows(dots, from, to, columns, normsA, normsB, diagonal, keysA, keysB, rowPick,
                    rowValue, columnPick, columnValue);
            if (p < bounds.length - 2) {
                running.add(workers.submit(part));
            } else {
                part.run();
            }
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("nearest-neighbour scan interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("nearest-neighbour scan failed", e.getCause());
            }
        }
        // merge the parts' column minima in row order: a strict < keeps the first row on ties
        float[] columnValue = columnValues.get(0);
        int[] columnPick = columnPicks.get(0);
        for (int p = 1; p < columnValues.size(); p++) {
            float[] values = columnValues.get(p);
            int[] picks = columnPicks.get(p);
            for (int j = 0; j < columns; j++) {
                if (values[j] < columnValue[j]) {
                    columnValue[j] = values[j];
                    columnPick[j] = picks[j];
                }
            }
        }
        return new Picks(rowPick, rowValue, columnPick, columnValue);
    }

    /**
     * Row bounds of the parts: equal row counts, or for a diagonal block (row r looks at columns r+1 on) equal areas
     * of the upper triangle.
     */
    private int[] splits(int rows, boolean diagonal) {
        int count = Math.min(parts, Math.max(1, rows));
        int[] bounds = new int[count + 1];
        for (int p = 1; p < count; p++) {
            double share = (double) p / count;
            bounds[p] = (int) Math.round(diagonal ? rows * (1 - Math.sqrt(1 - share)) : rows * share);
        }
        bounds[count] = rows;
        return bounds;
    }

    /** Rows per tile of the column minima: their minimum per column is taken first (a vectorised loop). */
    private static final int TILE = 8;

    /**
     * Rows {@code from} to {@code to} of the block. Per row: its expanded distances, its exclusions, its minimum.
     * Per tile of {@link #TILE} rows: the minimum of each column over the tile, and only where that beats the
     * column's best so far, which of the tile's rows it was (rare after the first tiles), so the column minima cost
     * about one vectorised pass instead of a compare-and-branch per value.
     */
    private static void scanRows(FloatBuffer dots, int from, int to, int columns, float[] normsA, float[] normsB,
            boolean diagonal, long[] keysA, long[] keysB, int[] rowPick, float[] rowValue, int[] columnPick,
            float[] columnValue) {
        Arrays.fill(columnValue, Float.POSITIVE_INFINITY);
        Arrays.fill(columnPick, -1);
        float[][] tile = new float[TILE][columns];
        float[] tileMin = new float[columns];
        for (int first = from; first < to; first += TILE) {
            int rows = Math.min(TILE, to - first);
            Arrays.fill(tileMin, Float.POSITIVE_INFINITY);
            for (int t = 0; t < rows; t++) {
                int r = first + t;
                float[] squared = tile[t];
                expandedRow(dots, r, columns, normsA[r], normsB, diagonal, keysA, keysB, squared);
                float min = Float.POSITIVE_INFINITY;
                int pick = -1;
                for (int j = 0; j < columns; j++) {
                    float value = squared[j];
                    tileMin[j] = Math.min(tileMin[j], value);
                    if (value < min) {
                        min = value;
                        pick = j;
                    }
                }
                rowPick[r] = pick;
                rowValue[r] = min;
            }
            for (int j = 0; j < columns; j++) {
                if (tileMin[j] < columnValue[j]) {
                    // the first of the tile's rows at the tile's minimum (ties keep the first row, as row by row)
                    int at = 0;
                    while (!(tile[at][j] == tileMin[j])) {
                        at++;
                    }
                    columnValue[j] = tileMin[j];
                    columnPick[j] = first + at;
                }
            }
        }
    }

    /**
     * Row {@code r}'s expanded squared distances {@code ||a||² + ||b||² - 2 a·b} into {@code squared}, +∞ where the
     * pair is excluded; a row whose squared norm is not finite (NaN or infinite values) has no admissible pair.
     */
    private static void expandedRow(FloatBuffer dots, int r, int columns, float normA, float[] normsB,
            boolean diagonal, long[] keysA, long[] keysB, float[] squared) {
        if (!(normA < Float.POSITIVE_INFINITY)) {
            Arrays.fill(squared, Float.POSITIVE_INFINITY);
            return;
        }
        dots.get(r * columns, squared, 0, columns);
        for (int j = 0; j < columns; j++) {
            squared[j] = normA + (normsB[j] - 2f * squared[j]);
        }
        if (diagonal) {
            Arrays.fill(squared, 0, Math.min(columns, r + 1), Float.POSITIVE_INFINITY);
        }
        if (keysA != null) {
            long key = keysA[r];
            for (int j = 0; j < columns; j++) {
                if (keysB[j] == key) {
                    squared[j] = Float.POSITIVE_INFINITY;
                }
            }
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
