package amem.pipeline.analysis;

import amem.models.HookPoint;
import amem.models.HookPoints;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ablation as written on the command line: {@code POINTS[=zero|mean]} or, for one attention head, {@code
 * POINTS[h]=zero|mean}, where POINTS is a hook name or glob ({@code blocks.1.hook_mlp_out}, {@code
 * blocks.*.attn.hook_z[0]=mean}). Zero replaces the value with zeros; mean with its mean over the evaluated
 * positions (per hook point, one vector, or one per head).
 *
 * @param points hook name or glob
 * @param head the head to ablate, or -1 for the whole value
 * @param mode what the value becomes
 */
public record Ablation(String points, int head, Mode mode) {

    /** What an ablated value becomes. */
    public enum Mode {
        ZERO,
        MEAN;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern SYNTAX = Pattern.compile("([^=\\[\\]]+)(?:\\[(\\d+)])?=(\\w+)");

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException one line naming the text and the expected form
     */
    public static Ablation parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("--ablate '" + text + "': expected POINTS=zero|mean or POINTS[HEAD]=zero|mean, "
                    + "e.g. 'blocks.1.hook_mlp_out=zero' or 'blocks.0.attn.hook_z[1]=mean'");
        }
        Mode mode;
        try {
            mode = Mode.valueOf(m.group(3).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ablate '" + text + "': unknown ablation '" + m.group(3)
                    + "'; use zero or mean");
        }
        return new Ablation(m.group(1).strip(), m.group(2) == null ? -1 : Integer.parseInt(m.group(2)), mode);
    }

    /**
     * The points this ablation acts on in a model with {@code hooks}, checked before anything runs.
     *
     * @throws IllegalArgumentException one line naming the culprit: a glob matching nothing (with the names), a head
     *     on a point without heads or beyond their number, a mean of an attention pattern
     */
    public List<HookPoint> select(HookPoints hooks, int heads) {
        List<HookPoint> selected;
        try {
            selected = hooks.select(List.of(points));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ablate '" + this + "': " + e.getMessage());
        }
        for (HookPoint point : selected) {
            boolean perHead = point.kind() != HookPoint.Kind.VECTOR;
            if (head >= 0 && !perHead) {
                throw new IllegalArgumentException("--ablate '" + this + "': " + point.name() + " has no heads; a head "
                        + "index applies to blocks.{l}.attn.hook_q, hook_k, hook_v, hook_z or hook_pattern");
            }
            if (head >= heads) {
                throw new IllegalArgumentException("--ablate '" + this + "': head " + head + " does not exist; the model has "
                        + heads + " heads (0 to " + (heads - 1) + ")");
            }
            if (mode == Mode.MEAN && point.kind() == HookPoint.Kind.PATTERN) {
                throw new IllegalArgumentException("--ablate '" + this + "': a mean attention pattern is undefined across "
                        + "sequence lengths; ablate " + point.name() + " with zero, or hook_z with mean");
            }
        }
        return selected;
    }

    @Override
    public String toString() {
        return points + (head >= 0 ? "[" + head + "]" : "") + "=" + mode.key();
    }
}
