package amem.pipeline.hooks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import amem.models.HookPoint;
import amem.models.HookPoints;
import amem.pipeline.run.CsvLog;
import amem.pipeline.session.ModelSession;
import amem.pipeline.session.TrainingObserver;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Network health every {@code interval} steps, into the run's {@code hook_stats.csv} in long format ({@code
 * step,hook,stat,value}):
 *
 * <ul>
 *   <li>per watched hook point: {@code rms} (root mean square of all entries), {@code mean_norm} (mean L2 norm of
 *       the per-position vectors), {@code max_abs} (largest |x|), over every position of every micro-batch of the
 *       step (padding positions of line batches included);
 *   <li>per layer ({@code h.0}, {@code h.1}, ..., {@code embeddings}, {@code head}): {@code grad_norm}, the L2
 *       norm of the step's accumulated gradients before clipping;
 *   <li>{@code global,clipped_fraction}: the share of steps since the previous row whose update was clipped.
 * </ul>
 *
 * <p>Why it is cheap: on other steps nothing is attached to the model (hook points stay free) and only the clip
 * factor, already on the host, is counted. On a stats step each hook adds a handful of reductions on the device,
 * the gradients one dot product each, and all the numbers come to the host in one transfer ({@code stack} then
 * one {@code toFloatArray}). Captured values are {@code stopGradient()}-ed and live in the step's manager.
 */
public final class HookStatsObserver implements TrainingObserver, Closeable {

    public static final String FILE = "hook_stats.csv";
    public static final String HEADER = "step,hook,stat,value";

    /** Device-side running sums of one hook over a step's micro-batches. */
    private static final class Sums {
        NDArray squares;
        NDArray norms;
        NDArray maxAbs;
        long elements;
        long positions;
    }

    private final long interval;
    private final List<HookPoint> points;
    private final ParameterGroups groups;
    private final CsvLog log;
    private final Map<HookPoint, Sums> sums = new IdentityHashMap<>();
    private HookPoints.Attachment attachment;
    private long stepsSinceRow;
    private long clippedSinceRow;
    private String lastSummary = "";

    /**
     * @param resumeStep the checkpoint step training continues from: later rows of an existing file are removed
     */
    public HookStatsObserver(ModelSession model, List<String> globs, long interval, Path runDir, long resumeStep)
            throws IOException {
        if (interval < 1) {
            throw new IllegalArgumentException("stats interval must be positive, got " + interval);
        }
        this.interval = interval;
        this.points = model.network().hooks().select(globs);
        this.groups = new ParameterGroups(new ArrayList<>(model.parameters().keySet()));
        this.log = CsvLog.resume(runDir.resolve(FILE), HEADER, resumeStep);
    }

    @Override
    public void beforeStep(long step, ModelSession model) {
        if (step % interval == 0) {
            sums.clear();
            if (attachment != null) { // a previous step failed before its statistics were taken
                attachment.close();
            }
            attachment = HookPoints.attach(points, this::accumulate);
        }
    }

    private void accumulate(HookPoint point, NDArray value) {
        NDArray x = point.vectors(value.stopGradient()); // (B, T, width): one vector per position
        long[] shape = x.getShape().getShape();
        NDArray square = x.square();
        NDArray squares = square.sum();
        NDArray norms = square.sum(new int[] {-1}).sqrt().sum();
        NDArray maxAbs = x.abs().max();
        Sums s = sums.computeIfAbsent(point, p -> new Sums());
        s.squares = s.squares == null ? squares : s.squares.add(squares);
        s.norms = s.norms == null ? norms : s.norms.add(norms);
        s.maxAbs = s.maxAbs == null ? maxAbs : NDArrays.maximum(s.maxAbs, maxAbs);
        long positions = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            positions *= shape[i];
        }
        s.positions += positions;
        s.elements += positions * shape[shape.length - 1];
    }

    @Override
    public void afterBackward(long step, NDList gradients, double gradNorm, double clipScale, NDManager scope) {
        stepsSinceRow++;
        if (clipScale < 1.0) {
            clippedSinceRow++;
        }
        if (attachment == null) {
            return;
        }
        attachment.close();
        attachment = null;
        NDList stats = new NDList();
        List<Counted> recorded = new ArrayList<>();
        for (HookPoint point : points) {
            Sums s = sums.get(point);
            if (s != null) {
                recorded.add(new Counted(point.name(), s.elements, s.positions));
                stats.add(s.squares);
                stats.add(s.norms);
                stats.add(s.maxAbs);
            }
        }
        NDArray[] groupSquares = new NDArray[groups.size()];
        for (int i = 0; i < gradients.size(); i++) {
            NDArray g = gradients.get(i).flatten();
            NDArray square = g.dot(g);
            int group = groups.groupOf(i);
            groupSquares[group] = groupSquares[group] == null ? square : groupSquares[group].add(square);
        }
        for (NDArray square : groupSquares) {
            stats.add(square);
        }
        // One device-to-host transfer for every statistic of the step.
        float[] values = NDArrays.stack(stats).toFloatArray();
        sums.clear();
        write(step, recorded, values);
    }

    /** A hook's name and how many entries and positions its sums cover. */
    private record Counted(String hook, long elements, long positions) {}

    private void write(long step, List<Counted> recorded, float[] values) {
        try {
            int at = 0;
            String largestHook = null;
            double largestMax = -1;
            for (Counted c : recorded) {
                double squares = values[at++];
                double norms = values[at++];
                double maxAbs = values[at++];
                log.row(step, c.hook(), "rms", Math.sqrt(squares / c.elements()));
                log.row(step, c.hook(), "mean_norm", norms / c.positions());
                log.row(step, c.hook(), "max_abs", maxAbs);
                if (maxAbs > largestMax || Double.isNaN(maxAbs)) {
                    largestMax = maxAbs;
                    largestHook = c.hook();
                }
            }
            String largestGroup = null;
            double largestNorm = -1;
            for (String group : groups.names()) {
                double norm = Math.sqrt(values[at++]);
                log.row(step, group, "grad_norm", norm);
                if (norm > largestNorm || Double.isNaN(norm)) {
                    largestNorm = norm;
                    largestGroup = group;
                }
            }
            log.row(step, "global", "clipped_fraction", (double) clippedSinceRow / stepsSinceRow);
            log.flush();
            stepsSinceRow = 0;
            clippedSinceRow = 0;
            lastSummary = String.format(Locale.ROOT, "hook stats of step %d: largest max|x| %s %.4g, largest layer "
                    + "gradient norm %s %.4g", step, largestHook, largestMax, largestGroup, largestNorm);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String faultReport() {
        return lastSummary;
    }

    @Override
    public void close() throws IOException {
        if (attachment != null) {
            attachment.close();
            attachment = null;
        }
        log.close();
    }
}
