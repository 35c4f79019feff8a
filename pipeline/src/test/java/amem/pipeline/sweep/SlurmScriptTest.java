package amem.pipeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emitted job-array script is valid bash and maps every array index to exactly one cell. */
class SlurmScriptTest {

    private static final Pattern ARRAY = Pattern.compile("(?m)^#SBATCH --array=(\\d+)-(\\d+)(%\\d+)?$");

    @Test
    void everyArrayIndexRunsExactlyOneCell(@TempDir Path dir) throws Exception {
        Path sweepDir = dir.resolve("it's-a-sweep"); // a quote, to test the shell quoting
        SweepPlan plan = SweepPlan.create(sweepDir, null, SweepPlanTest.base(dir.resolve("qf")),
                SweepPlanTest.grid(SweepPlanTest.GRID), List.of());
        Path stub = dir.resolve("amem-stub");
        Files.writeString(stub, "#!/bin/bash\nprintf '%s\\n' \"$PWD\" \"$@\" > \"$STUB_OUT\"\n");
        stub.toFile().setExecutable(true);
        SlurmScript slurm = new SlurmScript("amem-test", "gpu", null, "24:00:00", 1, 8, "64G", 3, dir.resolve("amem"), dir);
        String text = slurm.render(plan);
        Path script = dir.resolve("slurm.sh");
        Files.writeString(script, text);

        assertEquals(0, bash(List.of("bash", "-n", script.toString()), Map.of()).exitCode, "bash -n");
        Matcher array = ARRAY.matcher(text);
        assertTrue(array.find(), text);
        int first = Integer.parseInt(array.group(1));
        int last = Integer.parseInt(array.group(2));
        assertEquals(0, first);
        assertEquals(plan.cells().size() - 1, last);
        assertEquals("%3", array.group(3));
        for (String directive : List.of("--gpus-per-task=1", "--cpus-per-task=8", "--mem=64G", "--time=24:00:00",
                "--partition=gpu", "--job-name=amem-test")) {
            assertTrue(text.contains("#SBATCH " + directive), directive);
        }

        Set<String> cells = new HashSet<>();
        for (int k = first; k <= last; k++) {
            Path out = dir.resolve("args-" + k);
            Result r = bash(List.of("bash", script.toString()), Map.of("SLURM_ARRAY_TASK_ID", Integer.toString(k),
                    "AMEM", stub.toString(), "STUB_OUT", out.toString()));
            assertEquals(0, r.exitCode, r.output);
            List<String> args = Files.readAllLines(out);
            assertEquals(dir.toString(), args.get(0), "tasks start in the work directory");
            assertEquals(List.of("sweep", "--dir", sweepDir.toAbsolutePath().toString(), "--device", "gpu", "--cell",
                    Integer.toString(k)), args.subList(1, args.size()));
            // what `amem sweep --dir DIR --cell k` runs: exactly one cell, a different one for every index
            SweepPlan reopened = SweepPlan.open(Path.of(args.get(3)));
            SweepPlan.Cell cell = reopened.cell(Integer.parseInt(args.get(args.size() - 1)));
            assertTrue(cells.add(cell.name()), "index " + k + " maps to " + cell.name() + " again");
            assertTrue(text.contains(String.format("#   %3d  %s%n", k, cell.name())), "the header lists index " + k);
        }
        assertEquals(plan.cells().size(), cells.size(), "every cell has an index");

        Result outside = bash(List.of("bash", script.toString()), Map.of("AMEM", stub.toString(), "STUB_OUT", "/dev/null"));
        assertEquals(2, outside.exitCode, "outside Slurm the script refuses to guess a cell");
        assertTrue(outside.output.contains("sbatch"), outside.output);
    }

    @Test
    void valuesThatWouldBreakTheScriptAreRefused(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class,
                () -> new SlurmScript("x", "gpu; rm -rf /", null, null, 1, 8, null, 0, dir, dir));
        assertThrows(IllegalArgumentException.class, () -> new SlurmScript("x", null, null, null, -1, 8, null, 0, dir, dir));
    }

    private record Result(int exitCode, String output) {}

    private static Result bash(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().remove("SLURM_ARRAY_TASK_ID");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }
}
