package amem.pipeline.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Unknown config keys get the key they mean (nanoGPT's and Hugging Face's names) before the nearest spelling. */
class ConfigKeySuggestionTest {

    private static String suggestion(String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> RunConfig.defaults().withAssignment(key + "=1"));
        String message = e.getMessage();
        return message.substring(message.indexOf("did you mean \"") + 14, message.lastIndexOf('"'));
    }

    @Test
    void commonNamesFromOtherCodeSuggestTheKeyTheyMean() {
        String[][] cases = {
            {"train.learning_rate", "train.lr"}, // edit distance alone said train.eval_interval
            {"learning_rate", "train.lr"},
            {"train.max_iters", "train.steps"},
            {"train.lr_decay_iters", "train.decay_steps"},
            {"train.warmup_iters", "train.warmup_steps"},
            {"model.n_layers", "model.n_layer"},
            {"n_layer", "model.n_layer"},
            {"train.n_layer", "model.n_layer"},
            {"model.n_heads", "model.n_head"},
            {"n_head", "model.n_head"},
            {"n_embd", "model.n_embd"},
            {"model.hidden_size", "model.n_embd"},
            {"model.num_hidden_layers", "model.n_layer"},
            {"model.num_attention_heads", "model.n_head"},
            {"model.n_positions", "model.context_length"},
            {"model.block_size", "model.context_length"},
            {"block_size", "model.context_length"},
            {"model.intermediate_size", "model.ffn_width"},
            {"batch_size", "train.batch_size"},
            {"train.per_device_train_batch_size", "train.batch_size"},
            {"train.gradient_accumulation_steps", "train.grad_accum"},
            {"weight_decay", "train.weight_decay"},
            {"model.weight_decay", "train.weight_decay"},
            {"train.dropout", "model.dropout"},
            {"model.resid_pdrop", "model.dropout"},
            {"train.max_grad_norm", "train.grad_clip"},
            {"train.eval_iters", "train.eval_batches"},
            {"train.Learning-Rate", "train.lr"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], suggestion(c[0]), c[0]);
        }
    }

    @Test
    void everySynonymNamesARealKeyAndTyposStillGetTheNearestSpelling() {
        for (String name : new String[] {"learning_rate", "max_iters", "lr_decay_iters", "n_layers", "n_head",
                "n_embd", "batch_size", "block_size", "weight_decay", "warmup_iters", "dropout", "max_grad_norm",
                "hidden_size", "n_positions", "intermediate_size", "dataset", "save_steps", "logging_steps"}) {
            String key = KeySynonyms.meaning("x." + name).orElseThrow();
            ConfigSchema.get(key); // throws if the synonym table names a key the schema lacks
        }
        assertEquals("train.grad_clip", suggestion("train.grad_clpi"));
        assertEquals("train.checkpoint_interval", suggestion("train.checkpoint_intervall"));
    }
}
