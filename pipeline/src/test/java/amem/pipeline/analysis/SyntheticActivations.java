package amem.pipeline.analysis;

import amem.datasets.npy.NpyDtype;
import amem.datasets.npy.NpyWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Builds activation directories in the layout of DESIGN.md for tests: hook directories of .npy shards. */
public final class SyntheticActivations {

    private final Path dir;
    private final Map<String, float[][]> hooks = new LinkedHashMap<>();
    private int shardRows = Integer.MAX_VALUE;
    private NpyDtype dtype = NpyDtype.FLOAT32;

    private SyntheticActivations(Path dir) {
        this.dir = dir;
    }

    public static SyntheticActivations at(Path dir) {
        return new SyntheticActivations(dir);
    }

    public SyntheticActivations hook(String name, float[][] vectors) {
        hooks.put(name, vectors);
        return this;
    }

    public SyntheticActivations shardRows(int rows) {
        this.shardRows = rows;
        return this;
    }

    public SyntheticActivations float16() {
        this.dtype = NpyDtype.FLOAT16;
        return this;
    }

    public Path write() throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, float[][]> e : hooks.entrySet()) {
            Path hookDir = Files.createDirectories(dir.resolve(e.getKey()));
            float[][] rows = e.getValue();
            int shard = 0;
            for (int start = 0; start < rows.length; start += shardRows, shard++) {
                int end = Math.min(rows.length, start + shardRows);
                Path file = hookDir.resolve(String.format("shard-%05d.npy", shard));
                try (NpyWriter writer = new NpyWriter(file, dtype, rows[0].length)) {
                    for (int r = start; r < end; r++) {
                        NpyFiles.appendRow(writer, dtype, rows[r]);
                    }
                }
            }
        }
        Files.writeString(dir.resolve("manifest.json"), "{\"format\": \"amem-activations/1\"}\n");
        return dir;
    }

    /** Points of the integer lattice {0..side-1}^dims scaled by {@code spacing}. */
    public static float[][] lattice(int side, int dims, float spacing) {
        int count = (int) Math.pow(side, dims);
        float[][] points = new float[count][dims];
        for (int i = 0; i < count; i++) {
            int rest = i;
            for (int d = 0; d < dims; d++) {
                points[i][d] = (rest % side) * spacing;
                rest /= side;
            }
        }
        return points;
    }

    /** {@code count} draws of N(0, sigma² I_dims). */
    public static float[][] gaussian(int count, int dims, double sigma, long seed) {
        Random random = new Random(seed);
        float[][] points = new float[count][dims];
        for (float[] point : points) {
            for (int d = 0; d < dims; d++) {
                point[d] = (float) (random.nextGaussian() * sigma);
            }
        }
        return points;
    }
}
