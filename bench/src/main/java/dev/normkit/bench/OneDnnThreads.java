package dev.normkit.bench;

import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.bindings.OpenMpThreads;

/**
 * The one place the benchmarks set oneDNN's thread count. oneDNN takes its threads from OpenMP and has no call of its
 * own for it, and a JMH fork cannot change its environment ({@code OMP_NUM_THREADS}), so this calls
 * {@code omp_set_num_threads} of the libgomp oneDNN is linked against, on the benchmark thread, before the primitive is
 * created: libgomp keeps the setting per calling thread, and oneDNN's primitive cache keys on the thread count.
 *
 * <p>The Java kernels run each call on one thread, so oneDNN gets {@link #PER_CALL} = 1 thread per call too; with
 * several benchmark threads every thread makes its own calls, on both sides.
 */
public final class OneDnnThreads {

    /** OpenMP threads per oneDNN call: as many as a Java kernel call uses. */
    public static final int PER_CALL = 1;

    private OneDnnThreads() {}

    /**
     * Sets the OpenMP thread count of the calling thread and checks that OpenMP took it.
     *
     * @throws IllegalStateException if oneDNN is not loaded, has no OpenMP, or OpenMP reports another count
     */
    public static void setForThisThread(int threads) {
        OpenMpThreads openMp = OneDnnLibrary.openMp().orElseThrow(() -> new IllegalStateException(
                "cannot set oneDNN's threads: no OpenMP runtime found with oneDNN ("
                        + OneDnnLibrary.status().detail() + ")"));
        openMp.setNumThreads(threads);
        int now = openMp.maxThreads();
        if (now != threads) {
            throw new IllegalStateException("omp_set_num_threads(" + threads + ") left omp_get_max_threads() = " + now
                    + "; oneDNN would not run with the thread count the benchmark claims");
        }
    }
}
