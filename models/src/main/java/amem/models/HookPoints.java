package amem.models;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every {@link HookPoint} of one model, in forward order, and the way to select them, listen to them ({@link
 * #attach}) and change the forward at them ({@link #addHook}).
 *
 * <p>Names follow TransformerLens: {@code hook_embed}, {@code hook_pos_embed}, {@code blocks.{l}.hook_resid_pre},
 * {@code blocks.{l}.attn.hook_q|hook_k|hook_v|hook_pattern|hook_z}, {@code blocks.{l}.hook_attn_out}, {@code
 * blocks.{l}.hook_resid_mid}, {@code blocks.{l}.mlp.hook_pre|hook_post}, {@code blocks.{l}.hook_mlp_out}, {@code
 * blocks.{l}.hook_resid_post}, {@code ln_final.hook_normalized}. What each means in each architecture is
 * documented on {@link Gpt2Model}, {@link VanillaModel} and the blocks. The set is open: a block registers its
 * points by name through a {@link Scope} when it is built, so a new intermediate value is one {@code add} line in
 * the block that computes it.
 *
 * <p>Selection is by glob: {@code *} matches any characters except {@code .} (one name segment, e.g. a layer
 * number), {@code **} any characters, {@code ?} one character; a pattern must match the whole name.
 */
public final class HookPoints {

    /** Detaches what {@link #attach} attached; closing twice is harmless. */
    public interface Attachment extends AutoCloseable {
        @Override
        void close();
    }

    private final int contextLength;
    private final Map<String, HookPoint> points = new LinkedHashMap<>();

    HookPoints(int contextLength) {
        this.contextLength = contextLength;
    }

    /**
     * Registers points under a common name prefix, for one block or layer: {@code hooks.scope("blocks.0")} then
     * {@code scope.add("hook_resid_pre", ...)} registers {@code blocks.0.hook_resid_pre}. Points are listed in
     * registration order, so register them in the order the forward reaches them.
     */
    public static final class Scope {
        private final HookPoints points;
        private final String prefix;

        private Scope(HookPoints points, String prefix) {
            this.points = points;
            this.prefix = prefix;
        }

        /** Registers the point {@code prefix + name}; names are unique within a model. */
        public HookPoint add(String name, HookPoint.Kind kind, int width) {
            return points.add(prefix + name, kind, width);
        }

        /** The scope of a part inside this one, e.g. {@code scope("attn")} inside {@code blocks.0}. */
        public Scope scope(String part) {
            return new Scope(points, prefix + part + ".");
        }

        /** The model's context length (a pattern point's width is heads × context length). */
        public int contextLength() {
            return points.contextLength;
        }
    }

    /** The scope of names starting {@code prefix + "."}. */
    public Scope scope(String prefix) {
        return new Scope(this, prefix + ".");
    }

    /** Registers a new point; names are unique. */
    HookPoint add(String name, HookPoint.Kind kind, int width) {
        HookPoint point = new HookPoint(name, kind, width, contextLength);
        if (points.putIfAbsent(name, point) != null) {
            throw new IllegalStateException("hook point " + name + " registered twice");
        }
        return point;
    }

    /** All points in forward order. */
    public List<HookPoint> all() {
        return Collections.unmodifiableList(new ArrayList<>(points.values()));
    }

    /** All names in forward order. */
    public List<String> names() {
        return List.copyOf(points.keySet());
    }

    /** The point of that exact name. */
    public HookPoint get(String name) {
        HookPoint point = points.get(name);
        if (point == null) {
            throw new IllegalArgumentException("no hook point named " + name + "; " + available());
        }
        return point;
    }

    /**
     * The points matching any of the globs, in forward order, each once. Each glob may itself be a
     * comma-separated list.
     *
     * @throws IllegalArgumentException naming a glob that matches nothing, with the available names
     */
    public List<HookPoint> select(List<String> globs) {
        List<Pattern> patterns = new ArrayList<>();
        for (String entry : globs) {
            for (String glob : entry.split(",")) {
                String trimmed = glob.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                Pattern pattern = compile(trimmed);
                if (points.keySet().stream().noneMatch(n -> pattern.matcher(n).matches())) {
                    throw new IllegalArgumentException("hook pattern '" + trimmed + "' matches no hook point; "
                            + available());
                }
                patterns.add(pattern);
            }
        }
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no hook pattern given; " + available());
        }
        List<HookPoint> selected = new ArrayList<>();
        for (HookPoint point : points.values()) {
            if (patterns.stream().anyMatch(p -> p.matcher(point.name()).matches())) {
                selected.add(point);
            }
        }
        return selected;
    }

    /** Attaches {@code listener} to each point, after hooks already there, until the attachment is closed. */
    public static Attachment attach(List<HookPoint> selected, HookListener listener) {
        List<HookPoint> attached = List.copyOf(selected);
        attached.forEach(p -> p.attach(listener));
        return detaching(attached, listener);
    }

    /**
     * Adds {@code hook} to each point, after hooks already there, until the attachment is closed: TransformerLens'
     * {@code add_hook}. Its result replaces the value downstream (see {@link HookFunction}).
     */
    public static Attachment addHook(List<HookPoint> selected, HookFunction hook) {
        List<HookPoint> attached = List.copyOf(selected);
        attached.forEach(p -> p.attach(hook));
        return detaching(attached, hook);
    }

    /**
     * Adds {@code hook} to the points that {@code namesOrGlobs} selects (the syntax of {@link #select}, commas
     * allowed) until the attachment is closed.
     *
     * @throws IllegalArgumentException naming a glob that matches nothing, with the available names
     */
    public Attachment addHook(String namesOrGlobs, HookFunction hook) {
        return addHook(select(List.of(namesOrGlobs)), hook);
    }

    /** Adds each entry's hook to the points its key selects, in the map's order; closing detaches them all. */
    public Attachment addHooks(Map<String, HookFunction> hooks) {
        List<HookFunction> order = new ArrayList<>();
        List<List<HookPoint>> where = new ArrayList<>();
        hooks.forEach((globs, hook) -> { // select every key first: a bad name fails before anything attaches
            where.add(select(List.of(globs)));
            order.add(hook);
        });
        List<Attachment> attachments = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            attachments.add(addHook(where.get(i), order.get(i)));
        }
        return () -> attachments.forEach(Attachment::close);
    }

    private static Attachment detaching(List<HookPoint> attached, Object hook) {
        return new Attachment() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    attached.forEach(p -> p.detach(hook));
                }
            }
        };
    }

    /** Whether {@code name} matches {@code glob} (the syntax of {@link #select}). */
    public static boolean matches(String glob, String name) {
        return compile(glob).matcher(name).matches();
    }

    private static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean twice = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                regex.append(twice ? ".*" : "[^.]*");
                if (twice) {
                    i++;
                }
            } else if (c == '?') {
                regex.append("[^.]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private String available() {
        List<String> names = names();
        int layers = (int) names.stream().filter(n -> n.endsWith(".hook_resid_pre")).count();
        List<String> shown = names.stream().filter(n -> !n.startsWith("blocks.") || n.startsWith("blocks.0.")).toList();
        return "available (" + names.size() + "): " + String.join(", ", shown)
                + (layers > 1 ? ", and the same for blocks.1 to blocks." + (layers - 1) : "");
    }
}
