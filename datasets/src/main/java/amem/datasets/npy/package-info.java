/**
 * NumPy's {@code .npy} format, the one home of it in amem: activation datasets, hook snapshots and analysis inputs
 * are {@code .npy} files so that Python users can {@code np.load} them as they are.
 *
 * <ul>
 *   <li>{@link amem.datasets.npy.NpyWriter}: streams rows into a file whose row count is unknown in advance; the
 *       fixed 128-byte header is rewritten at close, so an unfinished file claims 0 rows.</li>
 *   <li>{@link amem.datasets.npy.NpyHeader} / {@link amem.datasets.npy.NpyReader}: header parser (versions 1.0 to
 *       3.0, either byte order, size checked against the shape) and a reader of row ranges without loading a
 *       file whole.</li>
 *   <li>{@link amem.datasets.npy.NpyDtype}: the element types, with their NumPy descriptors and names.</li>
 *   <li>{@link amem.datasets.npy.HalfPrecision}: float16 and bfloat16 to and from float32.</li>
 * </ul>
 *
 * <p>Why here, in the datasets module: the format needs nothing but the JDK (no DJL, no amem type), and both the
 * hooks (which write activations) and the analysis (which reads them) sit above the datasets in the dependency
 * order, so neither has to depend on the other for it. {@code PackageDependenciesTest} keeps this package free of
 * every non-JDK dependency.
 */
package amem.datasets.npy;
