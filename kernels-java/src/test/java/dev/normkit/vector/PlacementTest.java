package dev.normkit.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private static final MemorySegment ARRAY = MemorySegment.ofArray(new float[16]);

    @Test
    void floatArraysWholeOrSlicedAreArrays() {
        float[] backing = new float[16];
        MemorySegment slice = MemorySegment.ofArray(backing).asSlice(3 * Float.BYTES, 8 * Float.BYTES);
        assertEquals(Placement.ARRAYS, Placement.of(ARRAY, slice));
        assertSame(backing, Placement.array(slice));
        assertEquals(3, Placement.index(slice));
        assertEquals(0, Placement.index(ARRAY));
    }

    @Test
    void nativeSegmentsAreNative() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(64);
            MemorySegment b = arena.allocate(64).asSlice(4);
            assertEquals(Placement.NATIVE, Placement.of(a, b));
            assertEquals(Placement.NATIVE, Placement.of(a, b, a, b, a, b, a, b));
        }
    }

    @Test
    void heapAndNativeTogetherAreMixed() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(64);
            assertEquals(Placement.MIXED, Placement.of(ARRAY, n));
            assertEquals(Placement.MIXED, Placement.of(n, ARRAY, n, n, n, n));
            assertEquals(Placement.MIXED, Placement.of(n, n, n, n, n, n, n, ARRAY));
        }
    }

    @Test
    void heapMemoryThatIsNotAFloatArrayIsMixed() {
        assertEquals(Placement.MIXED, Placement.of(MemorySegment.ofArray(new int[16])));
        assertEquals(Placement.MIXED, Placement.of(ARRAY, MemorySegment.ofArray(new long[8])));
        // A float[] viewed from a byte offset that is not a whole float.
        assertEquals(Placement.MIXED, Placement.of(ARRAY.asSlice(2, 8)));
    }

    @Test
    void absentArgumentsDoNotCount() {
        assertEquals(Placement.ARRAYS, Placement.of(ARRAY, null, null, ARRAY, null, null));
        assertEquals(Placement.NATIVE, Placement.of(null, null));
        assertNull(Placement.array(null));
        assertEquals(0, Placement.index(null));
    }
}
