package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.train.Progress;
import amem.pipeline.train.TinyQf;
import amem.pipeline.train.TrainingRun;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amem collect} and {@code amem weights} end to end on a tiny run. */
class CollectCommandTest {

    private static CliRun amem(String... args) {
        return CliRun.of(args);
    }

    private static JsonObject manifest(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve("manifest.json"))).getAsJsonObject();
    }

    @Test
    void collectsFromARunAndFromExportedWeights(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path run = dir.resolve("run");
        var config = TinyQf.config(store, 4).with("model.architecture", "gpt2").with("model.dropout", "0")
                .with("hooks.stats_interval", "0");
        TrainingRun.start(config, run, new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9), 4);

        CliRun hooks = amem("collect", "--run", run.toString(), "--list-hooks");
        assertEquals(0, hooks.code(), hooks.err());
        assertTrue(hooks.out().contains("blocks.0.attn.hook_pattern") && hooks.out().contains("ln_final.hook_normalized"),
                hooks.out());

        Path fromRun = dir.resolve("act-run");
        CliRun collected = amem("collect", "--run", run.toString(), "--hooks", "blocks.*.hook_resid_post",
                "--hooks", "ln_final.hook_normalized", "--tokens", "60", "--positions", "random", "--per-sequence", "2",
                "--out", fromRun.toString());
        assertEquals(0, collected.code(), collected.err());
        assertTrue(collected.out().contains("60 vectors × 2 hooks"), collected.out());
        JsonObject manifest = manifest(fromRun);
        assertEquals(4, manifest.getAsJsonObject("model").get("checkpoint_step").getAsLong());
        assertEquals(64, manifest.getAsJsonObject("model").get("weights_sha256").getAsString().length());
        assertEquals(store.toAbsolutePath().normalize().toString(),
                manifest.getAsJsonObject("data").get("dir").getAsString(), "the run's own data by default");

        Path weights = dir.resolve("hf");
        CliRun exported = amem("weights", "export", "--run", run.toString(), "--out", weights.toString());
        assertEquals(0, exported.code(), exported.err());
        assertEquals(0, amem("weights", "check", "--weights", weights.toString()).code());
        Path fromWeights = dir.resolve("act-hf");
        CliRun again = amem("collect", "--weights", weights.toString(), "--data", store.toString(), "--hooks",
                "blocks.*.hook_resid_post,ln_final.hook_normalized", "--tokens", "60", "--positions", "random",
                "--per-sequence", "2", "--out", fromWeights.toString());
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("warning") && again.err().contains("word"), "tokenizer warning: " + again.err());
        // Same weights, same data, same rule: the same bytes.
        for (String file : new String[] {"tokens.npy", "offsets.npy", "ln_final.hook_normalized/shard-00000.npy"}) {
            assertTrue(java.util.Arrays.equals(Files.readAllBytes(fromRun.resolve(file)),
                    Files.readAllBytes(fromWeights.resolve(file))), file);
        }
    }

    @Test
    void wrongRequestsExitWithTwoAndWriteNothing(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path run = dir.resolve("run");
        TrainingRun.start(TinyQf.config(store, 2), run,
                new Progress(new PrintStream(new ByteArrayOutputStream()), false, 1e9), 2);
        Path out = dir.resolve("out");
        CliRun glob = amem("collect", "--run", run.toString(), "--hooks", "blocks.*.resid", "--out", out.toString());
        assertEquals(2, glob.code());
        assertTrue(glob.err().contains("'blocks.*.resid' matches no hook point"), glob.err());
        CliRun both = amem("collect", "--run", run.toString(), "--weights", dir.toString(), "--hooks", "hook_embed",
                "--out", out.toString());
        assertEquals(2, both.code());
        assertTrue(both.err().contains("exactly one model"), both.err());
        // without --out a run's activations go into the run, where `amem analyze run RUN` finds them (issue 13)
        CliRun intoRun = amem("collect", "--run", run.toString(), "--hooks", "hook_embed", "--tokens", "50");
        assertEquals(0, intoRun.code(), intoRun.err());
        assertEquals(List.of(run.resolve("activations/collect-val")), amem.pipeline.analysis.ActivationSet.inRun(run));
        CliRun preset = amem("collect", "--run", run.toString(), "--preset", "radius-gpt2-medium", "--out", out.toString());
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("radius-gpt2-medium is for a model with architecture = gpt2"), preset.err());
        CliRun noWeights = amem("collect", "--weights", dir.resolve("nowhere").toString(), "--hooks", "hook_embed",
                "--data", store.toString(), "--out", out.toString());
        assertEquals(2, noWeights.code());
        assertTrue(noWeights.err().contains("config.json does not exist"), noWeights.err());
        assertFalse(Files.exists(out));
        CliRun presets = amem("collect", "--list-presets");
        assertEquals(0, presets.code());
        assertTrue(presets.out().contains("radius-gpt2-medium"), presets.out());
    }
}
