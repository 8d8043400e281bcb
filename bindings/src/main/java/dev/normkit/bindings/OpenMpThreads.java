package dev.normkit.bindings;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The OpenMP thread count oneDNN runs with: {@code omp_set_num_threads} / {@code omp_get_max_threads} of the libgomp
 * that libdnnl.so.3 is linked against (oneDNN has no {@code dnnl_set_max_threads} of its own).
 *
 * <p>The setting is per calling thread in libgomp: a Java thread that creates or executes oneDNN primitives must set
 * it itself, and must create and execute with the same value (oneDNN sizes work and scratchpads for the thread count
 * seen at primitive creation, and its primitive cache keys on it). Threads that never set it get libgomp's default
 * ({@code OMP_NUM_THREADS}, else the number of CPUs).
 */
public final class OpenMpThreads {

    private final MethodHandle setNumThreads;
    private final MethodHandle getMaxThreads;

    private OpenMpThreads(MethodHandle setNumThreads, MethodHandle getMaxThreads) {
        this.setNumThreads = setNumThreads;
        this.getMaxThreads = getMaxThreads;
    }

    /**
     * Finds the OpenMP entry points through the oneDNN library's own lookup, which searches its dependencies too, so
     * the functions found are those of the libgomp oneDNN uses. Empty for a oneDNN built without OpenMP.
     */
    static Optional<OpenMpThreads> from(SymbolLookup dnnl) {
        Optional<MemorySegment> set = dnnl.find("omp_set_num_threads");
        Optional<MemorySegment> get = dnnl.find("omp_get_max_threads");
        if (set.isEmpty() || get.isEmpty()) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        return Optional.of(new OpenMpThreads(
                linker.downcallHandle(set.get(), FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT)),
                linker.downcallHandle(get.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT))));
    }

    /**
     * Sets the number of OpenMP threads for parallel regions started by the calling thread.
     *
     * @param threads at least 1
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    public void setNumThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        try {
            setNumThreads.invokeExact(threads);
        } catch (Throwable e) {
            throw new IllegalStateException("omp_set_num_threads failed", e);
        }
    }

    /** The number of threads a parallel region started by the calling thread would use now. */
    public int maxThreads() {
        try {
            return (int) getMaxThreads.invokeExact();
        } catch (Throwable e) {
            throw new IllegalStateException("omp_get_max_threads failed", e);
        }
    }
}
