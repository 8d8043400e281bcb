package dev.normkit.parallel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One partial of a column reduction (diffScale, diffShift) per chunk, added in chunk order, so the sum does not depend
 * on which thread ran which chunk. The buffers match the call's memory (a {@code float[]} for heap calls, native for
 * native ones) so the vector path keeps one kind of memory per call. Made on first use and kept for later calls; a
 * call that finds them all in use by concurrent calls makes its own, so concurrent calls never share one.
 */
final class Partials {

    private final int chunks;
    private final long cols;
    private final ConcurrentLinkedQueue<MemorySegment> heap = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<MemorySegment> offHeap = new ConcurrentLinkedQueue<>();

    Partials(int chunks, long cols) {
        this.chunks = chunks;
        this.cols = cols;
    }

    /** A buffer of {@code chunks x cols} floats, native when {@code nativeMemory}; give it back to {@link #release}. */
    MemorySegment take(boolean nativeMemory) {
        MemorySegment s = (nativeMemory ? offHeap : heap).poll();
        if (s != null) return s;
        long floats = chunks * cols;
        return nativeMemory
                ? Arena.ofAuto().allocate(floats * Float.BYTES, 64)
                : MemorySegment.ofArray(new float[Math.toIntExact(floats)]);
    }

    void release(MemorySegment s) {
        (s.isNative() ? offHeap : heap).offer(s);
    }

    /** Chunk {@code c}'s row of {@code cols} floats in {@code buffer}. */
    MemorySegment row(MemorySegment buffer, int c) {
        return buffer.asSlice(c * cols * Float.BYTES, cols * Float.BYTES);
    }

    /**
     * {@code out[j] = sum over chunks c, in chunk order, of buffer[c][from + j]} for {@code j < count}: the same
     * additions in the same order on every call, whichever threads ran the chunks.
     */
    void sumInto(MemorySegment buffer, long from, long count, MemorySegment out) {
        for (long j = 0; j < count; j++) {
            out.setAtIndex(ValueLayout.JAVA_FLOAT, j, buffer.getAtIndex(ValueLayout.JAVA_FLOAT, from + j));
        }
        for (int c = 1; c < chunks; c++) {
            long base = c * cols + from;
            for (long j = 0; j < count; j++) {
                float s = out.getAtIndex(ValueLayout.JAVA_FLOAT, j)
                        + buffer.getAtIndex(ValueLayout.JAVA_FLOAT, base + j);
                out.setAtIndex(ValueLayout.JAVA_FLOAT, j, s);
            }
        }
    }
}
