package amem.pipeline.analysis;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Energies (docs/THEORY.md §1) of held-out activations against stored patterns, per hook point: the stored patterns
 * rho_i of a layer are its activations on training data, the queries x its activations on held-out data. For each
 * hook present in both datasets, every energy of {@link Energies} is summarised, with the share of queries for
 * which the distance energy's bounds hold; the layered energy {@code E_global} combines a token's energies over
 * all hooks (rows are tokens, aligned across hooks of one dataset), with the share for which
 * {@code E_global <= min_l E_l}. Written to {@code analysis/energy.csv} in long format, one row per (hook, energy).
 */
public final class EnergyAnalysis {

    public static final String FILE = "energy.csv";

    /**
     * @param beta inverse temperature
     * @param maxQueries held-out vectors per hook at most
     * @param maxPatterns stored patterns per hook at most
     * @param chunk rows per pattern chunk
     * @param seed seed of the subsets
     */
    public record Options(double beta, long maxQueries, long maxPatterns, int chunk, long seed) {

        public static Options defaults() {
            return new Options(1.0, 2000, 100_000, 4096, 1);
        }
    }

    /**
     * @param hook hook name
     * @param width n
     * @param patterns m
     * @param queries held-out vectors used
     * @param values per-query energies
     * @param boundsHoldShare share of queries with {@code g² - log(m)/beta <= E <= g²} (up to rounding)
     */
    public record HookEnergy(String hook, int width, long patterns, int queries, Energies.Values values,
            double boundsHoldShare) {}

    /**
     * @param heldOut the held-out dataset
     * @param patternSet the stored-pattern dataset
     * @param beta inverse temperature
     * @param hooks per-hook results, model order
     * @param global E_global per query token (empty when the hooks' rows do not align)
     * @param globalBelowMinShare share of tokens with E_global <= min_l E_l
     */
    public record Result(Path heldOut, Path patternSet, double beta, List<HookEnergy> hooks, double[] global,
            double globalBelowMinShare) {}

    private EnergyAnalysis() {}

