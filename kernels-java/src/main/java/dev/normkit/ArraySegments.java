package dev.normkit;

import java.lang.foreign.MemorySegment;

/** Wraps the {@code float[]} conveniences' arrays; {@code null} (an absent optional argument) stays {@code null}. */
final class ArraySegments {
    private ArraySegments() {}

    static MemorySegment of(float[] a) {
        return a == null ? null : MemorySegment.ofArray(a);
    }
}
