package dev.normkit.parallel;

import dev.normkit.Parallelism;

/**
 * How one call is cut into chunks: {@code count} runs of {@code perChunk} units (rows, or elements), the last one
 * shorter. It depends on the shape alone, never on the thread count, so every thread count computes the same chunks
 * and, with partials combined in chunk order, the same bits.
 */
record Chunks(long units, long perChunk, int count) {

    /** Floats a chunk should hold at least: enough work to pay for handing it to another thread. */
    static final long GRAIN_FLOATS = 16_384;

    /** At most this many chunks: bounds the partial buffers of reductions and the per-chunk kernels. */
    static final int MAX_CHUNKS = 64;

    /**
     * Chunks of {@code units} units of {@code floatsPerUnit} floats each, every chunk but the last a multiple of
     * {@code multiple} units (elementwise kernels keep their vector tails where the whole call has them).
     */
    static Chunks of(long units, long floatsPerUnit, long multiple) {
        if (units * floatsPerUnit < Parallelism.MIN_PARALLEL_FLOATS || units <= multiple) {
            return new Chunks(units, Math.max(units, 1), 1);
        }
        long per = roundUp(Math.max(1, ceilDiv(GRAIN_FLOATS, floatsPerUnit)), multiple);
        if (ceilDiv(units, per) > MAX_CHUNKS) {
            per = roundUp(ceilDiv(units, MAX_CHUNKS), multiple);
        }
        return new Chunks(units, per, (int) ceilDiv(units, per));
    }

    /** Rows of {@code floatsPerRow} floats each. */
    static Chunks ofRows(long rows, long floatsPerRow) {
        return of(rows, floatsPerRow, 1);
    }

    long start(int chunk) {
        return chunk * perChunk;
    }

    long size(int chunk) {
        return Math.min(perChunk, units - start(chunk));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long roundUp(long a, long multiple) {
        return ceilDiv(a, multiple) * multiple;
    }
}
