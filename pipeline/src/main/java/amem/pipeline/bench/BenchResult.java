package amem.pipeline.bench;

import java.util.Locale;

/** The measurements of one shape; also a row of bench.csv. */
public record BenchResult(
        String shape,
        String loss,
        String device,
        long parameters,
        double flopsPerToken,
        double tokensPerStep,
        double peakGflops,
        double forwardTokensPerSecond,
        double trainTokensPerSecond,
        double msPerStep,
        double mfu,
        double outsideShare,
        double batchMs,
        double forwardMs,
        double backwardMs,
        double syncMs,
        double updateMs,
        double bookkeepingMs,
        double rssMiB,
        double peakRssMiB,
        double gpuMiB,
        String precision,
        double estimateMiB) {

    public static final String CSV_HEADER = "shape,loss,device,parameters,flops_per_token,tokens_per_step,peak_gflops,"
            + "forward_tokens_per_s,train_tokens_per_s,ms_per_step,mfu,outside_share,batch_ms,forward_ms,backward_ms,"
            + "sync_ms,update_ms,bookkeeping_ms,rss_mib,peak_rss_mib,gpu_mib,precision,estimate_mib";

    /**
     * The same measurements against another matmul peak: MFU is tokens/s × FLOPs per token / peak, so it scales by
     * {@code peakGflops / peak}.
     */
    public BenchResult withPeak(double peak) {
        return new BenchResult(shape, loss, device, parameters, flopsPerToken, tokensPerStep, peak,
                forwardTokensPerSecond, trainTokensPerSecond, msPerStep, mfu * peakGflops / peak, outsideShare, batchMs,
                forwardMs, backwardMs, syncMs, updateMs, bookkeepingMs, rssMiB, peakRssMiB, gpuMiB, precision,
                estimateMiB);
    }

    public String csvRow() {
        return String.format(Locale.ROOT, "%s,%s,%s,%d,%.0f,%.1f,%.1f,%.1f,%.1f,%.2f,%.4f,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.0f,%.0f,%.0f,%s,%.0f",
                shape, loss, device, parameters, flopsPerToken, tokensPerStep, peakGflops, forwardTokensPerSecond,
                trainTokensPerSecond, msPerStep, mfu, outsideShare, batchMs, forwardMs, backwardMs, syncMs, updateMs,
                bookkeepingMs, rssMiB, peakRssMiB, gpuMiB, precision, estimateMiB);
    }

    /** One line of the human-readable table. */
    public String tableRow() {
        return String.format(Locale.ROOT, "%-11s %-12s %12s %9.0f %10.0f %8.1f %6.1f%% %7.2f%%   fwd %.1f  bwd %.1f  sync %.1f  upd %.1f  "
                        + "batch %.2f  other %.2f ms   RSS %.0f MiB",
                shape, loss, String.format(Locale.ROOT, "%,d", parameters), forwardTokensPerSecond, trainTokensPerSecond,
                msPerStep, 100 * mfu, 100 * outsideShare, forwardMs, backwardMs, syncMs, updateMs, batchMs,
                bookkeepingMs, rssMiB);
    }

    public static String tableHeader() {
        return String.format(Locale.ROOT, "%-11s %-12s %12s %9s %10s %8s %7s %8s   %s", "shape", "loss", "parameters", "fwd tok/s",
                "train tok/s", "ms/step", "MFU", "outside", "median phase times per step");
    }
}
