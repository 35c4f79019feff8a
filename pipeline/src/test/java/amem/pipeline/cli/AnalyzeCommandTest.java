package amem.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every {@code amem analyze} line documented before the subcommands, rewritten to its subcommand. */
class AnalyzeCommandTest {

    private static String now(String... old) {
        return String.join(" ", AnalyzeCommand.replacement(List.of(old)));
    }

    @Test
    void documentedFormsBecomeTheirSubcommand() {
        assertEquals("run runs/qf-tiny", now("runs/qf-tiny"));
        assertEquals("run runs/a runs/b --plateau-tolerance 0.005", now("runs/a", "runs/b", "--plateau-tolerance", "0.005"));
        assertEquals("activations acts/gpt2-medium-owt", now("--activations", "acts/gpt2-medium-owt"));
        assertEquals("activations acts/heldout --patterns acts/train --out acts/analysis",
                now("--activations", "acts/heldout", "--patterns", "acts/train", "--out", "acts/analysis"));
        assertEquals("sweep sweeps/scaling-grid-tiny", now("--sweep", "sweeps/scaling-grid-tiny"));
        assertEquals("sweep sweeps/s --bootstrap 200", now("--sweep", "sweeps/s", "--bootstrap", "200"));
    }

    @Test
    void optionValuesAreNotTakenForRunDirectories() {
        assertEquals("activations acts/x --out runs/r/analysis --device cpu",
                now("--out", "runs/r/analysis", "--activations", "acts/x", "--device", "cpu"));
        assertEquals("activations acts/x --out=o", now("--activations=acts/x", "--out=o"));
        assertEquals("run runs/r --no-radius --seed 3", now("runs/r", "--no-radius", "--seed", "3"));
    }

    @Test
    void aRunWithActivationsNamesTheTwoCommandsThatReplaceIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> now("runs/r", "--activations", "acts/x", "--chunk", "16"));
        assertTrue(e.getMessage().contains("`amem analyze run runs/r --no-radius` and "
                + "`amem analyze activations acts/x --out runs/r/analysis`"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> now("--sweep"));
        assertTrue(e.getMessage().contains("amem analyze sweep DIR"), e.getMessage());
    }
}
