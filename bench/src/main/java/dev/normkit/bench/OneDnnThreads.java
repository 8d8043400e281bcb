package dev.normkit.bench;

import dev.normkit.Backend;
import dev.normkit.onednn.OneDnnBackend;

/**
 * The one place the benchmarks decide oneDNN's thread count. The onednn path reads it from the system property
 * {@value #PROPERTY} when it loads and applies it ({@code omp_set_num_threads}) before it creates and before it runs
 * each primitive; a JMH fork cannot change its own environment ({@code OMP_NUM_THREADS}), so forks get
 * {@link #FORK_FLAG}, and every onednn benchmark checks that the loaded path runs with that count.
 *
 * <p>The Java kernels run each call on one thread, so oneDNN gets {@link #PER_CALL} = 1 thread per call too; with
 * several benchmark threads every thread makes its own calls, on both sides.
 */
public final class OneDnnThreads {

    /** OpenMP threads per oneDNN call: as many as a Java kernel call uses. */
    public static final int PER_CALL = 1;

    /** The onednn path's thread-count property (see {@link OneDnnBackend}). */
    static final String PROPERTY = "normkit.onednn.threads";

    /** The fork argument that gives oneDNN {@link #PER_CALL} threads. */
    static final String FORK_FLAG = "-D" + PROPERTY + "=" + PER_CALL;

    private OneDnnThreads() {}

    /** @throws IllegalStateException unless {@code backend} is the onednn path running {@code threads} threads */
    static void requireRunsWith(Backend backend, int threads) {
        if (!(backend instanceof OneDnnBackend onednn)) {
            throw new IllegalStateException("path: expected the onednn path, got " + backend.name() + " ("
                    + backend.getClass().getName() + ")");
        }
        if (onednn.threads() != threads) {
            throw new IllegalStateException("threads: the onednn path runs " + onednn.threads()
                    + " OpenMP threads per call, the benchmark claims " + threads + "; run with -D" + PROPERTY + "="
                    + threads);
        }
    }
}
