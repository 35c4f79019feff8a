package amem.pipeline.session;

import amem.models.Architecture;
import amem.models.ModelConfig;
import amem.pipeline.config.ConfigException;
import amem.pipeline.config.RunConfig;

/** Builds the {@link ModelConfig} from the {@code model.*} keys and the data store's vocabulary. */
public final class ModelConfigs {

    private ModelConfigs() {}

    /**
     * @param storeVocab the token store's vocabulary size; {@code model.vocab_size = 0} takes it, a smaller
     *     explicit value is refused (token ids would fall outside the embedding)
     */
    public static ModelConfig from(RunConfig config, int storeVocab) {
        int vocab = config.getInt("model.vocab_size");
        if (vocab == 0) {
            vocab = storeVocab;
        } else if (vocab < storeVocab) {
            throw new ConfigException("model.vocab_size = " + vocab + " is smaller than the data store's vocabulary ("
                    + storeVocab + "); set it to at least " + storeVocab + " or to 0 to take the store's");
        }
        int nEmbd = config.getInt("model.n_embd");
        int ffn = config.getInt("model.ffn_width");
        try {
            return new ModelConfig(
                    Architecture.parse(config.getString("model.architecture")),
                    vocab,
                    config.getInt("model.context_length"),
                    config.getInt("model.n_layer"),
                    config.getInt("model.n_head"),
                    nEmbd,
                    ffn == 0 ? 4 * nEmbd : ffn,
                    (float) config.getDouble("model.dropout"),
                    config.getBoolean("model.bias"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().startsWith("model.") ? e.getMessage() : "model." + e.getMessage());
        }
    }
}
