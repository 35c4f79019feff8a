package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.datasets.FileNames;
import amem.datasets.store.TokenStore;
import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.analysis.RowKeys;
import amem.pipeline.analysis.SyntheticActivations;
import amem.pipeline.config.ConfigException;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.train.TinyQf;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names written inside files — a token store's split and vocabulary files, an activation manifest's id files,
 * a sweep's cell names — never lead outside the directory they belong to: {@code ../}, absolute paths and empty
 * names are refused with a message naming the file and the field, and nothing outside is read.
 */
class EscapingNamesTest {

    private static final List<String> ESCAPING = List.of("../outside.bin", "../../etc/passwd", "/etc/passwd",
            "a/../../outside.bin", "..", ".", "");

    @Test
    void theRuleItself(@TempDir Path dir) throws Exception {
        for (String name : ESCAPING) {
            FileNames.EscapingNameException refused = assertThrows(FileNames.EscapingNameException.class,
                    () -> FileNames.inside(dir, name, "X/meta.json, splits.train.file"), name);
            assertTrue(refused.getMessage().startsWith("X/meta.json, splits.train.file: \""), refused.getMessage());
            assertFalse(refused.getMessage().contains("\n"));
        }
        assertEquals(dir.resolve("sub/train.bin"), FileNames.inside(dir, "sub/train.bin", "x"));
        assertEquals(dir.resolve("a/../train.bin"), FileNames.inside(dir, "a/../train.bin", "x"), "stays inside");
        assertEquals("a?b", amem.datasets.Messages.oneLine("a\nb"));
    }

    @Test
    void aTokenStoreCannotNameFilesOutsideItsDirectory(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        Path outside = dir.resolve("outside.bin");
        Files.copy(store.resolve("train.bin"), outside); // a real token file, so only the name can stop it
        JsonObject meta = JsonParser.parseString(Files.readString(store.resolve("meta.json"))).getAsJsonObject();
        for (String field : List.of("file", "lines_index")) {
            JsonObject changed = meta.deepCopy();
            changed.getAsJsonObject("splits").getAsJsonObject("train").addProperty(field, "../outside.bin");
            Files.writeString(store.resolve("meta.json"), changed.toString());
            FileNames.EscapingNameException refused = assertThrows(FileNames.EscapingNameException.class,
                    () -> TokenStore.open(store), field);
            assertTrue(refused.getMessage().contains("meta.json, splits.train." + field + ": \"../outside.bin\" leads outside "),
                    refused.getMessage());
        }
        JsonObject vocab = meta.deepCopy();
        vocab.addProperty("vocab_file", "/etc/passwd");
        Files.writeString(store.resolve("meta.json"), vocab.toString());
        assertTrue(assertThrows(FileNames.EscapingNameException.class, () -> TokenStore.open(store)).getMessage()
                .contains("vocab_file: \"/etc/passwd\" leads outside"));
        Files.writeString(store.resolve("meta.json"), meta.toString());
        TokenStore.open(store).close(); // the untouched store still opens
    }

    @Test
    void anActivationManifestCannotNameIdFilesOutsideTheSet(@TempDir Path dir) throws Exception {
        Path acts = SyntheticActivations.at(dir.resolve("run/activations"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(10, 4, 1.0, 1))
                .write();
        Files.writeString(acts.resolve("manifest.json"), "{\"step\": 3, \"files\": {\"offsets\": \"../../offsets.npy\"}}");
        ActivationSet set = ActivationSet.open(acts);
        FileNames.EscapingNameException refused = assertThrows(FileNames.EscapingNameException.class,
                () -> RowKeys.of(set, set.hooks().get(0)));
        assertTrue(refused.getMessage().contains("manifest.json: \"../../offsets.npy\" leads outside"), refused.getMessage());
    }

    @Test
    void aSweepCellNameCannotLeaveTheSweep(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        for (String name : List.of("../evil", "a/b", "..", ".hidden", "/abs")) {
            ConfigException refused = assertThrows(ConfigException.class, () -> SweepPlan.create(dir.resolve("sweep"),
                    null, TinyQf.config(store, 4), JsonParser.parseString("{\"models\": [{\"name\": \"" + name
                            + "\", \"set\": {}}]}").getAsJsonObject(), List.of()), name);
            assertTrue(refused.getMessage().contains("it names a directory"), refused.getMessage());
        }
        assertFalse(Files.exists(dir.resolve("evil")));
        assertFalse(Files.exists(dir.resolve("sweep/sweep.json")), "nothing written for a refused grid");
    }
}
