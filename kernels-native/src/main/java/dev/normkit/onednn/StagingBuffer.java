package dev.normkit.onednn;

import java.lang.foreign.MemorySegment;

/**
 * A native buffer through which heap arguments reach oneDNN, which only takes raw addresses. It is allocated the first
 * time a heap argument needs it and then kept until the kernel closes, so a caller who only passes native segments
 * never holds one: a 16384 x 4096 layer norm kernel would otherwise hold about 0.7 GiB it may never use.
 *
 * <p>Not thread-safe, like the kernel that owns it; a kernel shares one buffer between primitives that never run
 * together.
 */
final class StagingBuffer {

    private final OneDnnKernel owner;
    private final long floats;
    private MemorySegment segment;

    StagingBuffer(OneDnnKernel owner, long floats) {
        this.owner = owner;
        this.floats = floats;
    }

    /** The buffer's size in floats, allocated or not. */
    long floats() {
        return floats;
    }

    /** The buffer, allocated now if this is its first use. */
    MemorySegment segment() {
        if (segment == null) {
            segment = owner.allocateStaging(floats);
        }
        return segment;
    }
}
