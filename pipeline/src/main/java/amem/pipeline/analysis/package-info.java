/**
 * Analysis of runs and activations against the associative-memory theory (docs/THEORY.md §1–3), behind
 * {@code amem analyze}.
 *
 * <ul>
 *   <li>Activation datasets: {@link amem.pipeline.analysis.ActivationSet} (hook directories of {@code .npy}
 *       shards, read with {@link amem.datasets.npy.NpyReader}),
 *       {@link amem.pipeline.analysis.HookReader}, {@link amem.pipeline.analysis.RowKeys} (token
 *       positions), {@link amem.pipeline.analysis.EngineVectors} (vectors on the engine's device in chunks).</li>
 *   <li>§2 radius: {@link amem.pipeline.analysis.NearestNeighbours} (exact, chunked),
 *       {@link amem.pipeline.analysis.PairwiseDistances}, {@link amem.pipeline.analysis.Summary},
 *       {@link amem.pipeline.analysis.RadiusStatistic}, {@link amem.pipeline.analysis.HookRadius},
 *       {@link amem.pipeline.analysis.RadiusAnalysis} ({@code radius.csv}, {@code nn_distances.csv}).</li>
 *   <li>§1 energies: {@link amem.pipeline.analysis.Energies}, {@link amem.pipeline.analysis.EnergyAnalysis}
 *       ({@code energy.csv}), {@link amem.pipeline.analysis.EnergyLandscape} (the two-dimensional
 *       illustration).</li>
 *   <li>§3 loss: {@link amem.pipeline.analysis.EvalLog}, {@link amem.pipeline.analysis.MetricsLog},
 *       {@link amem.pipeline.analysis.Plateau}, {@link amem.pipeline.analysis.EntropyReference},
 *       {@link amem.pipeline.analysis.LossAnalysis} ({@code loss.csv}),
 *       {@link amem.pipeline.analysis.RunAnalysis} (all of a run).</li>
 * </ul>
 * Tables are Tablesaw tables ({@link amem.pipeline.analysis.Tables}), written atomically.
 */
package amem.pipeline.analysis;
