package dev.normkit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The kinds of memory a caller may hand a kernel, so a test can give each tensor argument its own. The vector path
 * runs {@code float[]} loops when every tensor is a float array (plain or sliced), segment loops when every tensor is
 * native, and stages the rest through native copies: {@link #LAYOUTS} reaches all three.
 */
enum Memory {
    /** {@code MemorySegment.ofArray(float[])}. */
    FLOAT_ARRAY,
    /** A slice of a larger {@code float[]}, starting 3 floats in. */
    FLOAT_ARRAY_SLICE,
    /** Off-heap, one float past a 64-byte boundary. */
    NATIVE,
    /**
     * An {@code int[]}-backed heap segment, one int in: heap memory that is not a float array. (A {@code byte[]} one
     * is refused: it is not 4-byte aligned, see KernelArgumentTest.)
     */
    INT_ARRAY;

    /** Which kind each argument of a call gets: argument i gets {@code kinds[i % kinds.length]}. */
    record Layout(String name, Memory... kinds) {
        Memory of(int argument) {
            return kinds[argument % kinds.length];
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Layout> LAYOUTS = List.of(
            new Layout("float[]", FLOAT_ARRAY),
            new Layout("float[] slices", FLOAT_ARRAY_SLICE),
            new Layout("native", NATIVE),
            new Layout("int[]", INT_ARRAY),
            new Layout("native and float[] slices", NATIVE, FLOAT_ARRAY_SLICE),
            new Layout("float[] and native", FLOAT_ARRAY, NATIVE),
            new Layout("int[] and float[]", INT_ARRAY, FLOAT_ARRAY));

    /** Every path with every layout. */
    static Stream<Arguments> pathsAndLayouts() {
        return Stream.of("scalar", "vector").flatMap(p -> LAYOUTS.stream().map(l -> Arguments.of(p, l)));
    }

    private static final int SLICE_FLOATS = 3;

    /** A segment of this kind holding a copy of {@code values}. */
    MemorySegment holding(Arena arena, float[] values) {
        MemorySegment s = sized(arena, values.length);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, values.length);
        return s;
    }

    /** A segment of this kind for an output of {@code n} floats, filled with a value no kernel writes. */
    MemorySegment output(Arena arena, int n) {
        float[] junk = new float[n];
        Arrays.fill(junk, -12345f);
        return holding(arena, junk);
    }

    private MemorySegment sized(Arena arena, int n) {
        long bytes = (long) n * Float.BYTES;
        return switch (this) {
            case FLOAT_ARRAY -> MemorySegment.ofArray(new float[n]);
            case FLOAT_ARRAY_SLICE -> MemorySegment.ofArray(new float[n + 2 * SLICE_FLOATS])
                    .asSlice(SLICE_FLOATS * Float.BYTES, bytes);
            case NATIVE -> arena.allocate(bytes + 64, 64).asSlice(Float.BYTES, bytes);
            case INT_ARRAY -> MemorySegment.ofArray(new int[n + 2]).asSlice(Integer.BYTES, bytes);
        };
    }

    static float[] read(MemorySegment s) {
        return s == null ? null : s.toArray(ValueLayout.JAVA_FLOAT);
    }
}
