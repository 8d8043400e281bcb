package dev.normkit.parallel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * normkit's own helper threads, used when a {@link dev.normkit.Parallelism} names no executor: a daemon
 * {@link ForkJoinPool} with one thread per processor but one (the caller of each call is the other), made on first
 * use. Not the common pool: parallel streams and {@code CompletableFuture} share that one, and its size is one less
 * than the processors too, so a busy common pool would quietly turn a 2-thread call into a 1-thread one.
 */
final class NormkitPool {
    private NormkitPool() {}

    private static final class Holder {
        static final ForkJoinPool POOL = new ForkJoinPool(
                Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
                pool -> {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("normkit-parallel-" + t.getPoolIndex());
                    t.setDaemon(true);
                    return t;
                },
                null, false);
    }

    static ForkJoinPool get() {
        return Holder.POOL;
    }
}
