package amem.pipeline.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.Presets;
import amem.pipeline.config.RunConfig;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepPlanTest {

    static final String GRID = """
            {"models": [{"name": "n16", "set": {"model.n_embd": 16, "model.n_head": 2}},
                        {"name": "n32", "set": {"model.n_embd": 32, "model.n_head": 2}},
                        {"name": "L2-n32", "set": {"model.n_embd": 32, "model.n_head": 2, "model.n_layer": 2}}],
             "data": [{"name": "D1k", "tokens": 1000}, {"name": "half", "fraction": 0.5}]}
            """;

    static JsonObject grid(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }

    static RunConfig base(Path data) {
        return RunConfig.defaults().with("model.architecture", "vanilla").with("data.dir", data.toString());
    }

    @Test
    void cellsAreModelMajorWithStableNamesAndConfigs(@TempDir Path dir) throws Exception {
        SweepPlan plan = SweepPlan.create(dir.resolve("sweep"), null, base(dir.resolve("qf")), grid(GRID), List.of());
        List<String> names = plan.cells().stream().map(SweepPlan.Cell::name).toList();
        assertEquals(List.of("n16_D1k", "n16_half", "n32_D1k", "n32_half", "L2-n32_D1k", "L2-n32_half"), names);
        for (int k = 0; k < names.size(); k++) {
            assertEquals(k, plan.cell(k).index());
        }
        SweepPlan.Cell cell = plan.cell(5);
        RunConfig config = plan.config(cell);
        assertEquals(2, config.getInt("model.n_layer"));
        assertEquals(32, config.getInt("model.n_embd"));
        assertEquals(dir.resolve("sweep/data/half").toAbsolutePath().toString(), config.getString("data.dir"));
        assertEquals(dir.resolve("sweep/runs/L2-n32_half"), plan.runDir(cell));
        assertThrows(ConfigException.class, () -> plan.cell(6));
        assertThrows(ConfigException.class, () -> plan.cell(-1));

        // Reopened from sweep.json: the same cells, the same configs, data.dir absolute.
        SweepPlan reopened = SweepPlan.open(dir.resolve("sweep"));
        assertEquals(names, reopened.cells().stream().map(SweepPlan.Cell::name).toList());
        for (SweepPlan.Cell c : plan.cells()) {
            assertEquals(plan.config(c), reopened.config(reopened.cell(c.index())));
        }
        assertTrue(Path.of(reopened.base().getString("data.dir")).isAbsolute());
        // The same command again continues it; a different grid in the same directory is refused.
        SweepPlan.create(dir.resolve("sweep"), null, base(dir.resolve("qf")), grid(GRID), List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> SweepPlan.create(dir.resolve("sweep"), null,
                base(dir.resolve("qf")).with("train.lr", "0.1"), grid(GRID), List.of()));
        assertTrue(e.getMessage().contains("already holds a different sweep"), e.getMessage());
    }

    @Test
    void wholeStoreIsTheBaseStoreAndSingleAxesKeepShortNames(@TempDir Path dir) throws Exception {
        SweepPlan depths = SweepPlan.create(dir.resolve("a"), null, base(dir.resolve("qf")),
                grid("{\"models\": [{\"name\": \"L1\", \"set\": {\"model.n_layer\": 1}}, {\"name\": \"L3\", \"set\": {\"model.n_layer\": 3}}]}"),
                List.of());
        assertEquals(List.of("L1", "L3"), depths.cells().stream().map(SweepPlan.Cell::name).toList());
        assertEquals(dir.resolve("qf").toAbsolutePath().toString(), depths.config(depths.cell(1)).getString("data.dir"));

        SweepPlan subsets = SweepPlan.create(dir.resolve("b"), null, base(dir.resolve("qf")),
                grid("{\"data\": [{\"name\": \"p100\", \"fraction\": 1.0}, {\"name\": \"p1\", \"fraction\": 0.01}]}"), List.of());
        assertEquals(List.of("p100", "p1"), subsets.cells().stream().map(SweepPlan.Cell::name).toList());
        assertEquals(dir.resolve("qf").toAbsolutePath().toString(), subsets.config(subsets.cell(0)).getString("data.dir"));
        assertEquals(dir.resolve("b/data/p1").toAbsolutePath().toString(), subsets.config(subsets.cell(1)).getString("data.dir"));
    }

    @Test
    void badGridsAreRefusedWithTheFieldNamed(@TempDir Path dir) {
        RunConfig base = base(dir.resolve("qf"));
        record Case(String grid, String message) {}
        List<Case> cases = List.of(
                new Case("{\"models\": [{\"name\": \"a\", \"set\": {\"model.n_layers\": 2}}]}", "grid.models.a: unknown config key \"model.n_layers\""),
                new Case("{\"models\": [{\"set\": {}}]}", "needs a \"name\""),
                new Case("{\"models\": [{\"name\": \"a b\"}]}", "names a directory"),
                new Case("{\"models\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", "appears twice"),
                new Case("{\"data\": [{\"name\": \"d\", \"fraction\": 0.5, \"tokens\": 10}]}", "exactly one of"),
                new Case("{\"data\": [{\"name\": \"d\", \"fraction\": 1.5}]}", "fraction must be in (0, 1]"),
                new Case("{\"data\": [{\"name\": \"d\", \"tokns\": 5}]}", "unknown field \"tokns\""),
                new Case("{\"model\": []}", "unknown field \"model\""),
                new Case("{\"models\": [{\"name\": \"a\", \"set\": {\"data.dir\": \"x\"}}]}", "data belongs on the data axis"));
        for (Case c : cases) {
            ConfigException e = assertThrows(ConfigException.class, () -> SweepGrid.parse(grid(c.grid()), base), c.grid());
            assertTrue(e.getMessage().contains(c.message()), c.grid() + " -> " + e.getMessage());
        }
    }

    @Test
    void damagedOrMissingPlanIsNamed(@TempDir Path dir) throws Exception {
        ConfigException missing = assertThrows(ConfigException.class, () -> SweepPlan.open(dir));
        assertTrue(missing.getMessage().contains("holds no sweep"), missing.getMessage());
        Files.writeString(dir.resolve(SweepPlan.FILE), "{\"base\": ");
        ConfigException damaged = assertThrows(ConfigException.class, () -> SweepPlan.open(dir));
        assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
    }

    @Test
    void everyBundledGridExpandsToUniquelyNamedCells(@TempDir Path dir) throws Exception {
        Set<String> sweeps = new HashSet<>();
        for (Presets.Preset preset : Presets.all()) {
            if (!preset.isSweep()) {
                continue;
            }
            sweeps.add(preset.name());
            SweepPlan plan = SweepPlan.create(dir.resolve(preset.name()), preset.name(), preset.resolve(), preset.grid(),
                    List.of());
            Set<String> names = new HashSet<>();
            for (SweepPlan.Cell cell : plan.cells()) {
                assertTrue(names.add(cell.name()), preset.name() + ": " + cell.name() + " twice");
                plan.config(cell); // every cell's keys are valid
            }
            assertEquals(plan.grid().size(), names.size());
        }
        assertTrue(sweeps.containsAll(Set.of("qf-vanilla", "qf-vanilla-tiny", "gpt2-owt-subsets", "gpt2-owt-subsets-tiny",
                "scaling-grid", "scaling-grid-tiny")), sweeps.toString());
    }
}
