package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amem ablate} end to end on a tiny GPT-2 run: losses, exit codes, one-line errors. */
class AblateCommandTest {

    @TempDir
    static Path dir;
    private static Path run;

    @BeforeAll
    static void train() throws Exception {
        Path store = TinyQf.store(dir);
        run = dir.resolve("run");
        var config = TinyQf.config(store, 4).with("model.architecture", "gpt2").with("model.dropout", "0")
                .with("hooks.stats_interval", "0");
        TrainingRun.start(config, run, new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9), 4);
    }

    private static CliRun amem(String... args) {
        return CliRun.of(args);
    }

    private static double number(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + " ([-+0-9.]+) nats/token").matcher(text);
        assertTrue(m.find(), label + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void reportsTheLossWithoutAndWithTheAblation() throws Exception {
        // The run's own last validation: 3 sequential batches of 8 lines, the checkpoint of step 4.
        double logged = Files.readAllLines(run.resolve("eval.csv")).stream()
                .filter(l -> l.startsWith("4,val,")).mapToDouble(l -> Double.parseDouble(l.split(",")[2])).findFirst()
                .orElseThrow();
        CliRun r = amem("ablate", "--run", run.toString(), "--batch-size", "8", "--batches", "3",
                "--ablate", "blocks.0.hook_mlp_out=zero", "--ablate", "blocks.0.attn.hook_z[1]=mean");
        assertEquals(0, r.code(), r.err());
        double without = number(r.out(), "loss without ablation:");
        double with = number(r.out(), "loss with blocks.0.hook_mlp_out=zero + blocks.0.attn.hook_z[1]=mean:");
        assertEquals(logged, without, 1e-4, "the baseline is the run's own validation loss");
        assertEquals(with - without, number(r.out(), "difference:"), 1e-4);
        assertTrue(with != without, r.out());
        assertTrue(r.err().contains("ablate: 3 batch(es) of 8 lines of split val"), r.err());
    }

    @Test
    void badRequestsFailInOneLineWithExitTwo() {
        CliRun unknown = amem("ablate", "--run", run.toString(), "--ablate", "blocks.7.hook_mlp_out=zero");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("amem ablate: error: --ablate 'blocks.7.hook_mlp_out=zero': hook pattern "
                + "'blocks.7.hook_mlp_out' matches no hook point; available"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());

        CliRun syntax = amem("ablate", "--run", run.toString(), "--ablate", "blocks.0.hook_mlp_out");
        assertEquals(2, syntax.code());
        assertEquals("amem ablate: error: --ablate 'blocks.0.hook_mlp_out': expected POINTS=zero|mean or "
                + "POINTS[HEAD]=zero|mean, e.g. 'blocks.1.hook_mlp_out=zero' or 'blocks.0.attn.hook_z[1]=mean'",
                syntax.err().strip());

        CliRun head = amem("ablate", "--run", run.toString(), "--ablate", "blocks.0.attn.hook_pattern[0]=mean");
        assertEquals(2, head.code());
        assertTrue(head.err().strip().endsWith("ablate blocks.0.attn.hook_pattern with zero, or hook_z with mean"), head.err());

        CliRun split = amem("ablate", "--run", run.toString(), "--split", "nope", "--ablate", "blocks.0.hook_mlp_out=zero");
        assertEquals(2, split.code());
        assertTrue(split.err().contains("has no split 'nope'"), split.err());

        CliRun noModel = amem("ablate", "--ablate", "blocks.0.hook_mlp_out=zero");
        assertEquals(2, noModel.code());
        assertEquals("amem ablate: error: give exactly one model: --run RUN_DIR or --weights DIR", noModel.err().strip());
    }
}
