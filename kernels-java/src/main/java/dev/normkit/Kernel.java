package dev.normkit;

/**
 * A kernel ready to run: made by a {@link Backend} from a validated {@link KernelDesc}. Runs allocate nothing and
 * check only argument sizes. Whether several threads may call one kernel at once depends on the path (README,
 * "Parallelism"): scalar and onednn kernels allow it, vector kernels unless a call mixes heap and native memory. Close
 * a kernel to release native state (the Java paths hold none).
 */
public interface Kernel extends AutoCloseable {

    /** The descriptor this kernel was made for. */
    KernelDesc<?> desc();

    /** Name of the path that runs this kernel ({@code scalar}, {@code vector}, {@code onednn}). */
    String path();

    @Override
    default void close() {}
}
