package amem.pipeline.hooks;

import amem.datasets.npy.HalfPrecision;
import amem.datasets.npy.NpyDtype;
import amem.models.HookPoint;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps recorded vectors in memory as floats, for tests and notebooks. Unbounded: give the recorder a limit.
 */
public final class InMemoryActivations implements ActivationSink {

    private final Map<String, List<float[]>> vectors = new LinkedHashMap<>();
    private final List<Integer> tokens = new ArrayList<>();
    private final List<Integer> positions = new ArrayList<>();
    private final List<Long> documents = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private final Map<String, Integer> widths = new LinkedHashMap<>();
    private NpyDtype dtype;

    @Override
    public void open(List<HookPoint> hooks, NpyDtype dtype) {
        this.dtype = dtype;
        for (HookPoint hook : hooks) {
            vectors.put(hook.name(), new ArrayList<>());
            widths.put(hook.name(), hook.width());
        }
    }

    @Override
    public void write(RecordedBatch batch) {
        for (int i = 0; i < batch.count(); i++) {
            tokens.add(batch.tokens()[i]);
            positions.add(batch.positions()[i]);
            documents.add(batch.documents()[i]);
            offsets.add(batch.offsets()[i]);
        }
        for (Map.Entry<String, ByteBuffer> entry : batch.vectors().entrySet()) {
            int width = widths.get(entry.getKey());
            ByteBuffer data = entry.getValue().order(ByteOrder.LITTLE_ENDIAN);
            List<float[]> rows = vectors.get(entry.getKey());
            for (int r = 0; r < batch.count(); r++) {
                float[] row = new float[width];
                for (int c = 0; c < width; c++) {
                    row[c] = dtype == NpyDtype.FLOAT16 ? HalfPrecision.float16ToFloat(data.getShort()) : data.getFloat();
                }
                rows.add(row);
            }
        }
    }

    /** The recorded vectors of {@code hook}, in record order. */
    public List<float[]> vectors(String hook) {
        List<float[]> rows = vectors.get(hook);
        if (rows == null) {
            throw new IllegalArgumentException("hook " + hook + " was not recorded; recorded: " + vectors.keySet());
        }
        return rows;
    }

    public List<String> hooks() {
        return List.copyOf(vectors.keySet());
    }

    public int count() {
        return tokens.size();
    }

    public int token(int record) {
        return tokens.get(record);
    }

    public int position(int record) {
        return positions.get(record);
    }

    public long document(int record) {
        return documents.get(record);
    }

    public long offset(int record) {
        return offsets.get(record);
    }

    @Override
    public void close() {}
}
