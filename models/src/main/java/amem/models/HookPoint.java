package amem.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named place in the forward pass whose value can be observed ({@link HookListener}) or replaced ({@link
 * HookFunction}), named as in TransformerLens ({@code blocks.3.hook_resid_post}). {@link HookPoints} lists every
 * point of a model; a block registers its own points by name when it is built ({@link HookPoints.Scope}).
 *
 * <p>Why the fast path matters: a forward calls {@link #fire} at every point of every block, so when nobody
 * listens it must cost nothing measurable. {@link #fire} is one field read and a null check: no allocation, no
 * engine call. Values that need an extra engine op to reach their TransformerLens shape (queries split by head,
 * the broadcast position embedding) are only computed after {@link #active()} says someone listens; the forward
 * maps a replacement back to its own layout only when the hook returned a different array.
 *
 * <p>Value shapes (B batch, T positions, n width, H heads, d = n / H):
 *
 * <ul>
 *   <li>{@link Kind#VECTOR}: (B, T, width) — residual stream, embeddings, block outputs, MLP hidden layer;
 *   <li>{@link Kind#HEADS}: (B, T, H, d) — {@code attn.hook_q|k|v|z};
 *   <li>{@link Kind#PATTERN}: (B, H, T, T) — {@code attn.hook_pattern}, softmax weights (query, key).
 * </ul>
 *
 * {@link #vectors} turns any of them into one vector per position, the form activation datasets store.
 */
public final class HookPoint {

    /** How a point's value is laid out. */
    public enum Kind {
        /** (B, T, width). */
        VECTOR,
        /** (B, T, H, d), flattened per position to width H·d. */
        HEADS,
        /** (B, H, T, T), per query position the H × T weights, zero-padded to H × context_length. */
        PATTERN
    }

    private final String name;
    private final Kind kind;
    private final int width;
    private final int contextLength;
    /** Attached hooks in order; the key is what {@link #detach} is called with (a listener or a function). */
    private final List<Map.Entry<Object, HookFunction>> hooks = new ArrayList<>();
    /** The single hook, a chain of several, or null: the only field {@link #fire} reads. */
    private HookFunction target;

    HookPoint(String name, Kind kind, int width, int contextLength) {
        this.name = name;
        this.kind = kind;
        this.width = width;
        this.contextLength = contextLength;
    }

    /** The TransformerLens-style name, e.g. {@code blocks.0.attn.hook_q}. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Width of the per-position vector {@link #vectors} produces: n for the residual stream, embeddings, q/k/v
     * (heads flattened) and block outputs; the feed-forward width for {@code mlp.hook_post}; heads ×
     * context_length for {@code attn.hook_pattern}.
     */
    public int width() {
        return width;
    }

    /** Whether a hook is attached; guard extra work done only for hooks with it. */
    public boolean active() {
        return target != null;
    }

    /**
     * Hands {@code value} to the attached hooks, if any, and returns what the forward continues with: {@code value}
     * itself when nothing is attached or every hook only observes, otherwise the last replacement.
     *
     * @throws IllegalArgumentException when a hook returns an array of another shape
     */
    public NDArray fire(NDArray value) {
        HookFunction t = target;
        return t == null ? value : t.apply(value, this);
    }

    /**
     * The value as one vector per position, (B, T, {@link #width()}), for a value fired at this point. For a
     * pattern, row (b, q) holds head 0's weights over keys 0..context_length-1 (zero past the sequence), then
     * head 1's, and so on. Creates arrays in the value's manager; call it from a listener only.
     */
    public NDArray vectors(NDArray value) {
        Shape s = value.getShape();
        switch (kind) {
            case VECTOR:
                return value;
            case HEADS:
                return value.reshape(s.get(0), s.get(1), s.get(2) * s.get(3));
            case PATTERN:
                long b = s.get(0);
                long h = s.get(1);
                long t = s.get(2);
                NDArray rows = value.transpose(0, 2, 1, 3); // (B, T, H, T)
                if (t < contextLength) {
                    NDArray pad = value.getManager().zeros(
                            new Shape(b, t, h, contextLength - t), value.getDataType(), value.getDevice());
                    rows = NDArrays.concat(new NDList(rows, pad), 3);
                }
                return rows.reshape(b, t, h * contextLength);
            default:
                throw new IllegalStateException("unhandled kind " + kind);
        }
    }

    /** Adds an observer after the hooks already attached (several may listen to one point). */
    synchronized void attach(HookListener listener) {
        add(listener, (value, point) -> {
            listener.onActivation(point, value);
            return value;
        });
    }

    /** Adds a hook that may replace the value, after the hooks already attached. */
    synchronized void attach(HookFunction function) {
        add(function, (value, point) -> checked(value, function.apply(value, point)));
    }

    /** Removes a listener or function added with {@link #attach}; unknown ones are ignored. */
    synchronized void detach(Object hook) {
        for (int i = hooks.size() - 1; i >= 0; i--) {
            if (hooks.get(i).getKey() == hook) {
                hooks.remove(i);
                break;
            }
        }
        retarget();
    }

    private void add(Object key, HookFunction function) {
        hooks.add(new AbstractMap.SimpleImmutableEntry<>(key, function));
        retarget();
    }

    private void retarget() {
        if (hooks.isEmpty()) {
            target = null;
        } else if (hooks.size() == 1) {
            target = hooks.get(0).getValue();
        } else {
            List<HookFunction> chain = hooks.stream().map(Map.Entry::getValue).toList();
            target = (value, point) -> {
                NDArray current = value;
                for (HookFunction f : chain) {
                    current = f.apply(current, point);
                }
                return current;
            };
        }
    }

    /** A replacement must keep the shape: the rest of the forward is built for it. */
    private NDArray checked(NDArray value, NDArray replacement) {
        if (replacement == null || replacement == value) {
            return value;
        }
        if (!replacement.getShape().equals(value.getShape())) {
            throw new IllegalArgumentException("a hook on " + name + " returned shape " + replacement.getShape()
                    + " for a value of shape " + value.getShape() + "; a replacement must keep the shape");
        }
        return replacement;
    }

    @Override
    public String toString() {
        return name;
    }
}
