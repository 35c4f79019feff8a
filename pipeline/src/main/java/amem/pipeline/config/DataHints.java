package amem.pipeline.config;

/**
 * The command that creates a missing token store for a config, fitted to the tokenizer the model expects: GPT-2
 * models read GPT-2 BPE ids ({@code amem prepare text} or {@code prepare nanogpt}), the vanilla transformer the
 * Question-Formation word vocabulary ({@code amem prepare qf}). Suggesting {@code prepare qf} for a GPT-2 preset
 * sent new users down the wrong road.
 */
public final class DataHints {

    private DataHints() {}

    /** How to create the store {@code dir} for {@code config}'s model, as a command to paste. */
    public static String prepare(RunConfig config, String dir) {
        if ("gpt2".equals(config.getString("model.architecture"))) {
            return "`amem prepare text --out " + dir + " YOUR_TEXT_FILES_OR_DIRS` (GPT-2 BPE; or `amem prepare nanogpt"
                    + " NANOGPT_DIR --out " + dir + "` for nanoGPT's OpenWebText)";
        }
        return "`amem prepare qf --out " + dir + "`";
    }
}
