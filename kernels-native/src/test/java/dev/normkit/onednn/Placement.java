package dev.normkit.onednn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Where a test puts a kernel's arguments: the onednn path uses native segments in place and stages heap ones. */
enum Placement {
    NATIVE,
    HEAP;

    /** A fresh segment holding a copy of {@code values}. */
    MemorySegment of(float[] values) {
        return switch (this) {
            case NATIVE -> Arena.ofAuto().allocateFrom(JAVA_FLOAT, values);
            case HEAP -> MemorySegment.ofArray(values.clone());
        };
    }

    /**
     * A fresh output segment of {@code count} NaNs: an element the kernel fails to write, or accumulates into instead
     * of overwriting, stays NaN and fails the comparison.
     */
    MemorySegment unwritten(long count) {
        float[] values = new float[Math.toIntExact(count)];
        java.util.Arrays.fill(values, Float.NaN);
        return of(values);
    }

    /** {@link #of} for an optional argument: null stays null. */
    MemorySegment ofOptional(float[] values) {
        return values == null ? null : of(values);
    }

    static float[] read(MemorySegment segment) {
        return segment.toArray(JAVA_FLOAT);
    }
}
