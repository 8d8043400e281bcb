package dev.normkit.bench;

import dev.normkit.Backend;
import dev.normkit.bindings.OneDnnLibrary;
import dev.normkit.onednn.OneDnnBackend;

/**
 * The one place the benchmarks decide oneDNN's thread count. The onednn path reads it from the system property
 * {@value #PROPERTY} when it loads and applies it ({@code omp_set_num_threads}) before it creates and before it runs
 * each primitive; a JMH fork cannot change its own environment ({@code OMP_NUM_THREADS}), so forks get
 * {@link #FORK_FLAG}, and every onednn benchmark checks that the loaded path runs with that count.
 *
 * <p>The path loads with {@link #PER_CALL} = 1 thread per call, as a plain Java kernel call uses; a benchmark of one
 * call on N threads takes {@code parallel(Parallelism.threads(N))} on every path, N OpenMP threads on onednn, and
 * checks after a call that N is what OpenMP ran ({@link #requireRan}).
 */
public final class OneDnnThreads {

    /** OpenMP threads the onednn path loads with: as many as a plain Java kernel call uses. */
    public static final int PER_CALL = 1;

    /** The onednn path's thread-count property (see {@link OneDnnBackend}). */
    static final String PROPERTY = "normkit.onednn.threads";

    /** The fork argument that gives oneDNN {@link #PER_CALL} threads. */
    static final String FORK_FLAG = "-D" + PROPERTY + "=" + PER_CALL;

    private OneDnnThreads() {}

    /**
     * Checks, after a call on this thread, that OpenMP's count for this thread's next parallel region is
     * {@code threads}: the count the kernel applied before its run, so the one its run used.
     *
     * @throws IllegalStateException otherwise
     */
    static void requireRan(int threads) {
        int ran = OneDnnLibrary.openMp().orElseThrow(
                () -> new IllegalStateException("threads: the loaded oneDNN has no OpenMP runtime")).maxThreads();
        if (ran != threads) {
            throw new IllegalStateException("threads: oneDNN ran with " + ran + " OpenMP threads, the benchmark asked"
                    + " for " + threads);
        }
    }

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
