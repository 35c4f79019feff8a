/**
 * Scaling-law fits of docs/THEORY.md §4 over a grid of model sizes N and data sizes D.
 *
 * <ul>
 *   <li>{@link amem.pipeline.analysis.scaling.ScalingCell} (one finished cell) and
 *       {@link amem.pipeline.analysis.scaling.CountKind} (all parameters or non-embedding ones).</li>
 *   <li>{@link amem.pipeline.analysis.scaling.OptimalSizeFit}: {@code N*(D) = argmin_N loss} and the slope of
 *       {@code log N*} on {@code log D} with a bootstrap interval (the claim {@code N = O(D^2)} predicts 2),
 *       by {@link amem.pipeline.analysis.scaling.LineFit}.</li>
 *   <li>{@link amem.pipeline.analysis.scaling.ChinchillaFit}: {@code L = E + A/N^alpha + B/D^beta}
 *       ({@link amem.pipeline.analysis.scaling.ChinchillaLaw}) fitted as Hoffmann et al. do, with bootstrap
 *       intervals ({@link amem.pipeline.analysis.scaling.Interval}).</li>
 *   <li>{@link amem.pipeline.analysis.scaling.ScalingAnalysis}: a sweep's {@code sweep.csv} in,
 *       {@code optimal_size.csv} and {@code scaling_fits.csv} and summary lines out.</li>
 * </ul>
 */
package amem.pipeline.analysis.scaling;
