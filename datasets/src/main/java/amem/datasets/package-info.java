/**
 * Data side of amem: tokenizers ({@code tokenize}), token stores on disk ({@code store}), text corpora to stores
 * ({@code text}), deterministic nested subsets ({@code subset}), batch samplers over stores ({@code sampling}), and
 * the Question-Formation grammar corpus with its exact entropy ({@code qf}, {@code grammar}), and stores as DJL
 * datasets for DJL's own training API ({@code djl}). Only {@code djl} uses DJL, its API alone: everything else is
 * tested and reused without a native engine, and amem's pipeline turns {@link amem.datasets.sampling.TokenBatch}es
 * into NDArrays itself.
 */
package amem.datasets;
