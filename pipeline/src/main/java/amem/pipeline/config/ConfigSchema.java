package amem.pipeline.config;

import amem.pipeline.config.ConfigKey.Type;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every key a run configuration may set, with its default. Sections: {@code model} (the architecture and
 * shape), {@code data} (the token store and how batches are drawn), {@code train} (optimiser, schedule,
 * evaluation, checkpoints), {@code hooks} (hook statistics and activation snapshots during training). A key
 * outside this list is an error, with the nearest valid key suggested.
 */
public final class ConfigSchema {

    private static final Map<String, ConfigKey> KEYS = new LinkedHashMap<>();

    static {
        key("model.architecture", Type.STRING, "gpt2", "gpt2 | vanilla");
        key("model.vocab_size", Type.INT, 0, "vocabulary size; 0 takes the data store's");
        key("model.context_length", Type.INT, 64, "longest sequence the model sees (tokens)");
        key("model.n_layer", Type.INT, 2, "number of transformer blocks L");
        key("model.n_head", Type.INT, 4, "attention heads; must divide n_embd");
        key("model.n_embd", Type.INT, 128, "embedding dimension n");
        key("model.ffn_width", Type.INT, 0, "feed-forward width; 0 means 4 * n_embd");
        key("model.dropout", Type.DOUBLE, 0.0, "dropout probability in [0, 1)");
        key("model.bias", Type.BOOLEAN, true, "biases in linear layers and LayerNorms");

        key("data.dir", Type.STRING, "", "token store directory (train.bin, val.bin, meta.json)");
        key("data.sampler", Type.STRING, "auto", "auto | windows | lines (auto: lines when the store has a line index)");
        key("data.line_order", Type.STRING, "shuffled",
                "shuffled | bucketed: line corpora's training batches; bucketed groups lines of similar length "
                        + "(64 batches at a time) so batches carry little padding");
        key("data.train_split", Type.STRING, "train", "split to train on");
        key("data.val_split", Type.STRING, "val", "split to evaluate on");
        key("data.verify_checksums", Type.STRING, "auto",
                "auto | always | never: check the store's sha256 before training (auto: stores up to 2 GiB)");

        key("train.steps", Type.LONG, 1000L, "optimizer steps");
        key("train.batch_size", Type.INT, 8, "sequences per micro-batch");
        key("train.grad_accum", Type.INT, 1, "micro-batches accumulated per step");
        key("train.lr", Type.DOUBLE, 6e-4, "peak learning rate");
        key("train.min_lr", Type.DOUBLE, 0.0, "learning rate at the end of the decay");
        key("train.warmup_steps", Type.LONG, 0L, "linear warm-up steps");
        key("train.decay", Type.STRING, "cosine", "cosine | linear | constant");
        key("train.decay_steps", Type.LONG, 0L, "step at which the decay reaches min_lr; 0 means train.steps");
        key("train.weight_decay", Type.DOUBLE, 0.1, "AdamW decoupled weight decay on >=2-D parameters");
        key("train.beta1", Type.DOUBLE, 0.9, "AdamW beta1");
        key("train.beta2", Type.DOUBLE, 0.95, "AdamW beta2");
        key("train.eps", Type.DOUBLE, 1e-8, "AdamW epsilon (added to sqrt of the bias-corrected second moment)");
        key("train.grad_clip", Type.DOUBLE, 1.0, "global gradient-norm clip; 0 disables");
        key("train.eval_interval", Type.LONG, 100L, "evaluate every this many steps (and at the first and last)");
        key("train.eval_batches", Type.INT, 20, "batches per evaluation; 0 means the whole split for line corpora");
        key("train.task_items", Type.INT, 1000,
                "Question-Formation stores: questions per task split (dev, test, gen) scored at each evaluation; 0 = all, -1 = off");
        key("train.checkpoint_interval", Type.LONG, 500L, "checkpoint every this many steps (and at the end)");
        key("train.keep_checkpoints", Type.INT, 2, "how many recent checkpoints to keep");
        key("train.log_interval", Type.LONG, 10L, "steps between flushes of metrics.csv");
        key("train.fused_loss", Type.STRING, "auto",
                "auto | on | off: compute the output layer and loss in chunks of positions without the full logits "
                        + "(same values to float rounding); auto: on for vocabularies of 8192 and more");
        key("train.fused_adamw", Type.STRING, "auto",
                "auto | on | off: run the AdamW update through libtorch's fused kernel (one call per parameter group, "
                        + "a quarter of the memory traffic); auto: wherever libtorch has it (PyTorch 2.4 and later)");
        key("train.loss_chunk_rows", Type.INT, 0,
                "positions per chunk of the fused loss; 0: automatic (at most 32M logits per chunk on a GPU, 64M on a CPU)");
        key("train.seed", Type.LONG, 1L, "seed for initialisation, dropout and batch order");
        key("train.device", Type.STRING, "auto", "auto | cpu | gpu | gpu:N");
        key("train.precision", Type.STRING, "auto",
                "auto | fp32 | tf32 | fp16: tf32 = float32 with TF32 matrix products on CUDA; fp16 = mixed precision "
                        + "(float16 parameters, float32 master weights, dynamic loss scaling); auto = tf32 on a GPU, "
                        + "fp32 on a CPU (docs/GPU.md)");
        key("train.loss_scale_init", Type.DOUBLE, 65536.0,
                "fp16: initial loss scale (halved on a step with non-finite gradients, doubled after 2000 good ones)");
        key("train.memory_check", Type.BOOLEAN, true,
                "refuse a run whose estimated memory exceeds what the device has free");

        key("hooks.stats_interval", Type.LONG, 100L,
                "every this many steps, RMS / mean norm / max |x| of hooks.stats_points and per-layer gradient norms "
                        + "go to hook_stats.csv; 0 disables");
        key("hooks.stats_points", Type.STRING, "blocks.*.hook_resid_post",
                "hook points (names or globs, comma-separated) watched by hooks.stats_interval");
        key("hooks.snapshot_steps", Type.STRING, "",
                "steps after which to record an activation dataset into activations/step-NNNNNNNNN "
                        + "(comma-separated, e.g. 0,1000,5000; empty: none)");
        key("hooks.snapshot_points", Type.STRING, "blocks.*.hook_resid_post,ln_final.hook_normalized",
                "hook points recorded by snapshots");
        key("hooks.snapshot_tokens", Type.LONG, 10_000L, "vectors per hook point in a snapshot");
        key("hooks.snapshot_positions", Type.STRING, "all", "all | last | random: positions recorded by snapshots");
        key("hooks.snapshot_split", Type.STRING, "val", "split snapshots read (the same sequences every time)");
        key("hooks.snapshot_dtype", Type.STRING, "float32", "float32 | float16");
    }

