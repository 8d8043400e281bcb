package dev.normkit;

/**
 * A kernel ready to run: made by a {@link Backend} from a validated {@link KernelDesc}. Runs allocate nothing and
 * check only argument sizes. A kernel is not thread-safe unless its path says so; close it to release native state
 * (the Java paths hold none).
 */
public interface Kernel extends AutoCloseable {

    /** The descriptor this kernel was made for. */
    KernelDesc<?> desc();

    /** Name of the path that runs this kernel ({@code scalar}, {@code vector}, {@code onednn}). */
    String path();

    @Override
    default void close() {}
}
