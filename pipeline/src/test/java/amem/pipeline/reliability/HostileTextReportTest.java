package amem.pipeline.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import amem.pipeline.analysis.ActivationSet;
import amem.pipeline.analysis.RadiusAnalysis;
import amem.pipeline.analysis.RadiusStatistic;
import amem.pipeline.analysis.SyntheticActivations;
import amem.pipeline.analysis.SyntheticRun;
import amem.pipeline.analysis.scaling.ScalingAnalysis;
import amem.pipeline.config.RunConfig;
import amem.pipeline.report.ReportWriter;
import amem.pipeline.report.SweepReport;
import amem.pipeline.sweep.SweepPlan;
import amem.pipeline.train.TinyQf;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every text a user or a file puts into a report — the run's directory name, config strings, versions, hook names
 * (directory names of an activation set, hence radius.csv), a sweep cell's failure note in sweep.csv — carries
 * {@code <script>}, quotes and an event handler here. The page must still parse as XML (it is XHTML) and, read by
 * an HTML5 parser as a browser reads it, hold no script element, no {@code on*} attribute and no
 * {@code javascript:} URL, while the hostile text is still shown, as text.
 */
class HostileTextReportTest {

    /** For file contents. */
    static final String EVIL = "<script>alert(\"x\")</script><img src=x onerror='alert(1)'>"
            + "<a href=\"javascript:alert(2)\">&amp;</a>]]>";
    /** For directory names (no slash). */
    static final String EVIL_NAME = "<script>alert(\"n\")<img src=x onerror='alert(1)'>";

    private static final long[] STEPS = {0, 50, 100, 150};
    private static final double[] TRAIN = {5.0, 2.0, 1.5, 1.4};
    private static final double[] VAL = {5.1, 2.1, 1.6, 1.5};

    @Test
    void runReportShowsHostileNamesAsTextOnly(@TempDir Path dir) throws Exception {
        Path run = SyntheticRun.write(dir.resolve("runs").resolve(EVIL_NAME), 150, STEPS, TRAIN, VAL, "data/none", true);
        JsonObject config = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
        config.getAsJsonObject("config").getAsJsonObject("train").addProperty("note", EVIL);
        config.getAsJsonObject("config").addProperty(EVIL, EVIL);
        config.addProperty("git_commit", EVIL);
        config.addProperty("device", EVIL);
        config.getAsJsonObject("versions").addProperty(EVIL, EVIL);
        Files.writeString(run.resolve("config.json"), new GsonBuilder().create().toJson(config));
        Path acts = SyntheticActivations.at(run.resolve("activations"))
                .hook("blocks.0.hook_resid_post", SyntheticActivations.gaussian(40, 8, 1.0, 2))
                .hook(EVIL_NAME, SyntheticActivations.gaussian(40, 8, 2.0, 3))
                .write();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            RadiusAnalysis.write(List.of(RadiusAnalysis.analyse(ActivationSet.open(acts),
                    new RadiusAnalysis.Options(RadiusStatistic.MEDIAN_NN_HALF, 32, 40, 1000, 20, 1), manager, l -> { })),
                    run.resolve("analysis"));
        }
        assertTrue(Files.readString(run.resolve("analysis/radius.csv")).contains("onerror"), "the hook name is in radius.csv");

        ReportWriter.Result result = ReportWriter.write(List.of(run), dir.resolve("report.html"));
        String page = Files.readString(result.report());
        Document html = checkInert(page, result.report().toString());
        for (String shown : List.of(EVIL, EVIL_NAME)) {
            assertTrue(html.text().contains(shown), "shown as text: " + shown);
        }
        for (Path chart : result.charts()) {
            if (chart.toString().endsWith(".svg")) {
                checkInertSvg(Files.readString(chart), chart.toString());
            }
        }
    }

    @Test
    void sweepReportShowsAHostileFailureNoteAsTextOnly(@TempDir Path dir) throws Exception {
        Path store = TinyQf.store(dir);
        RunConfig base = TinyQf.config(store, 150);
        SweepPlan plan = SweepPlan.create(dir.resolve("sweep"), null, base, JsonParser.parseString("""
                {"models": [{"name": "a", "set": {"model.n_embd": 16}}, {"name": "b", "set": {"model.n_embd": 32}},
                            {"name": "c", "set": {"model.n_embd": 48}}],
                 "data": [{"name": "half", "fraction": 0.5}, {"name": "all", "fraction": 1.0}]}""").getAsJsonObject(),
                List.of());
        for (SweepPlan.Cell cell : plan.cells()) {
            int model = cell.index() / 2;
            int data = cell.index() % 2;
            double shift = 0.1 * Math.abs(model - data - 0.5);
            Path run = SyntheticRun.write(plan.runDir(cell), 150, STEPS, TRAIN, new double[] {5.1, 2.1 + shift,
                1.6 + shift, 1.5 + shift}, store.toString(), cell.index() < 5);
            JsonObject config = JsonParser.parseString(Files.readString(run.resolve("config.json"))).getAsJsonObject();
            config.getAsJsonObject("parameters").addProperty("total", 20_000 * (model + 1) * (model + 1));
            config.getAsJsonObject("parameters").addProperty("non_embedding", 10_000 * (model + 1) * (model + 1));
            config.getAsJsonObject("data").addProperty("train_tokens", 100_000 * (data + 1));
            Files.writeString(run.resolve("config.json"), config.toString());
        }
        Files.createDirectories(plan.dir().resolve("failures"));
        Files.writeString(plan.dir().resolve("failures").resolve(plan.cell(5).name() + ".txt"), EVIL + "\n");

        ReportWriter.Result result = SweepReport.write(plan.dir(), null, ScalingAnalysis.Options.defaults());
        String page = Files.readString(result.report());
        Document html = checkInert(page, result.report().toString());
        assertTrue(html.text().contains(EVIL), "the note is shown as text");
        assertTrue(Files.readString(plan.dir().resolve("sweep.csv")).contains("onerror"), "the note is in sweep.csv");
    }

    /** Parses {@code page} as XML and as HTML5; fails on any active content. Returns the HTML5 document. */
    static Document checkInert(String page, String what) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.newDocumentBuilder().parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
        Document html = Jsoup.parse(page);
        assertInert(html, what);
        assertTrue(html.select("table").size() >= 1, what + ": the page still has its tables");
        return html;
    }

    static void checkInertSvg(String svg, String what) throws Exception {
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertInert(Jsoup.parse(svg, "", Parser.xmlParser()), what);
    }

    private static void assertInert(Document document, String what) {
        assertEquals(0, document.select("script").size(), what + ": a script element");
        for (Element element : document.getAllElements()) {
            for (Attribute attribute : element.attributes()) {
                String key = attribute.getKey().toLowerCase(Locale.ROOT);
                String value = attribute.getValue().strip().toLowerCase(Locale.ROOT);
                assertFalse(key.startsWith("on"), what + ": event handler " + attribute + " on <" + element.tagName() + ">");
                assertFalse(value.startsWith("javascript:") || value.startsWith("vbscript:")
                        || value.startsWith("data:text/html"), what + ": active URL " + attribute);
            }
        }
        assertEquals(0, document.select("iframe, object, embed, foreignObject").size(), what + ": embedded content");
    }
}
