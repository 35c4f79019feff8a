package amem.pipeline.notebooks;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Jupyter notebook (nbformat 4) read with gson: its metadata and its cells in order, each cell's source joined
 * into one string (nbformat stores it as a string or as a list of lines).
 *
 * @param file the .ipynb file
 * @param metadata the notebook's metadata object
 * @param cells every cell, in order
 */
record NotebookCells(Path file, JsonObject metadata, List<NotebookCells.Cell> cells) {

    /**
     * One cell.
     *
     * @param index position among all cells (0-based; Jupyter shows no numbers, so messages say "cell N of M")
     * @param type {@code code}, {@code markdown} or {@code raw}
     * @param source the cell's text
     * @param json the cell as stored (outputs, execution_count, ...)
     */
    record Cell(int index, String type, String source, JsonObject json) {

        boolean isCode() {
            return type.equals("code");
        }
    }

    static NotebookCells read(Path file) throws IOException {
        JsonObject notebook;
        try {
            JsonElement json = JsonParser.parseString(Files.readString(file));
            if (!json.isJsonObject()) {
                throw new IllegalArgumentException(file + ": not a JSON object");
            }
            notebook = json.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!notebook.has("nbformat") || notebook.get("nbformat").getAsInt() != 4) {
            throw new IllegalArgumentException(file + ": expected nbformat 4, got " + notebook.get("nbformat"));
        }
        if (!notebook.has("cells") || !notebook.get("cells").isJsonArray()) {
            throw new IllegalArgumentException(file + ": no \"cells\" array");
        }
        List<Cell> cells = new ArrayList<>();
        JsonArray array = notebook.getAsJsonArray("cells");
        for (int i = 0; i < array.size(); i++) {
            JsonObject cell = array.get(i).getAsJsonObject();
            cells.add(new Cell(i, cell.get("cell_type").getAsString(), source(cell.get("source")), cell));
        }
        JsonObject metadata = notebook.has("metadata") ? notebook.getAsJsonObject("metadata") : new JsonObject();
        return new NotebookCells(file, metadata, List.copyOf(cells));
    }

    /** The code cells, in order. */
    List<Cell> codeCells() {
        return cells.stream().filter(Cell::isCode).toList();
    }

    String name() {
        return file.getFileName().toString();
    }

    private static String source(JsonElement source) {
        if (source == null || source.isJsonNull()) {
            return "";
        }
        if (source.isJsonPrimitive()) {
            return source.getAsString();
        }
        StringBuilder text = new StringBuilder();
        for (JsonElement line : source.getAsJsonArray()) {
            text.append(line.getAsString());
        }
        return text.toString();
    }
}
