package dev.normkit.scalar;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Element-indexed f32 access to a segment (native byte order), so the scalar kernels read like array code. */
final class FloatAccess {
    private FloatAccess() {}

    static float get(MemorySegment s, long index) {
        return s.getAtIndex(ValueLayout.JAVA_FLOAT, index);
    }

    static void set(MemorySegment s, long index, float value) {
        s.setAtIndex(ValueLayout.JAVA_FLOAT, index, value);
    }
}
