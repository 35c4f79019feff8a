package amem.pipeline.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import amem.datasets.npy.NpyDtype;
import amem.models.HookPoint;
import amem.models.HookPoints;
import amem.pipeline.session.ModelSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records activation vectors at chosen hook points while it runs a model in evaluation mode over batches it
 * is given. What to capture ({@link Spec#hooks()}, names or globs), at which positions ({@link PositionRule}),
 * how many vectors at most ({@link Spec#maxVectors()}), as which dtype, and where to ({@link ActivationSink}).
 *
 * <pre>{@code
 * var spec = new ActivationRecorder.Spec(List.of("blocks.*.hook_resid_post"), PositionRule.last(), 1000,
 *         NpyDtype.FLOAT32);
 * var memory = new InMemoryActivations();
 * try (var recorder = new ActivationRecorder(session, spec, memory)) {
 *     recorder.record(batch);
 * }
 * memory.vectors("blocks.0.hook_resid_post");
 * }</pre>
 *
 * <p>Per batch: the positions are chosen on the host and turned into one index array; each hook's value is
 * detached from any graph ({@code stopGradient}), its selected rows gathered on the device and converted to the
 * dtype; then every hook's rows are concatenated and fetched in one device-to-host transfer. Every array lives
 * in a sub-manager closed with the batch, so memory stays bounded by one batch whatever the total.
 */
public final class ActivationRecorder implements AutoCloseable {

    /**
     * What to record.
     *
     * @param hooks hook names or globs ({@code blocks.*.hook_resid_post}), see {@link HookPoints#select}
     * @param positions which positions of each sequence
     * @param maxVectors stop after this many records (each record has one vector per hook)
     * @param dtype element type of the stored vectors
     */
    public record Spec(List<String> hooks, PositionRule positions, long maxVectors, NpyDtype dtype) {
        public Spec {
            if (maxVectors < 1) {
                throw new IllegalArgumentException("the number of vectors to record must be positive, got " + maxVectors);
            }
            if (dtype != NpyDtype.FLOAT32 && dtype != NpyDtype.FLOAT16) {
                throw new IllegalArgumentException("activations are float32 or float16, not " + dtype.key());
            }
        }

        /** The engine type the vectors are converted to before they are fetched. */
        DataType engineType() {
            return dtype == NpyDtype.FLOAT16 ? DataType.FLOAT16 : DataType.FLOAT32;
        }
    }

    private final ModelSession model;
    private final Spec spec;
    private final ActivationSink sink;
    private final List<HookPoint> points;
    private final HookPoints.Attachment attachment;
    private final Map<HookPoint, NDArray> captured = new IdentityHashMap<>();
    private NDArray selection;
    private long recorded;

    /**
     * Selects the hook points and attaches to them until {@link #close()}.
     *
     * @throws IllegalArgumentException when a hook glob matches nothing (the message lists the available names)
     */
    public ActivationRecorder(ModelSession model, Spec spec, ActivationSink sink) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("activation recording assumes a little-endian host");
        }
        this.model = model;
        this.spec = spec;
        this.sink = sink;
        this.points = model.network().hooks().select(spec.hooks());
        sink.open(points, spec.dtype());
        this.attachment = HookPoints.attach(points, this::capture);
    }

    /** The recorded hook points, in forward order. */
    public List<HookPoint> points() {
        return points;
    }

    public Spec spec() {
        return spec;
    }

    /** Records so far. */
    public long recorded() {
        return recorded;
    }

    /** Whether {@link Spec#maxVectors()} records are in. */
    public boolean full() {
        return recorded >= spec.maxVectors();
    }

    /**
     * Runs the model (evaluation mode) on {@code batch} and records the chosen positions of every row, up to the
     * limit.
     *
     * @return the number of records this batch added
     */
    public int record(SequenceBatch batch) throws IOException {
        long remaining = spec.maxVectors() - recorded;
        if (remaining <= 0) {
            return 0;
        }
        int capacity = (int) Math.min(remaining, (long) batch.rows() * batch.seqLen());
        long[] flat = new long[capacity];
        int[] tokens = new int[capacity];
        int[] positions = new int[capacity];
        long[] documents = new long[capacity];
        long[] offsets = new long[capacity];
        int count = 0;
        for (int r = 0; r < batch.rows() && count < capacity; r++) {
            SequenceInfo sequence = batch.sequences().get(r);
            for (int p : spec.positions().select(sequence)) {
                if (p < 0 || p >= sequence.length()) {
                    throw new IllegalStateException("position rule " + spec.positions().describe() + " chose position "
                            + p + " of a sequence of " + sequence.length() + " tokens");
                }
                if (count == capacity) {
                    break;
                }
                int at = r * batch.seqLen() + p;
                flat[count] = at;
                tokens[count] = batch.ids()[at];
                positions[count] = p;
                documents[count] = sequence.document();
                offsets[count] = sequence.offset() + p;
                count++;
            }
        }
        if (count == 0) {
            return 0;
        }
        Map<String, ByteBuffer> vectors = new LinkedHashMap<>();
        try (NDManager scope = model.manager().newSubManager()) {
            NDArray ids = scope.create(batch.ids(), new Shape(batch.rows(), batch.seqLen()));
            selection = scope.create(java.util.Arrays.copyOf(flat, count));
            model.logits(ids, false);
            NDList parts = new NDList(points.size());
            for (HookPoint point : points) {
                NDArray part = captured.get(point);
                if (part == null) {
                    throw new IllegalStateException("hook point " + point.name() + " did not fire during the forward");
                }
                parts.add(part);
            }
            // One device-to-host transfer for every hook of the batch.
            ByteBuffer all = (parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts)).toByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN);
            int offset = 0;
            for (HookPoint point : points) {
                int bytes = count * point.width() * spec.dtype().bytes();
                vectors.put(point.name(), all.slice(offset, bytes).order(ByteOrder.LITTLE_ENDIAN));
                offset += bytes;
            }
        } finally {
            captured.clear();
            selection = null;
        }
        if (count < capacity) {
            tokens = java.util.Arrays.copyOf(tokens, count);
            positions = java.util.Arrays.copyOf(positions, count);
            documents = java.util.Arrays.copyOf(documents, count);
            offsets = java.util.Arrays.copyOf(offsets, count);
        }
        sink.write(new RecordedBatch(count, tokens, positions, documents, offsets, vectors));
        recorded += count;
        return count;
    }

    /** The listener: gathers the selected rows of a hook's value, detached, in the batch's scope. */
    private void capture(HookPoint point, NDArray value) {
        if (selection == null) {
            return; // a forward this recorder did not start
        }
        NDArray rows = point.vectors(value.stopGradient());
        Shape s = rows.getShape();
        NDArray picked = rows.reshape(s.get(0) * s.get(1), s.get(2)).get(new NDIndex("{}", selection));
        captured.put(point, picked.toType(spec.engineType(), false).flatten());
    }

    /** Detaches from the hook points (the sink is the caller's to close). */
    @Override
    public void close() {
        attachment.close();
    }
}
