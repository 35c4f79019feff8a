package amem.pipeline.sweep;

import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;
import amem.pipeline.run.AtomicFiles;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep frozen on disk: {@code <dir>/sweep.json} holds the base configuration (preset plus overrides, data.dir made
 * absolute) and the grid, so every later invocation — the next cell of a local sweep, a Slurm array task on another
 * machine, the analysis — expands exactly the same cells, whatever the installed presets say by then.
 *
 * <p>Cells are numbered model-major ({@code index = model × |data| + data}); a cell's name is {@code <model>_<data>}
 * (just the model or the data name when the other axis is the default single point), and it names the run directory
 * {@code <dir>/runs/<name>}. Subsets of the base store live in {@code <dir>/data/<data name>}.
 */
public final class SweepPlan {

    public static final String FILE = "sweep.json";

    /** One run of the grid. */
    public record Cell(int index, String name, SweepGrid.ModelPoint model, SweepGrid.DataPoint data) {}

    private final Path dir;
    private final String preset;
    private final List<String> overrides;
    private final RunConfig base;
    private final SweepGrid grid;
    private final List<Cell> cells;

    private SweepPlan(Path dir, String preset, List<String> overrides, RunConfig base, SweepGrid grid) {
        this.dir = dir;
        this.preset = preset;
        this.overrides = List.copyOf(overrides);
        this.base = base;
        this.grid = grid;
        this.cells = expand(grid);
    }

    /**
     * The plan of a new sweep in {@code dir}, written to sweep.json; or, when {@code dir} already holds one, that plan,
     * provided it is the same (so re-running the same command continues the sweep, and a changed command is refused
     * rather than silently mixing two grids in one directory).
     */
    public static SweepPlan create(Path dir, String preset, RunConfig base, JsonObject gridJson, List<String> overrides)
            throws IOException {
        SweepPlan plan = preview(dir, preset, base, gridJson, overrides);
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(dir);
            AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(plan.toJson()) + "\n");
        }
        return plan;
    }

    /** The plan {@link #create} would return, without writing anything (for --list and --estimate). */
    public static SweepPlan preview(Path dir, String preset, RunConfig base, JsonObject gridJson, List<String> overrides)
            throws IOException {
        RunConfig absolute = withAbsoluteDataDir(base);
        SweepGrid grid = SweepGrid.parse(gridJson, absolute);
        SweepPlan plan = new SweepPlan(dir, preset, overrides, absolute, grid);
        if (Files.exists(dir.resolve(FILE))) {
            SweepPlan existing = open(dir);
            if (!existing.base.equals(plan.base) || !existing.grid.toJson().equals(plan.grid.toJson())) {
                throw new ConfigException(dir + " already holds a different sweep (" + existing.describe()
                        + "); continue it with `amem sweep --dir " + dir + "` or choose another --dir");
            }
            return existing;
        }
        return plan;
    }

    /** The plan of the sweep in {@code dir}. */
    public static SweepPlan open(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(dir + " holds no sweep (no " + FILE + "); start one with `amem sweep --preset NAME --dir "
                    + dir + "`");
        }
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new ConfigException(file + " is damaged (not a JSON object): " + amem.datasets.JsonErrors.describe(e));
        }
        for (String field : List.of("base", "grid")) {
            if (!json.has(field) || !json.get(field).isJsonObject()) {
                throw new ConfigException(file + " is damaged: no \"" + field + "\" object");
            }
        }
        RunConfig base = RunConfig.defaults().merge(json.getAsJsonObject("base"));
        SweepGrid grid = SweepGrid.parse(json.getAsJsonObject("grid"), base);
        List<String> overrides = new ArrayList<>();
        if (json.has("overrides")) {
            for (JsonElement e : json.getAsJsonArray("overrides")) {
                overrides.add(e.getAsString());
            }
        }
        String preset = json.has("preset") && !json.get("preset").isJsonNull() ? json.get("preset").getAsString() : null;
        return new SweepPlan(dir, preset, overrides, base, grid);
    }

    private static RunConfig withAbsoluteDataDir(RunConfig base) {
        String data = base.getString("data.dir");
        if (data.isBlank()) {
            throw new ConfigException("data.dir is not set: a sweep needs the token store its data points are subsets of "
                    + "(--set data.dir=DIR)");
        }
        return base.with("data.dir", Path.of(data).toAbsolutePath().normalize().toString());
    }

    private static List<Cell> expand(SweepGrid grid) {
        List<Cell> cells = new ArrayList<>();
        boolean singleModel = grid.models().size() == 1 && grid.models().get(0).name().equals("base");
        boolean singleData = grid.data().size() == 1 && grid.data().get(0).name().equals("all");
        for (SweepGrid.ModelPoint model : grid.models()) {
            for (SweepGrid.DataPoint data : grid.data()) {
                String name = singleData ? model.name() : singleModel ? data.name() : model.name() + "_" + data.name();
                cells.add(new Cell(cells.size(), name, model, data));
            }
        }
        return List.copyOf(cells);
    }

    private JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("preset", preset);
        JsonArray sets = new JsonArray();
        overrides.forEach(sets::add);
        json.add("overrides", sets);
        json.add("base", base.toJson());
        json.add("grid", grid.toJson());
        json.addProperty("cells", cells.size());
        json.addProperty("created", Instant.now().toString());
        return json;
    }

    /** A one-line description: preset, grid size. */
    public String describe() {
        return (preset == null ? "custom" : "preset " + preset) + ", " + grid.models().size() + " model(s) × "
                + grid.data().size() + " data size(s) = " + cells.size() + " cells";
    }

    public Path dir() {
        return dir;
    }

    public String preset() {
        return preset;
    }

    public RunConfig base() {
        return base;
    }

    public SweepGrid grid() {
        return grid;
    }

    public List<Cell> cells() {
        return cells;
    }

    /** Cell {@code index}, or an error naming the valid range (a Slurm array index maps to exactly one cell). */
    public Cell cell(int index) {
        if (index < 0 || index >= cells.size()) {
            throw new ConfigException("--cell " + index + " is out of range: this sweep has cells 0 to " + (cells.size() - 1));
        }
        return cells.get(index);
    }

    public Path runDir(Cell cell) {
        return dir.resolve("runs").resolve(cell.name());
    }

    /** The token store a data point trains on: the base store, or its subset under {@code <dir>/data}. */
    public Path dataDir(SweepGrid.DataPoint data) {
        return data.whole() ? Path.of(base.getString("data.dir")) : dir.resolve("data").resolve(data.name());
    }

    /** The full configuration of a cell's run. */
    public RunConfig config(Cell cell) {
        return cell.model().apply(base).with("data.dir", dataDir(cell.data()).toAbsolutePath().toString());
    }
}
