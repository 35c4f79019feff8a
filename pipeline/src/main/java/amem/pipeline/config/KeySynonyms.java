package amem.pipeline.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The names other training code uses for amem's config keys (nanoGPT's {@code train.py} and {@code model.py},
 * Hugging Face's {@code GPT2Config} and {@code TrainingArguments}, common PyTorch spellings). An unknown key is
 * first looked up here by its last segment, so {@code train.learning_rate} suggests {@code train.lr} (what it
 * means) rather than the key nearest in spelling ({@code train.eval_interval}).
 */
final class KeySynonyms {

    private static final Map<String, String> BY_NAME = new HashMap<>();

    static {
        to("train.lr", "learning_rate", "lr", "max_lr", "peak_lr", "base_lr");
        to("train.min_lr", "min_lr", "final_lr", "end_lr", "lr_min");
        to("train.steps", "max_iters", "max_steps", "num_steps", "total_steps", "train_steps", "training_steps",
                "num_train_steps", "iters", "iterations", "max_iterations", "n_steps");
        to("train.decay_steps", "lr_decay_iters", "decay_iters", "lr_decay_steps", "decay_steps");
        to("train.warmup_steps", "warmup_iters", "warmup", "num_warmup_steps", "warmup_steps", "n_warmup_steps");
        to("train.decay", "decay_lr", "lr_scheduler_type", "lr_scheduler", "scheduler", "lr_decay", "schedule");
        to("train.batch_size", "batch_size", "per_device_train_batch_size", "train_batch_size", "micro_batch_size",
                "bs");
        to("train.grad_accum", "gradient_accumulation_steps", "grad_accum_steps", "accumulation_steps",
                "grad_accumulation");
        to("train.weight_decay", "weight_decay", "wd");
        to("train.beta1", "beta1", "adam_beta1");
        to("train.beta2", "beta2", "adam_beta2");
        to("train.eps", "eps", "adam_epsilon", "adam_eps", "epsilon");
        to("train.grad_clip", "grad_clip", "max_grad_norm", "clip_grad_norm", "gradient_clipping", "clip_grad");
        to("train.eval_interval", "eval_interval", "eval_steps", "evaluation_steps", "eval_every");
        to("train.eval_batches", "eval_iters", "eval_batches");
        to("train.log_interval", "log_interval", "logging_steps", "log_every");
        to("train.checkpoint_interval", "checkpoint_interval", "save_steps", "save_interval", "ckpt_interval");
        to("train.keep_checkpoints", "save_total_limit", "keep_checkpoints", "max_checkpoints");
        to("train.seed", "seed", "random_seed");
        to("train.device", "device", "device_type");
        to("model.n_layer", "n_layer", "n_layers", "num_layers", "num_hidden_layers", "layers", "depth",
                "num_blocks");
        to("model.n_head", "n_head", "n_heads", "num_heads", "num_attention_heads", "heads");
        to("model.n_embd", "n_embd", "n_embed", "d_model", "hidden_size", "embedding_dim", "embed_dim", "dim",
                "width", "n_embedding");
        to("model.ffn_width", "n_inner", "intermediate_size", "d_ff", "ffn_dim", "dim_feedforward", "ffn_width",
                "mlp_width", "ff_dim");
        to("model.context_length", "block_size", "n_positions", "n_ctx", "max_position_embeddings", "seq_len",
                "max_seq_len", "context_length", "context", "sequence_length", "seq_length");
        to("model.vocab_size", "vocab_size", "n_vocab");
        to("model.dropout", "dropout", "resid_pdrop", "embd_pdrop", "attn_pdrop", "hidden_dropout_prob",
                "attention_probs_dropout_prob", "dropout_rate", "p_dropout");
        to("model.bias", "bias", "use_bias");
        to("model.architecture", "architecture", "model_type", "arch");
        to("data.dir", "dataset", "data_dir", "dataset_dir", "data_path", "dataset_path");
    }

    private KeySynonyms() {}

    private static void to(String key, String... names) {
        for (String name : names) {
            String previous = BY_NAME.put(name, key);
            if (previous != null && !previous.equals(key)) {
                throw new IllegalStateException(name + " means both " + previous + " and " + key);
            }
        }
    }

    /** The key {@code name} most likely means, by the meaning of its last segment; empty when not known. */
    static Optional<String> meaning(String name) {
        String lower = name.toLowerCase(Locale.ROOT).strip();
        String last = lower.substring(lower.lastIndexOf('.') + 1).replace('-', '_');
        return Optional.ofNullable(BY_NAME.get(last));
    }
}
