package amem.pipeline.analysis;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.columns.Column;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;
import tech.tablesaw.io.csv.CsvWriteOptions;

/**
 * Reading and writing the CSV tables of runs and analyses with Tablesaw. Reading is tolerant: numeric columns
 * become double columns (empty cells and {@code NaN} are missing values), the named text columns and any column
 * that is not all numbers stay text, extra columns are kept. Writing goes to a temporary sibling that is renamed
 * over the target when complete.
 */
public final class Tables {

    private Tables() {}

    /**
     * Reads {@code file}. Columns named in {@code textColumns} are text; every other column is a double column when
     * all its filled cells are numbers ({@code NaN} and {@code Infinity} included, empty cells missing), else text,
     * so unexpected extra columns never fail the read.
     */
    public static Table read(Path file, Set<String> textColumns) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        Table text = textTable(Files.readString(file, StandardCharsets.UTF_8), file);
        Table typed = Table.create(file.getFileName().toString());
        for (String name : text.columnNames()) {
            StringColumn column = text.stringColumn(name);
            typed.addColumns(textColumns.contains(name) ? column : numericOrText(column));
        }
        return typed;
    }

    private static Column<?> numericOrText(StringColumn column) {
        double[] values = new double[column.size()];
        for (int i = 0; i < values.length; i++) {
            String cell = column.get(i).trim();
            if (cell.isEmpty()) {
                values[i] = Double.NaN;
                continue;
            }
            try {
                values[i] = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                return column;
            }
        }
        return DoubleColumn.create(column.name(), values);
    }

    /** Fails unless {@code table} (read from {@code file}) has every one of {@code columns}. */
    public static void require(Table table, Path file, String... columns) throws AnalysisInputException {
        List<String> missing = new ArrayList<>();
        for (String column : columns) {
            if (!table.containsColumn(column)) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            throw new AnalysisInputException(file + ": missing column(s) " + String.join(", ", missing)
                    + " (header has " + String.join(",", table.columnNames()) + ")");
        }
    }

    /** The values of a numeric column, missing cells as NaN. */
    public static double[] doubles(Table table, String column) {
        NumericColumn<?> values = table.numberColumn(column);
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.isMissing(i) ? Double.NaN : values.getDouble(i);
        }
        return out;
    }

    /** Writes {@code table} as CSV to {@code file}, atomically (temporary sibling, then rename). */
    public static void write(Table table, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        amem.pipeline.run.AtomicFiles.writeString(file, csv(table));
    }

    /**
     * Writes {@code table} to {@code file}, keeping the rows of an existing file whose {@code key} is none of the
     * new table's keys (so analyses of other activation datasets stay). An existing file with another header is
     * replaced. Cells are merged as text, so values keep their exact written form.
     */
    public static void writeMerged(Table table, Path file, String key) throws IOException {
        if (!Files.isRegularFile(file)) {
            write(table, file);
            return;
        }
        Table fresh = textTable(csv(table), file);
        Table existing;
        try {
            existing = textTable(Files.readString(file, StandardCharsets.UTF_8), file);
        } catch (AnalysisInputException e) {
            write(table, file);
            return;
        }
        if (!existing.columnNames().equals(fresh.columnNames())) {
            write(table, file);
            return;
        }
        Set<String> replaced = new java.util.HashSet<>(fresh.stringColumn(key).asList());
        Table kept = existing.where(existing.stringColumn(key).isNotIn(replaced));
        write(kept.append(fresh), file);
    }

    private static String csv(Table table) {
        StringWriter text = new StringWriter();
        table.write().csv(CsvWriteOptions.builder(text).lineEnd("\n").build());
        return text.toString();
    }

    /** Parses CSV text with every column as text (empty cells stay empty). */
    private static Table textTable(String text, Path file) throws AnalysisInputException {
        try {
            return Table.read().usingOptions(CsvReadOptions.builderFromString(text)
                    .columnTypes(name -> ColumnType.STRING).missingValueIndicator(new String[0]).build());
        } catch (RuntimeException e) {
            throw new AnalysisInputException(file + ": cannot read as CSV: " + e.getMessage());
        }
    }
}
