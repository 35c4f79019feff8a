package amem.pipeline.sweep;

import amem.datasets.ProgressListener;
import amem.datasets.store.TokenStore;
import amem.datasets.subset.SubsetBuilder;
import amem.pipeline.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The token stores of a sweep's data axis. A subset is written once, by whichever process needs it first: the store
 * writer builds it in a temporary sibling and renames it into place, so two Slurm array tasks racing for the same
 * subset both end up reading one complete store (the loser's rename fails and it opens the winner's).
 */
final class SweepData {

    private SweepData() {}

    /** Makes sure the store of {@code data} exists and returns its directory. */
    static Path ensure(SweepPlan plan, SweepGrid.DataPoint data, Consumer<String> say) throws IOException {
        Path parent = Path.of(plan.base().getString("data.dir"));
        if (!Files.isDirectory(parent)) {
            throw new ConfigException("data.dir = " + parent + ": no such directory; the sweep's data points are subsets of "
                    + "this store (prepare it first: " + amem.pipeline.config.DataHints.prepare(plan.base(), parent.toString()) + ")");
        }
        Path dir = plan.dataDir(data);
        if (data.whole() || Files.isRegularFile(dir.resolve("meta.json"))) {
            return dir;
        }
        say.accept("writing data subset " + data.name() + " (" + (data.tokens() != null
                ? String.format(Locale.ROOT, "%,d tokens", data.tokens())
                : String.format(Locale.ROOT, "%s of the training tokens", data.fraction())) + ") to " + dir);
        Files.createDirectories(dir.getParent());
        try (TokenStore store = SubsetBuilder.write(parent, dir, data.rule(), false, ProgressListener.NONE)) {
            say.accept(String.format(Locale.ROOT, "  %s: %,d training tokens", data.name(), store.split("train").tokens()));
        } catch (IOException e) {
            // another process committed the same subset first (its rename won; ours found the directory taken)
            if (!Files.isRegularFile(dir.resolve("meta.json"))) {
                throw e;
            }
            say.accept("  " + data.name() + ": written meanwhile by another process; using it");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("grid.data." + data.name() + ": " + e.getMessage());
        }
        return dir;
    }
}
