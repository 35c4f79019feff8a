package amem.pipeline.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process of {@link MklDispatchTest}: writes {@link MklDispatch#describe()} and the results of the products
 * the GPT-2 peer step runs (logits h·Wᵀ, G·W, Gᵀ·h at reduced size, and a square one) to the file {@code args[0]}.
 */
public final class MklDispatchProbe {

    private MklDispatchProbe() {}

    public static void main(String[] args) throws IOException {
        Random random = new Random(42);
        try (NDManager manager = NDManager.newBaseManager();
                DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
            NDArray h = normal(manager, random, 96, 128);
            NDArray w = normal(manager, random, 5003, 128);
            NDArray g = normal(manager, random, 96, 5003);
            NDArray a = normal(manager, random, 512, 512);
            NDArray[] products = {h.matMul(w.transpose()), g.matMul(w), g.transpose().matMul(h), a.matMul(a)};
            out.writeUTF(MklDispatch.describe());
            out.writeInt(products.length);
            for (NDArray product : products) {
                float[] values = product.toFloatArray();
                out.writeInt(values.length);
                for (float v : values) {
                    out.writeFloat(v);
                }
            }
        }
    }

    private static NDArray normal(NDManager manager, Random random, int rows, int columns) {
        float[] values = new float[rows * columns];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new Shape(rows, columns));
    }
}