    /** Energies of {@code heldOut}'s vectors against {@code patterns}' vectors, hook by hook. */
    public static Result analyse(ActivationSet heldOut, ActivationSet patterns, Options options, NDManager manager,
            Consumer<String> log) throws IOException {
        List<HookEnergy> hooks = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ActivationSet.Hook queryHook : heldOut.hooks()) {
            var patternHook = patterns.hook(queryHook.name());
            if (patternHook.isEmpty()) {
                skipped.add(queryHook.name());
                continue;
            }
            if (patternHook.get().width() != queryHook.width()) {
                throw new AnalysisInputException("hook " + queryHook.name() + ": held-out vectors in " + heldOut.dir()
                        + " have n = " + queryHook.width() + " but the patterns in " + patterns.dir() + " have n = "
                        + patternHook.get().width());
            }
            hooks.add(analyseHook(queryHook, patternHook.get(), options, manager, log));
        }
        if (hooks.isEmpty()) {
            throw new IllegalArgumentException("no hook point is in both " + heldOut.dir() + " and " + patterns.dir());
        }
        if (!skipped.isEmpty()) {
            log.accept("  energies: hooks without stored patterns skipped: " + String.join(", ", skipped));
        }
        boolean aligned = hooks.stream().mapToLong(h -> heldOut.hook(h.hook()).orElseThrow().rows()).distinct().count() == 1;
        double[] global = new double[0];
        double share = Double.NaN;
        if (aligned) {
            double[][] layers = hooks.stream().map(h -> h.values().distance()).toArray(double[][]::new);
            global = Energies.global(layers);
            long below = 0;
            for (int k = 0; k < global.length; k++) {
                double min = Double.POSITIVE_INFINITY;
                for (double[] layer : layers) {
                    min = Math.min(min, layer[k]);
                }
                below += global[k] <= min + 1e-12 * Math.max(1, Math.abs(min)) ? 1 : 0;
            }
            share = global.length == 0 ? Double.NaN : (double) below / global.length;
        } else {
            log.accept("  energies: hooks have different vector counts, so the layered energy is not computed");
        }
        return new Result(heldOut.dir(), patterns.dir(), options.beta(), List.copyOf(hooks), global, share);
    }

    private static HookEnergy analyseHook(ActivationSet.Hook queryHook, ActivationSet.Hook patternHook, Options options,
            NDManager manager, Consumer<String> log) throws IOException {
        long start = System.nanoTime();
        long[] queryRows = RowSelection.choose(queryHook.rows(), options.maxQueries(), options.seed());
        long[] patternRows = RowSelection.choose(patternHook.rows(), options.maxPatterns(), options.seed() + 1);
        try (EngineVectors rho = EngineVectors.load(patternHook, patternRows, options.chunk(), manager, DataType.FLOAT64);
                EngineVectors x = EngineVectors.load(queryHook, queryRows, options.chunk(), manager, DataType.FLOAT64)) {
            List<Energies.Values> parts = new ArrayList<>();
            for (int c = 0; c < x.chunkCount(); c++) {
                parts.add(Energies.evaluate(x.chunk(c), rho, options.beta()));
            }
            Energies.Values values = concat(parts);
            double logM = Math.log(rho.count()) / options.beta();
            long holds = 0;
            for (int k = 0; k < values.distance().length; k++) {
                double e = values.distance()[k];
                double g2 = values.nearestSquared()[k];
                double slack = 1e-9 * Math.max(1, Math.abs(g2));
                holds += e <= g2 + slack && e >= g2 - logM - slack ? 1 : 0;
            }
            HookEnergy result = new HookEnergy(queryHook.name(), queryHook.width(), rho.count(), x.count(), values,
                    (double) holds / values.distance().length);
            log.accept(String.format(Locale.ROOT, "  %s: energies of %d held-out vectors against %d patterns, "
                    + "median E %.4g, median g^2 %.4g, %.1f s", queryHook.name(), x.count(), rho.count(),
                    Summary.of(values.distance()).median(), Summary.of(values.nearestSquared()).median(),
                    (System.nanoTime() - start) / 1e9));
            return result;
        }
    }

    private static Energies.Values concat(List<Energies.Values> parts) {
        int total = parts.stream().mapToInt(p -> p.distance().length).sum();
        double[][] fields = new double[4][total];
        int at = 0;
        for (Energies.Values p : parts) {
            double[][] source = {p.distance(), p.nearestSquared(), p.logSumExpTerm(), p.regulariser()};
            for (int f = 0; f < 4; f++) {
                System.arraycopy(source[f], 0, fields[f], at, source[f].length);
            }
            at += p.distance().length;
        }
        Energies.Values first = parts.get(0);
        return new Energies.Values(fields[0], fields[1], fields[2], fields[3], first.patterns(), first.beta());
    }

    /** energy.csv: one row per (hook, energy); the layered energy as hook {@code global}. */
    public static Table table(Result result) {
        StringColumn hook = StringColumn.create("hook");
        IntColumn layer = IntColumn.create("layer");
        IntColumn width = IntColumn.create("n");
        LongColumn patterns = LongColumn.create("patterns");
        IntColumn queries = IntColumn.create("queries");
        DoubleColumn beta = DoubleColumn.create("beta");
        StringColumn energy = StringColumn.create("energy");
        List<DoubleColumn> stats = new ArrayList<>();
        for (String name : List.of("mean", "median", "p5", "p95", "min", "max")) {
            stats.add(DoubleColumn.create(name));
        }
        DoubleColumn holds = DoubleColumn.create("bound_holds_share");
        StringColumn held = StringColumn.create("heldout");
        StringColumn stored = StringColumn.create("stored_patterns");
        for (HookEnergy h : result.hooks()) {
            Energies.Values v = h.values();
            Object[][] rows = {
                {"distance", v.distance(), h.boundsHoldShare()},
                {"nearest_sq", v.nearestSquared(), Double.NaN},
                {"mchn", v.mchn(), Double.NaN},
                {"lse_term", v.logSumExpTerm(), Double.NaN},
                {"regulariser", v.regulariser(), Double.NaN}};
            for (Object[] row : rows) {
                hook.append(h.hook());
                var l = HookNames.layer(h.hook());
                if (l.isPresent()) {
                    layer.append(l.getAsInt());
                } else {
                    layer.appendMissing();
                }
                width.append(h.width());
                patterns.append(h.patterns());
                queries.append(h.queries());
                beta.append(result.beta());
                energy.append((String) row[0]);
                appendStats(stats, Summary.of((double[]) row[1]));
                holds.append((Double) row[2]);
                held.append(result.heldOut().toString());
                stored.append(result.patternSet().toString());
            }
        }
        if (result.global().length > 0) {
            hook.append("global");
            layer.appendMissing();
            width.appendMissing();
            patterns.append(result.hooks().stream().mapToLong(HookEnergy::patterns).sum());
            queries.append(result.global().length);
            beta.append(result.beta());
            energy.append("global");
            appendStats(stats, Summary.of(result.global()));
            holds.append(result.globalBelowMinShare());
            held.append(result.heldOut().toString());
            stored.append(result.patternSet().toString());
        }
        Table table = Table.create("energy", hook, layer, width, patterns, queries, beta, energy);
        stats.forEach(table::addColumns);
        table.addColumns(holds, held, stored);
        return table;
    }

    private static void appendStats(List<DoubleColumn> stats, Summary s) {
        double[] values = {s.mean(), s.median(), s.p5(), s.p95(), s.min(), s.max()};
        for (int i = 0; i < values.length; i++) {
            stats.get(i).append(values[i]);
        }
    }

    /** Writes energy.csv into {@code analysisDir}. */
    public static void write(Result result, Path analysisDir) throws IOException {
        Tables.write(table(result), analysisDir.resolve(FILE));
    }
}
