package dev.normkit;

import java.util.concurrent.Executor;

/**
 * How many threads share one call of a kernel, and which threads they are: given to {@link Backend#parallel} to get
 * the same path with every call split across {@code threads}.
 *
 * <p>On the Java paths the calling thread runs chunks itself and {@code threads - 1} tasks on {@code executor} help;
 * {@code null} means normkit's own pool (a daemon {@link java.util.concurrent.ForkJoinPool} with one thread per
 * processor but one, made on first use). On the onednn path {@code threads} is the OpenMP thread count and the
 * executor must be {@code null}: oneDNN runs on its own OpenMP threads.
 *
 * @param threads threads per call, at least 1
 * @param executor where helper tasks run; {@code null} for normkit's pool
 */
public record Parallelism(int threads, Executor executor) {

    /** The system property that overrides {@link #MIN_PARALLEL_FLOATS}: for measuring the break-even on a machine. */
    public static final String MIN_PARALLEL_FLOATS_PROPERTY = "normkit.parallel.minFloats";

    /**
     * Calls on fewer floats than this (per tensor) run on the caller alone, whatever the thread count: below it,
     * handing work to another thread costs more than the work (measured: README, "Parallelism"). 131,072 unless
     * the system property {@value #MIN_PARALLEL_FLOATS_PROPERTY} sets another value (a non-negative integer).
     */
    public static final long MIN_PARALLEL_FLOATS = minParallelFloats(System.getProperty(MIN_PARALLEL_FLOATS_PROPERTY));

    static long minParallelFloats(String value) {
        if (value == null || value.isBlank()) return 131_072;
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(MIN_PARALLEL_FLOATS_PROPERTY + ": must be a non-negative integer, got '"
                + value + "'");
    }

    /** One thread: every call runs on its caller, as a path's plain kernels do. */
    public static final Parallelism SINGLE = new Parallelism(1, null);

    public Parallelism {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: must be at least 1, got " + threads);
        }
    }

    /** {@code threads} per call, helped by normkit's pool. */
    public static Parallelism threads(int threads) {
        return new Parallelism(threads, null);
    }

    /** {@code threads} per call, helped by the caller's {@code executor}. */
    public static Parallelism threads(int threads, Executor executor) {
        if (executor == null) {
            throw new IllegalArgumentException("executor: must not be null (use threads(int) for normkit's pool)");
        }
        return new Parallelism(threads, executor);
    }

    /** Every processor of this JVM ({@link Runtime#availableProcessors()}), on normkit's pool. */
    public static Parallelism allProcessors() {
        return threads(Runtime.getRuntime().availableProcessors());
    }
}
