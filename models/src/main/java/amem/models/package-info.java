/**
 * Transformer language models for amem in DJL: configs ({@link amem.models.ModelConfig}), GPT-2
 * and vanilla architectures ({@link amem.models.LanguageModels}), analytic parameter counts
 * ({@link amem.models.ParameterCount}), the LM loss ({@link amem.models.LmLoss}, and {@link
 * amem.models.NextTokenLoss} for DJL's own trainer), and TransformerLens-style hook points to observe, cache, patch
 * and ablate the forward ({@link amem.models.HookPoints}, {@link amem.models.HookFunction}, {@link
 * amem.models.ActivationCache}, {@link amem.models.LanguageModel#runWithCache}; docs/HOOKS.md).
 *
 * <p>Parameters carry Hugging Face GPT-2 names; Linear weights are stored (out, in).
 */
package amem.models;
