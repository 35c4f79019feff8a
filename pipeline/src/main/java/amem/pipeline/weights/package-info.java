/**
 * Model weights in other formats, and where a model for analysis comes from: safetensors read and write
 * ({@link amem.pipeline.weights.SafetensorsFile}, {@link amem.pipeline.weights.SafetensorsWriter}), Hugging Face
 * GPT-2 import and export ({@link amem.pipeline.weights.Gpt2Weights}, {@link amem.pipeline.weights.HfGpt2Config}),
 * and {@link amem.pipeline.weights.ModelSources} (a run's checkpoint or a GPT-2 directory, loaded and described).
 *
 * <p>Dependencies: above {@code amem.pipeline.session} (every loader builds a {@code ModelSession}), below
 * {@code hooks}. {@code ModelSources} stays here rather than in {@code session} because it loads GPT-2 weights
 * through {@code Gpt2Weights}, which itself builds sessions: in {@code session} it would close a loop again.
 */
package amem.pipeline.weights;