    private ConfigSchema() {}

    private static void key(String name, Type type, Object defaultValue, String doc) {
        KEYS.put(name, new ConfigKey(name, type, defaultValue, doc));
    }

    /** All keys in documentation order. */
    public static Collection<ConfigKey> keys() {
        return KEYS.values();
    }

    /** The key of that name, or a {@link ConfigException} that suggests the nearest valid key. */
    public static ConfigKey get(String name) {
        ConfigKey key = KEYS.get(name);
        if (key == null) {
            throw new ConfigException("unknown config key \"" + name + "\"; did you mean \"" + nearest(name) + "\"?");
        }
        return key;
    }

    /**
     * The valid key {@code name} most likely means: by meaning first ({@link KeySynonyms}: nanoGPT's and Hugging
     * Face's names), else the smallest edit distance.
     */
    static String nearest(String name) {
        Optional<String> meant = KeySynonyms.meaning(name);
        if (meant.isPresent() && KEYS.containsKey(meant.get())) {
            return meant.get();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return KEYS.keySet().stream()
                .min(Comparator.comparingInt((String k) -> editDistance(lower, k))
                        .thenComparingInt(k -> editDistance(tail(lower), tail(k))))
                .orElseThrow();
    }

    private static String tail(String key) {
        return key.substring(key.indexOf('.') + 1);
    }

    /** Levenshtein distance. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
