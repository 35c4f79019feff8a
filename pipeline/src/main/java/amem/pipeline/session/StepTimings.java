package amem.pipeline.session;


/**
 * Where the wall time of one training step went, in nanoseconds, measured on the training thread. On the CPU the
 * engine runs each op before returning, so the phases are exact; on a GPU ops are queued and their time shows up
 * where the host waits for them (the loss/norm fetch, {@code syncNanos}).
 *
 * @param batchNanos waiting for the prefetched batch and copying it to the device
 * @param forwardNanos forward passes and losses of all micro-batches
 * @param backwardNanos backward passes
 * @param syncNanos global gradient norm and the one device-to-host transfer of loss and norm
 * @param updateNanos the AdamW update (with clipping)
 * @param bookkeepingNanos metrics row, observers, progress line (evaluations and checkpoints excluded)
 * @param tokens tokens that counted in the loss
 */
public record StepTimings(long step, long batchNanos, long forwardNanos, long backwardNanos, long syncNanos,
        long updateNanos, long bookkeepingNanos, long tokens) {

    /** Time spent in the model's own work: forward, backward, norm and update. */
    public long modelNanos() {
        return forwardNanos + backwardNanos + syncNanos + updateNanos;
    }

    /** Time spent around the model: batches, host-side bookkeeping. */
    public long outsideNanos() {
        return batchNanos + bookkeepingNanos;
    }

    public long totalNanos() {
        return modelNanos() + outsideNanos();
    }
}
