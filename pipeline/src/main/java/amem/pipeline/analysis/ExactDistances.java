package amem.pipeline.analysis;

import java.nio.FloatBuffer;

/**
 * Squared distances {@code ||a - b||²} between rows of two chunks held on the host (row-major float32), summed in
 * double: the exact distance of a candidate pair, free of the cancellation of the expanded form.
 */
final class ExactDistances {

    private final FloatBuffer rowsA;
    private final FloatBuffer rowsB;
    private final int width;
    private final float[] a;
    private final float[] b;

    ExactDistances(FloatBuffer rowsA, FloatBuffer rowsB, int width) {
        this.rowsA = rowsA;
        this.rowsB = rowsB;
        this.width = width;
        this.a = new float[width];
        this.b = new float[width];
    }

    int width() {
        return width;
    }

    /** {@code ||A[rowA] - B[rowB]||²}. */
    double squared(int rowA, int rowB) {
        rowsA.get(rowA * width, a, 0, width);
        rowsB.get(rowB * width, b, 0, width);
        double sum = 0;
        for (int d = 0; d < width; d++) {
            double diff = (double) a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }
}
