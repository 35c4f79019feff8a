package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link LanguageModel#runWithCache}: the logits of one evaluation forward and the activations at
 * the selected hook points, TransformerLens' {@code (logits, cache)} of {@code run_with_cache(names_filter=...)}.
 *
 * <p>Ownership: every array belongs to the manager of the tokens the forward ran on, like the logits of a plain
 * forward, and lives until that manager closes (run it in a per-step sub-manager). The activations are detached
 * from autograd ({@code stopGradient}), so keeping them holds no graph. Each is the value the forward continued
 * with, after any hook attached before the call replaced it.
 */
public final class ActivationCache {

    private final NDArray logits;
    private final Map<String, NDArray> values;

    private ActivationCache(NDArray logits, Map<String, NDArray> values) {
        this.logits = logits;
        this.values = Collections.unmodifiableMap(values);
    }

    /** Runs {@code model} in evaluation mode on {@code tokens} and caches the points {@code namesOrGlobs} select. */
    static ActivationCache record(LanguageModel model, ParameterStore ps, NDArray tokens, List<String> namesOrGlobs) {
        List<HookPoint> points = model.hooks().select(namesOrGlobs);
        Map<HookPoint, NDArray> captured = new IdentityHashMap<>();
        NDArray logits;
        try (HookPoints.Attachment a = HookPoints.attach(points, (point, value) -> captured.put(point, value.stopGradient()))) {
            logits = model.logits(ps, tokens, false);
        }
        Map<String, NDArray> inOrder = new LinkedHashMap<>();
        for (HookPoint point : points) {
            NDArray value = captured.get(point);
            if (value == null) {
                throw new IllegalStateException("hook point " + point.name() + " did not fire during the forward");
            }
            inOrder.put(point.name(), value);
        }
        return new ActivationCache(logits, inOrder);
    }

    /** Next-token logits (B, T, V). */
    public NDArray logits() {
        return logits;
    }

    /**
     * The activation at hook point {@code name}, in the layout documented on {@link HookPoint}.
     *
     * @throws IllegalArgumentException when that point was not cached, naming the cached ones
     */
    public NDArray get(String name) {
        NDArray value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no cached activation named " + name + "; cached: "
                    + String.join(", ", values.keySet()));
        }
        return value;
    }

    /** The cached names, in forward order. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /** Name to activation, in forward order (unmodifiable). */
    public Map<String, NDArray> asMap() {
        return values;
    }

    /** The manager owning the arrays: the tokens'. */
    public NDManager manager() {
        return logits.getManager();
    }
}
