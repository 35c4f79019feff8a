package amem.pipeline.analysis;

import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Order and short labels of TransformerLens-style hook names (DESIGN.md "Hook points"): embeddings first, then
 * blocks by index and by their place inside a block (residual pre, attention, mid, MLP, residual post), then
 * {@code ln_final}; names amem does not know come last, alphabetically.
 */
public final class HookNames {

    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(.+)");
    private static final List<String> IN_BLOCK = List.of("hook_resid_pre", "attn.hook_q", "attn.hook_k", "attn.hook_v",
            "attn.hook_pattern", "attn.hook_z", "hook_attn_out", "hook_resid_mid", "mlp.hook_pre", "mlp.hook_post",
            "hook_mlp_out", "hook_resid_post");

    private HookNames() {}

    /** Sorts hook names in model order. */
    public static final Comparator<String> MODEL_ORDER = Comparator.comparingLong(HookNames::rank).thenComparing(s -> s);

    /** The block index of {@code blocks.{l}.…}, or empty for hooks outside the blocks. */
    public static OptionalInt layer(String hook) {
        Matcher m = BLOCK.matcher(hook);
        return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** A short axis label: {@code embed}, {@code pos_embed}, {@code 3} or {@code 3.attn_out}, {@code ln_final}. */
    public static String shortLabel(String hook, boolean onePerBlock) {
        Matcher m = BLOCK.matcher(hook);
        if (m.matches()) {
            String rest = m.group(2).replace("hook_", "").replace("attn.", "").replace("mlp.", "mlp_");
            return onePerBlock ? m.group(1) : m.group(1) + "." + rest;
        }
        if (hook.equals("hook_embed")) {
            return "embed";
        }
        if (hook.equals("hook_pos_embed")) {
            return "pos_embed";
        }
        if (hook.startsWith("ln_final")) {
            return "ln_final";
        }
        return hook;
    }

    private static long rank(String hook) {
        if (hook.equals("hook_embed")) {
            return 0;
        }
        if (hook.equals("hook_pos_embed")) {
            return 1;
        }
        Matcher m = BLOCK.matcher(hook);
        if (m.matches()) {
            int within = IN_BLOCK.indexOf(m.group(2));
            return 10 + Long.parseLong(m.group(1)) * 100 + (within < 0 ? 99 : within);
        }
        if (hook.startsWith("ln_final")) {
            return Long.MAX_VALUE - 1;
        }
        return Long.MAX_VALUE;
    }
}
