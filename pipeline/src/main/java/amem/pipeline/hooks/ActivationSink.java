package amem.pipeline.hooks;

import amem.datasets.npy.NpyDtype;
import amem.models.HookPoint;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** Where an {@link ActivationRecorder} puts what it records: memory ({@link InMemoryActivations}) or disk. */
public interface ActivationSink extends Closeable {

    /** Called once, before the first batch, with the recorded points and the element type. */
    void open(List<HookPoint> hooks, NpyDtype dtype) throws IOException;

    /** Takes one batch; the buffers are the sink's to keep or consume. */
    void write(RecordedBatch batch) throws IOException;
}
