package amem.pipeline.hooks;

import amem.datasets.store.TokenSplit;
import amem.datasets.store.TokenStore;
import amem.pipeline.session.ModelSession;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Collects an activation dataset ({@link ActivationDatasetWriter}'s layout) from a model and a token store:
 * sequences from {@link SequenceSource}, batched, run in evaluation mode by an {@link ActivationRecorder} whose
 * sink streams to disk. Used by {@code amem collect} and by training snapshots, so both produce the same format.
 */
public final class ActivationCollection {

    /** What a collection produced. */
    public record Result(Path dir, JsonObject manifest, long records, long sequences, long tokensForwarded,
            double seconds) {
        public double vectorsPerSecond() {
            return records / Math.max(seconds, 1e-9);
        }
    }

    private ActivationCollection() {}

    /**
     * @param model the model, in evaluation mode for the whole collection
     * @param about members for the manifest's top level: at least {@code model} (config, source, weights
     *     checksum, see {@code ModelSources}); snapshots add the training {@code step}
     * @param progress receives a line now and then
     */
    public static Result run(ModelSession model, JsonObject about, TokenStore store, CollectRequest request,
            Path out, Consumer<String> progress) throws IOException {
        if (!store.hasSplit(request.split())) {
            throw new IllegalArgumentException("token store " + store.dir() + " has no split '" + request.split()
                    + "'; it has " + store.splitNames());
        }
        TokenSplit split = store.split(request.split());
        int modelContext = model.config().contextLength();
        if (store.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("token store " + store.dir() + " has " + store.vocabSize()
                    + " token ids but the model's vocabulary has " + model.config().vocabSize());
        }
        if (request.context() > modelContext) {
            throw new IllegalArgumentException("context " + request.context() + " exceeds the model's context length "
                    + modelContext);
        }
        int context = request.context() == 0 ? modelContext : request.context();
        SequenceSource source = new SequenceSource(split, SequenceSource.Mode.parse(request.sampling(), split), context,
                SequenceSource.Order.parse(request.order()), request.seed());
        PositionRule rule = PositionRule.parse(request.positions(), request.perSequence(), request.seed());
        ActivationRecorder.Spec spec = new ActivationRecorder.Spec(request.hooks(), rule, request.vectors(),
                request.dtype());
        int rows = Math.max(1, request.batchTokens() / context);

        long started = System.nanoTime();
        long lastReport = started;
        long sequences = 0;
        long forwarded = 0;
        long next = 0;
        try (ActivationDatasetWriter writer = new ActivationDatasetWriter(out, request.shardVectors(), request.overwrite());
                ActivationRecorder recorder = new ActivationRecorder(model, spec, writer)) {
            while (!recorder.full() && next < source.count()) {
                List<SequenceInfo> batch = new ArrayList<>(rows);
                List<int[]> tokens = new ArrayList<>(rows);
                while (batch.size() < rows && next < source.count()) {
                    SequenceInfo sequence = source.sequence(next++);
                    if (sequence != null) {
                        batch.add(sequence);
                        tokens.add(source.tokens(sequence));
                    }
                }
                if (batch.isEmpty()) {
                    break;
                }
                SequenceBatch packed = SequenceBatch.of(batch, tokens);
                recorder.record(packed);
                sequences += batch.size();
                forwarded += (long) packed.rows() * packed.seqLen();
                long now = System.nanoTime();
                if (now - lastReport > 10_000_000_000L) {
                    lastReport = now;
                    progress.accept(String.format(Locale.ROOT, "collected %,d / %,d vectors (%,.0f vectors/s)",
                            recorder.recorded(), request.vectors(), recorder.recorded() / ((now - started) / 1e9)));
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!recorder.full()) {
                progress.accept(String.format(Locale.ROOT, "split %s ran out after %,d sequences: %,d of the %,d "
                        + "vectors asked for", split.name(), sequences, recorder.recorded(), request.vectors()));
            }
            JsonObject description = about.deepCopy();
            description.add("data", dataInfo(store, split));
            JsonObject sampling = new JsonObject();
            sampling.addProperty("mode", source.mode().name().toLowerCase(Locale.ROOT));
            sampling.addProperty("context", context);
            sampling.addProperty("order", source.order().name().toLowerCase(Locale.ROOT));
            sampling.addProperty("seed", request.seed());
            sampling.addProperty("positions", rule.describe());
            sampling.addProperty("requested_vectors", request.vectors());
            sampling.addProperty("sequences_available", source.count());
            sampling.addProperty("sequences_used", sequences);
            sampling.addProperty("tokens_forwarded", forwarded);
            sampling.addProperty("split_exhausted", !recorder.full());
            description.add("sampling", sampling);
            description.addProperty("mode", "evaluation (no dropout, no gradients)");
            description.addProperty("created", Instant.now().toString());
            description.addProperty("seconds", seconds);
            JsonObject manifest = writer.commit(description);
            return new Result(out, manifest, recorder.recorded(), sequences, forwarded, seconds);
        }
    }

    private static JsonObject dataInfo(TokenStore store, TokenSplit split) {
        JsonObject data = new JsonObject();
        data.addProperty("dir", store.dir().toAbsolutePath().normalize().toString());
        data.addProperty("split", split.name());
        data.addProperty("split_tokens", split.tokens());
        data.addProperty("tokenizer", store.meta().tokenizer());
        data.addProperty("vocab_size", store.vocabSize());
        var splitMeta = store.meta().splits().get(split.name());
        if (splitMeta != null && splitMeta.sha256() != null) {
            data.addProperty("split_sha256", splitMeta.sha256());
        }
        return data;
    }
}
