package amem.pipeline.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The progress line of a long job: step, loss, throughput, elapsed time and ETA. On a terminal it redraws one
 * line in place a few times a second; when output goes to a file or pipe it prints a full line only every
 * {@code quietSeconds}, so logs of week-long runs stay readable.
 */
public final class Progress {

    private final PrintStream out;
    private final String unit;
    private final boolean interactive;
    private final long quietNanos;
    private final long startNanos = System.nanoTime();
    private long lastPrint;
    private boolean lineOpen;
    /** Durations of the work units reported with {@link #measured}; the ETA comes from these when there are any. */
    private long measuredUnits;
    private long measuredNanos;
    private long firstMeasuredNanos;

    public Progress(PrintStream out, boolean interactive, double quietSeconds) {
        this(out, "step", interactive, quietSeconds);
    }

    /** @param unit what is counted, e.g. "step" or "MB" */
    public Progress(PrintStream out, String unit, boolean interactive, double quietSeconds) {
        this.out = out;
        this.unit = unit;
        this.interactive = interactive;
        this.quietNanos = (long) (quietSeconds * 1e9);
        this.lastPrint = startNanos;
    }

    /** A progress reporter on stderr, interactive when a console is attached. */
    public static Progress onStderr() {
        return onStderr("step");
    }

    /** A progress reporter on stderr counting {@code unit}s ("step", "MB"). */
    public static Progress onStderr(String unit) {
        return new Progress(System.err, unit, System.console() != null, 30);
    }

    /**
     * Records how long one unit (a training step) took by itself. The ETA is then the mean of these times the units
     * left, so start-up, evaluations and checkpoints no longer inflate it (a 10-minute run used to show 5:39:16 after
     * a long step-0 evaluation). The first unit, slowed by JIT compilation and allocator warm-up, is left out once
     * there are others.
     */
    public void measured(long nanos) {
        if (measuredUnits == 0) {
            firstMeasuredNanos = nanos;
        }
        measuredUnits++;
        measuredNanos += nanos;
    }

    /** The ETA in seconds for {@code left} more units from the measured ones, or NaN before the first. */
    double measuredEta(long left) {
        if (measuredUnits == 0) {
            return Double.NaN;
        }
        double perUnit = measuredUnits > 1 ? (measuredNanos - firstMeasuredNanos) / (double) (measuredUnits - 1)
                : measuredNanos;
        return perUnit * left / 1e9;
    }

    /**
     * Shows what a long job is doing between updates (e.g. "evaluating val, batch 12/40"): redrawn in place on a
     * terminal, printed as a line in a log when due or when {@code force}.
     */
    public void status(String text, boolean force) {
        if (due(force)) {
            show(text);
        }
    }

    /** Whether a line is due now (a few times a second on a terminal, every quiet interval in a log); if so, from now. */
    private boolean due(boolean force) {
        long now = System.nanoTime();
        long interval = interactive ? 250_000_000L : quietNanos;
        if (!force && now - lastPrint < interval) {
            return false;
        }
        lastPrint = now;
        return true;
    }

    /** Redraws the in-place line on a terminal, or prints a line in a log. */
    private void show(String line) {
        if (interactive) {
            out.print("\r" + line + "\u001b[K");
            lineOpen = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Reports step {@code step} of {@code total}; prints only when due unless {@code force}. */
    public void update(long step, long total, long firstStep, String details, boolean force) {
        if (!due(force)) {
            return;
        }
        double elapsed = (lastPrint - startNanos) / 1e9;
        long done = step - firstStep;
        double eta = measuredUnits > 0 ? measuredEta(total - step)
                : done > 0 ? elapsed / done * (total - step) : Double.NaN;
        show(String.format(Locale.ROOT, "%s %d/%d  %s  elapsed %s  ETA %s",
                unit, step, total, details, clock(elapsed), Double.isNaN(eta) ? "?" : clock(eta)));
    }

    /** Prints a message on its own line (ending an in-place progress line first). */
    public void message(String text) {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
        out.println(text);
        out.flush();
    }

    /** Ends the in-place line. */
    public void finish() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String clock(double seconds) {
        Duration d = Duration.ofSeconds(Math.round(seconds));
        return String.format(Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
    }
}
