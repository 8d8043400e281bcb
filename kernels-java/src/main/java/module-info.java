/**
 * normkit's kernels: the public API ({@link dev.normkit.Backends}, the descriptors and kernel interfaces), the
 * {@code scalar} path and the {@code vector} path.
 *
 * <p>{@code jdk.incubator.vector} is a static dependence: the module resolves and runs without it (the {@code vector}
 * path then reports that the module is not enabled), and reads it when the JVM is started with
 * {@code --add-modules jdk.incubator.vector}. Paths are found with {@link java.util.ServiceLoader}; other modules (the
 * {@code onednn} path) provide {@link dev.normkit.spi.BackendProvider} too.
 */
module dev.normkit {
    requires static jdk.incubator.vector;

    exports dev.normkit;
    exports dev.normkit.spi;

    uses dev.normkit.spi.BackendProvider;

    provides dev.normkit.spi.BackendProvider
            with dev.normkit.scalar.ScalarBackendProvider, dev.normkit.vector.VectorBackendProvider;
}
