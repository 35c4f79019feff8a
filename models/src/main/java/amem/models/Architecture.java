package amem.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The two model families amem trains (docs/THEORY.md §5B: GPT-2; §5C: the vanilla transformer). */
public enum Architecture {
    /** GPT-2: learned positions, pre-LayerNorm blocks, tanh-GELU MLP, final LayerNorm, tied output. */
    GPT2("gpt2"),
    /** Vanilla transformer LM: sinusoidal positions, post-LayerNorm blocks, ReLU FFN, untied output. */
    VANILLA("vanilla");

    private final String key;

    Architecture(String key) {
        this.key = key;
    }

    /** The name used in config files and on the command line. */
    public String key() {
        return key;
    }

    /**
     * Parses a config key ({@code "gpt2"}, {@code "vanilla"}; case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the valid keys when {@code text} is none of them
     */
    public static Architecture parse(String text) {
        if (text != null) {
            String wanted = text.trim().toLowerCase(Locale.ROOT);
            for (Architecture a : values()) {
                if (a.key.equals(wanted)) {
                    return a;
                }
            }
        }
        String valid = Arrays.stream(values()).map(Architecture::key).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
                "architecture = '" + text + "' is not known; expected one of: " + valid);
    }
}
