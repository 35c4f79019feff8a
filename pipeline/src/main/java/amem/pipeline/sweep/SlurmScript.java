package amem.pipeline.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Slurm job-array script for a sweep: array index K runs {@code amem sweep --dir DIR --cell K}, so Slurm spreads the
 * grid over machines, one cell per task. Every task reads the same frozen plan (sweep.json), finished cells exit at
 * once, and a task that is pre-empted or times out resumes from its checkpoint when resubmitted. The resources are
 * the caller's; the script only passes them to {@code #SBATCH}.
 *
 * @param amem the launcher to call (absolute); the script lets {@code $AMEM} replace it
 * @param workDir the directory the tasks start in (relative data paths in the plan are already absolute)
 */
public record SlurmScript(String jobName, String partition, String account, String time, int gpus, int cpusPerTask,
        String memory, int maxParallel, Path amem, Path workDir) {

    /** Slurm's own syntax for these values; anything else would break the #SBATCH line or the shell. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:+-]+");

    public SlurmScript {
        for (String value : new String[] {jobName, partition, account, time, memory}) {
            if (value != null && !SAFE.matcher(value).matches()) {
                throw new IllegalArgumentException("Slurm option \"" + value + "\" may only hold letters, digits and . _ : + -");
            }
        }
        if (gpus < 0 || cpusPerTask < 1 || maxParallel < 0) {
            throw new IllegalArgumentException("--gpus must be >= 0, --cpus-per-task >= 1 and --max-parallel >= 0");
        }
    }

    /** The script text for {@code plan}. */
    public String render(SweepPlan plan) {
        List<SweepPlan.Cell> cells = plan.cells();
        Path sweepDir = plan.dir().toAbsolutePath().normalize();
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# amem sweep as a Slurm job array: ").append(plan.describe()).append('\n');
        s.append("# Submit with: sbatch ").append(sweepDir.resolve("slurm.sh")).append('\n');
        s.append("# Array index -> cell (the run directory ").append(sweepDir).append("/runs/<cell>):\n");
        for (SweepPlan.Cell cell : cells) {
            s.append(String.format(Locale.ROOT, "#   %3d  %s%n", cell.index(), cell.name()));
        }
        s.append("#SBATCH --job-name=").append(jobName).append('\n');
        s.append("#SBATCH --array=0-").append(cells.size() - 1).append(maxParallel > 0 ? "%" + maxParallel : "").append('\n');
        s.append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n");
        s.append("#SBATCH --cpus-per-task=").append(cpusPerTask).append('\n');
        if (gpus > 0) {
            s.append("#SBATCH --gpus-per-task=").append(gpus).append('\n');
        }
        if (memory != null) {
            s.append("#SBATCH --mem=").append(memory).append('\n');
        }
        if (time != null) {
            s.append("#SBATCH --time=").append(time).append('\n');
        }
        if (partition != null) {
            s.append("#SBATCH --partition=").append(partition).append('\n');
        }
        if (account != null) {
            s.append("#SBATCH --account=").append(account).append('\n');
        }
        s.append("#SBATCH --output=").append(quoteForDirective(sweepDir.resolve("slurm").toString())).append("/%A_%a.out\n");
        // Slurm sends SIGTERM before the time limit; amem checkpoints on it and exits 143, and requeueing resumes.
        s.append("#SBATCH --signal=B:TERM@120\n#SBATCH --requeue\n");
        s.append('\n');
        s.append("set -euo pipefail\n");
        s.append("if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n");
        s.append("  echo \"run this script with sbatch (SLURM_ARRAY_TASK_ID is not set)\" >&2\n  exit 2\nfi\n");
        s.append("cd ").append(shellQuote(workDir.toAbsolutePath().normalize().toString())).append('\n');
        s.append("AMEM=\"${AMEM:-").append(amem.toAbsolutePath().normalize().toString().replace("\"", "\\\"")
                .replace("$", "\\$").replace("`", "\\`")).append("}\"\n");
        s.append("exec \"$AMEM\" sweep --dir ").append(shellQuote(sweepDir.toString()))
                .append(gpus > 0 ? " --device gpu" : "")
                .append(" --cell \"$SLURM_ARRAY_TASK_ID\"\n");
        return s.toString();
    }

    /** Single-quotes {@code text} for bash. */
    static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static String quoteForDirective(String path) {
        if (path.contains(" ") || path.contains("\"")) {
            throw new IllegalArgumentException("Slurm cannot take a path with spaces or quotes in #SBATCH --output: " + path);
        }
        return path;
    }
}
