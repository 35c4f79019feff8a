package amem.pipeline.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.analysis.EnergyAnalysis;
import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RadiusStatistic;
import amem.pipeline.analysis.SyntheticActivations;
import amem.pipeline.analysis.SyntheticRun;
import amem.pipeline.analysis.Tables;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tech.tablesaw.api.Table;

class ReportWriterTest {

    private static final long[] STEPS = {0, 500, 1000, 1500, 2000, 2500, 3000};
    private static final double[] TRAIN = {5.103741, 1.053015, 1.024085, 1.013266, 1.011755, 1.006519, 1.005730};
    private static final double[] VAL = {5.055380, 1.055018, 1.026514, 1.015968, 1.013248, 1.010831, 1.008819};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    /** A run with metrics, evaluations, an entropy-bearing store, activations and their radius and energy tables. */
    private static Path analysedRun(Path dir) throws IOException {
        Path store = SyntheticRun.storeWithEntropy(dir.resolve("data/qf"), 0.95, 0.96, 0.97);
        Path run = SyntheticRun.write(dir.resolve("runs/alpha"), 300, STEPS, TRAIN, VAL, store.toString(), true);
        Path acts = SyntheticActivations.at(run.resolve("activations"))
                .hook("hook_embed", SyntheticActivations.gaussian(60, 8, 0.5, 1))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(60, 8, 1.0, 2))
                .hook("blocks.1.hook_resid_post", SyntheticActivations.gaussian(60, 8, 2.0, 3))
                .write();
        Path heldOut = SyntheticActivations.at(dir.resolve("heldout"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(20, 8, 1.0, 4))
                .write();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            RadiusAnalysis.write(List.of(RadiusAnalysis.analyse(ActivationSet.open(acts),
                    new RadiusAnalysis.Options(RadiusStatistic.MEDIAN_NN_HALF, 32, 40, 1000, 20, 1), manager, l -> { })),
                    run.resolve("analysis"));
            EnergyAnalysis.write(EnergyAnalysis.analyse(ActivationSet.open(heldOut), ActivationSet.open(acts),
                    EnergyAnalysis.Options.defaults(), manager, l -> { }), run.resolve("analysis"));
        }
        return run;
    }

    private static Document parse(Path html) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return factory.newDocumentBuilder().parse(html.toFile());
    }

    /**
     * One comparison report of an analysed run and a bare one (one report keeps the test short: every report
     * paints docs/THEORY.md §1's four panels).
     */
    @Test
    void reportIsWellFormedSelfContainedAndShowsTheNumbersOfTheCsvFiles(@TempDir Path dir) throws Exception {
        Path run = analysedRun(dir);
        double[] worse = Arrays.stream(VAL).map(v -> v + 0.2).toArray();
        Path bare = SyntheticRun.write(dir.resolve("runs/beta"), 300, STEPS, TRAIN, worse, "data/none", false);
        ReportWriter.Result result = ReportWriter.write(List.of(run, bare), run.resolve("report.html"));
        assertEquals(run.resolve("report.html").toAbsolutePath().normalize(), result.report());
        assertTrue(Files.isRegularFile(run.resolve("analysis/loss.csv")), "loss.csv computed for a run never analysed");

        Document page = parse(result.report()); // throws on any tag that is not closed or nested properly
        assertEquals("html", page.getDocumentElement().getLocalName());
        String text = Files.readString(result.report());
        assertFalse(text.contains("<script"), "no scripts");
        assertFalse(text.contains("<link"), "no external style sheets");
        assertFalse(text.replace("http://www.w3.org/1999/xhtml", "").matches("(?s).*(src|href)=\"https?:.*"), "no network");

        // every chart: a data: PNG in the page, and a PNG and an SVG under plots/
        NodeList images = page.getElementsByTagNameNS("*", "img");
        assertEquals(result.charts().size() / 2, images.getLength());
        assertTrue(images.getLength() >= 2 + 2 + 3 + 4 + 1, "loss x2, radius x2, histograms x3, landscape x4, energy");
        for (int i = 0; i < images.getLength(); i++) {
            String src = ((Element) images.item(i)).getAttribute("src");
            assertTrue(src.startsWith("data:image/png;base64,"), src.substring(0, Math.min(40, src.length())));
            byte[] png = Base64.getDecoder().decode(src.substring("data:image/png;base64,".length()));
            assertArrayEquals(PNG, Arrays.copyOf(png, 4));
        }
        DocumentBuilderFactory svgParser = DocumentBuilderFactory.newInstance();
        for (Path chart : result.charts()) {
            assertTrue(Files.size(chart) > 1000, chart + " is empty");
            assertEquals(run.resolve("plots").toAbsolutePath().normalize(), chart.getParent());
            if (chart.toString().endsWith(".svg")) {
                Document svg = svgParser.newDocumentBuilder().parse(new ByteArrayInputStream(Files.readAllBytes(chart)));
                assertEquals("svg", svg.getDocumentElement().getTagName());
                assertTrue(svg.getElementsByTagName("path").getLength() > 20, chart + " has no drawing");
            } else {
                assertArrayEquals(PNG, Arrays.copyOf(Files.readAllBytes(chart), 4));
            }
        }
        NodeList links = page.getElementsByTagNameNS("*", "a");
        for (int i = 0; i < links.getLength(); i++) {
            String href = ((Element) links.item(i)).getAttribute("href");
            assertTrue(href.startsWith("#") || Files.isRegularFile(run.resolve(href)), "dangling link " + href);
        }

        Table loss = Tables.read(run.resolve("analysis/loss.csv"), Set.of("split", "level_source", "entropy_key", "entropy_what", "plateau_reached"));
        Table radius = Tables.read(run.resolve("analysis/radius.csv"), Set.of("activations", "hook", "position_keys", "radius_statistic"));
        Table energy = Tables.read(run.resolve("analysis/energy.csv"), Set.of("hook", "energy", "heldout", "stored_patterns"));
        Table bareLoss = Tables.read(bare.resolve("analysis/loss.csv"), Set.of("split", "level_source", "entropy_key", "entropy_what", "plateau_reached"));
        int checked = checkCells(page, "loss-alpha", null, loss, true);
        checked += checkCells(page, "loss-beta", null, bareLoss, true);
        checked += checkCells(page, "comparison", "alpha", loss, true);
        checked += checkCells(page, "comparison", "beta", bareLoss, true);
        checked += checkCells(page, "radius-alpha", null, radius, false);
        checked += checkCells(page, "energy-alpha", null, energy, false);
        assertTrue(checked > 60, checked + " cells compared");
        assertTrue(text.contains("val 0.9600 (source.entropy.val.nats_per_predicted_token)"), "entropy rate shown with its key");

        // the comparison: one row per run in each of its two tables (what the run is; its losses), their
        // validation curves on one chart, nothing temporary left behind
        NodeList rows = page.getElementsByTagNameNS("*", "tr");
        int comparisonRows = 0;
        for (int i = 0; i < rows.getLength(); i++) {
            comparisonRows += ((Element) rows.item(i)).hasAttribute("data-run") ? 1 : 0;
        }
        assertEquals(4, comparisonRows);
        assertTrue(Files.size(run.resolve("plots/comparison-val-loss.png")) > 1000);
        assertTrue(text.contains("unfinished"), "beta has no DONE");
        assertTrue(text.contains("not available"), "beta has no store, so no entropy rate");
        try (var files = Files.list(run)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
        }
    }

    /**
     * Compares every cell with {@code data-col} of table {@code id} (in rows of {@code run} when not null) with the
     * CSV: by split (loss tables) or by row index (data-row). A cell shows the value rounded; it must be within half
     * a unit of its last digit.
     */
    private static int checkCells(Document page, String id, String run, Table csv, boolean bySplit) {
        Element table = null;
        NodeList tables = page.getElementsByTagNameNS("*", "table");
        for (int i = 0; i < tables.getLength(); i++) {
            if (((Element) tables.item(i)).getAttribute("id").equals(id)) {
                table = (Element) tables.item(i);
            }
        }
        assertTrue(table != null, "table " + id);
        int checked = 0;
        for (String tag : List.of("td", "span")) {
            NodeList cells = table.getElementsByTagNameNS("*", tag);
            for (int i = 0; i < cells.getLength(); i++) {
                Element cell = (Element) cells.item(i);
                String column = cell.getAttribute("data-col");
                Element row = cell;
                while (!row.getLocalName().equals("tr")) {
                    row = (Element) row.getParentNode();
                }
                if (column.isEmpty() || (run != null && !run.equals(row.getAttribute("data-run")))) {
                    continue;
                }
                int index = bySplit ? rowOfSplit(csv, cell.getAttribute("data-split"))
                        : Integer.parseInt(row.getAttribute("data-row"));
                double expected = csv.numberColumn(column).isMissing(index) ? Double.NaN : csv.numberColumn(column).getDouble(index);
                String shown = cell.getTextContent().trim();
                if (Double.isNaN(expected)) {
                    assertEquals(Fmt.MISSING, shown, id + " " + column);
                } else {
                    String digits = shown.replace(",", "").replace("+", "");
                    double value = Double.parseDouble(digits);
                    int decimals = digits.contains(".") && !digits.contains("e") ? digits.length() - digits.indexOf('.') - 1 : 0;
                    double tolerance = digits.contains("e") ? Math.abs(expected) * 5e-4 : 0.5 * Math.pow(10, -decimals) + 1e-12;
                    assertEquals(expected, value, tolerance, id + " " + column + " row " + index + " shows " + shown);
                }
                checked++;
            }
        }
        return checked;
    }

    private static int rowOfSplit(Table csv, String split) {
        for (int row = 0; row < csv.rowCount(); row++) {
            if (csv.stringColumn("split").get(row).equals(split)) {
                return row;
            }
        }
        throw new AssertionError("no row for split " + split);
    }

}
