package amem.pipeline.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.analysis.SyntheticRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config table shows what a run used where the config says "0: take it from elsewhere" (issue 13, point 7). */
class ConfigSectionTest {

    @Test
    void zeroMeaningDefaultIsShownWithTheValueTheRunUsed(@TempDir Path dir) throws Exception {
        Path run = SyntheticRun.write(dir.resolve("runs/a"), 300, new long[] {0, 100, 200, 300},
                new double[] {4, 2, 1.5, 1.4}, new double[] {4, 2.1, 1.6, 1.5}, "data/none", true);
        Path config = run.resolve("config.json");
        Files.writeString(config, Files.readString(config)
                .replace("\"n_embd\": 64}", "\"n_embd\": 64, \"vocab_size\": 0, \"ffn_width\": 0}")
                .replace("\"lr\": 0.001}", "\"lr\": 0.001, \"decay_steps\": 0}"));
        Html html = new Html();
        ConfigSection.write(html, RunData.load(run));
        String text = html.toString();
        assertTrue(text.contains("68 (0 in the config: the token store&#39;s vocabulary)")
                || text.contains("68 (0 in the config: the token store's vocabulary)"), text);
        assertTrue(text.contains("256 (0 in the config: 4 x n_embd)"), text);
        assertTrue(text.contains("300 (0 in the config: train.steps)"), text);
        assertFalse(text.contains("<td>0</td>"), text);
    }
}
