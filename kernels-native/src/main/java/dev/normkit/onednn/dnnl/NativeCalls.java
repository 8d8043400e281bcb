package dev.normkit.onednn.dnnl;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.ToIntFunction;

/** The shared shape of oneDNN's creation calls: an out-pointer filled in, a status returned. */
final class NativeCalls {

    private NativeCalls() {}

    /**
     * Calls {@code creator} with a fresh out-pointer and returns the handle it wrote.
     *
     * @throws DnnlException naming {@code call} when the status is not success
     */
    static MemorySegment create(String call, String context, ToIntFunction<MemorySegment> creator) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            DnnlException.check(creator.applyAsInt(out), call, context);
            return out.get(ValueLayout.ADDRESS, 0);
        }
    }

    /** A {@code dnnl_dims_t}-style array in {@code arena}. */
    static MemorySegment dims(Arena arena, long[] values) {
        return arena.allocateFrom(ValueLayout.JAVA_LONG, values);
    }
}
