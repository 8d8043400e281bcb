package dev.normkit.onednn.dnnl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Test helpers: float data in native segments. */
final class NativeFloats {

    private NativeFloats() {}

    static MemorySegment of(Arena arena, float[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_FLOAT, values);
    }

    static MemorySegment zeros(Arena arena, long count) {
        return arena.allocate(ValueLayout.JAVA_FLOAT, count);
    }

    static float[] read(MemorySegment segment) {
        return segment.toArray(ValueLayout.JAVA_FLOAT);
    }

    /** Uniform values in [lo, hi) from a fixed seed. */
    static float[] uniform(long seed, int count, float lo, float hi) {
        Random random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = lo + (hi - lo) * random.nextFloat();
        }
        return values;
    }
}
