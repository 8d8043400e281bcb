package dev.normkit.parallel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Runs the chunks of one call on the caller and up to {@code threads - 1} helper tasks. Every thread takes the next
 * chunk not yet taken, so which thread runs a chunk varies and what a chunk computes does not. The caller waits for
 * the chunks, not for the helpers: a helper that starts late (a busy executor) finds no chunk left and ends, and a
 * full executor ({@link RejectedExecutionException}) only means fewer helpers; the caller never waits on a task that
 * has not started, so a call made from inside the executor cannot deadlock.
 */
final class ChunkRunner {

    private final Executor executor;
    private final int threads;

    ChunkRunner(Executor executor, int threads) {
        this.executor = executor;
        this.threads = threads;
    }

    int threads() {
        return threads;
    }

    void run(int chunks, IntConsumer chunk) {
        if (chunks == 1 || threads == 1) {
            for (int c = 0; c < chunks; c++) chunk.accept(c);
            return;
        }
        Call call = new Call(chunks, chunk);
        int helpers = Math.min(threads, chunks) - 1;
        for (int i = 0; i < helpers; i++) {
            try {
                executor.execute(call::work);
            } catch (RejectedExecutionException e) {
                break; // the caller and the helpers already started take the chunks
            }
        }
        call.work();
        call.awaitChunks();
    }

    /** One call's shared state: the next chunk to take, the chunks still running, the first failure. */
    private static final class Call {
        private final int chunks;
        private final IntConsumer chunk;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Call(int chunks, IntConsumer chunk) {
            this.chunks = chunks;
            this.chunk = chunk;
            this.done = new CountDownLatch(chunks);
        }

        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) chunk.accept(c);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }
        }

        /** Waits for every chunk (the outputs are being written, so an interrupt is kept for later), then rethrows. */
        void awaitChunks() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) Thread.currentThread().interrupt();
            Throwable t = failure.get();
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            if (t != null) throw new IllegalStateException("a chunk failed", t);
        }
    }
}
