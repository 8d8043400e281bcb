package dev.normkit.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native copies of a call's heap arguments, for calls whose tensors are neither all {@code float[]} nor all native
 * ({@link Placement#MIXED}), so that the segment loops only ever see native memory.
 *
 * <p>One buffer per kernel, allocated on the kernel's first MIXED call and replaced by a larger one when a later call
 * needs more. So a kernel that only sees {@code float[]} or native tensors holds no native memory, and MIXED calls
 * after the first allocate nothing (as {@link dev.normkit.Kernel} promises of runs); a per-call arena would allocate,
 * and zero, the whole staging size on every call. The buffer belongs to an automatic arena: the garbage collector
 * frees it with the kernel, so closing a Java-path kernel still releases nothing. Like the kernel that owns it, it is
 * not thread-safe.
 */
final class HeapStaging {

    /** Each copy starts on a cache line, as native allocations do. */
    private static final long ALIGNMENT = 64;

    private MemorySegment buffer = MemorySegment.NULL;
    private long used;

    /** Bytes {@code s} takes in the buffer: none when it is native or absent. */
    static long bytes(MemorySegment s, long floats) {
        return s == null || s.isNative() ? 0 : aligned(floats * Float.BYTES);
    }

    /** Starts a call whose heap arguments take {@code bytes} in all (the sum of {@link #bytes}). */
    void begin(long bytes) {
        if (buffer.byteSize() < bytes) {
            buffer = Arena.ofAuto().allocate(bytes, ALIGNMENT);
        }
        used = 0;
    }

    /** {@code s} itself when native or absent, else a native copy of its first {@code floats} floats. */
    MemorySegment input(MemorySegment s, long floats) {
        if (s == null || s.isNative()) return s;
        MemorySegment copy = take(floats);
        MemorySegment.copy(s, 0, copy, 0, copy.byteSize());
        return copy;
    }

    /** {@code s} itself when native or absent, else native room for its first {@code floats}, for {@link #copyBack}. */
    MemorySegment output(MemorySegment s, long floats) {
        return s == null || s.isNative() ? s : take(floats);
    }

    /**
     * Copies what the loops wrote to {@code staged} into the caller's {@code original}, unless they are the same
     * (native, or both absent).
     */
    static void copyBack(MemorySegment staged, MemorySegment original) {
        if (staged != original) MemorySegment.copy(staged, 0, original, 0, staged.byteSize());
    }

    private MemorySegment take(long floats) {
        MemorySegment slice = buffer.asSlice(used, floats * Float.BYTES);
        used += aligned(slice.byteSize());
        return slice;
    }

    private static long aligned(long bytes) {
        return (bytes + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
