package dev.normkit.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The one place the benchmarks set oneDNN's thread count. oneDNN takes its threads from OpenMP and has no call of its
 * own for it; a JMH fork cannot change its environment ({@code OMP_NUM_THREADS}), so this calls
 * {@code omp_set_num_threads} on the benchmark thread before the primitive is created (oneDNN's primitive cache keys on
 * the thread count, and OpenMP keeps the setting per calling thread).
 *
 * <p>The Java kernels run each call on one thread, so oneDNN gets {@link #PER_CALL} = 1 thread per call too; with
 * several benchmark threads every thread makes its own calls, on both sides.
 */
public final class OneDnnThreads {

    /** OpenMP threads per oneDNN call: as many as a Java kernel call uses. */
    public static final int PER_CALL = 1;

    private OneDnnThreads() {}

    /**
     * Sets the OpenMP thread count of the calling thread. The onednn path must already be loaded
     * ({@code Backends.get("onednn")}), so the OpenMP runtime found is the one oneDNN uses.
     */
    public static void setForThisThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
        }
        try {
            Holder.SET.invokeExact(threads);
        } catch (Throwable t) {
            throw new IllegalStateException("omp_set_num_threads(" + threads + ") failed: " + t, t);
        }
    }

    /** Bound on first use, after the onednn path has loaded its libraries. */
    private static final class Holder {
        // libdnnl.so.3 loaded its bundled libgomp.so.1 as a dependency; looking the soname up again finds that
        // already-loaded copy rather than a second OpenMP runtime.
        static final MethodHandle SET = Linker.nativeLinker().downcallHandle(
                SymbolLookup.libraryLookup("libgomp.so.1", Arena.global())
                        .find("omp_set_num_threads")
                        .orElseThrow(() -> new IllegalStateException("libgomp.so.1 has no omp_set_num_threads")),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));

        private Holder() {}
    }
}
