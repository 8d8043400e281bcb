package dev.normkit.vector;

import java.lang.foreign.MemorySegment;

/**
 * Where one call's tensors live, decided once per call, so that every vector loop touches one kind of memory.
 *
 * <p>Why: {@code FloatVector.fromMemorySegment}/{@code intoMemorySegment} share one type profile inside the JDK for
 * the whole process. Once a JVM has loaded vectors from both heap and native segments, C2 compiles every such access
 * as "mixed" and fences it, and every vector kernel in the JVM runs several times slower (docs/vector-jit.md). So
 * heap tensors are read with {@code fromArray}/{@code intoArray} on their backing {@code float[]}, and only native
 * tensors through {@code fromMemorySegment}: the segment profile then only ever sees native memory.
 *
 * <ul>
 *   <li>{@link #ARRAYS}: every argument is a heap segment over a {@code float[]} at a float-aligned offset; loops
 *       take {@link #array} and {@link #index}.</li>
 *   <li>{@link #NATIVE}: every argument is off-heap (allocated or mapped); loops take the segments.</li>
 *   <li>{@link #MIXED}: anything else (heap and native in one call, or heap memory over another array type): the
 *       kernel stages the heap arguments through native copies, so no loop ever sees a heap segment.</li>
 * </ul>
 *
 * Absent optional arguments ({@code null}) do not count.
 */
enum Placement {
    ARRAYS,
    NATIVE,
    MIXED;

    static Placement of(MemorySegment a) {
        return orNative(kind(a));
    }

    static Placement of(MemorySegment a, MemorySegment b) {
        return orNative(join(kind(a), kind(b)));
    }

    static Placement of(MemorySegment a, MemorySegment b, MemorySegment c) {
        return orNative(join(join(kind(a), kind(b)), kind(c)));
    }

    static Placement of(MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d) {
        return orNative(join(join(kind(a), kind(b)), join(kind(c), kind(d))));
    }

    static Placement of(MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d, MemorySegment e,
            MemorySegment f) {
        return orNative(join(join(join(kind(a), kind(b)), join(kind(c), kind(d))), join(kind(e), kind(f))));
    }

    static Placement of(MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d, MemorySegment e,
            MemorySegment f, MemorySegment g, MemorySegment h) {
        return orNative(join(join(join(kind(a), kind(b)), join(kind(c), kind(d))),
                join(join(kind(e), kind(f)), join(kind(g), kind(h)))));
    }

    static Placement of(MemorySegment... segments) {
        Placement p = null;
        for (MemorySegment s : segments) p = join(p, kind(s));
        return orNative(p);
    }

    /** The {@code float[]} behind a segment of kind {@link #ARRAYS}; {@code null} for an absent argument. */
    static float[] array(MemorySegment s) {
        return s == null ? null : (float[]) s.heapBase().orElseThrow();
    }

    /** The index in {@link #array} of the segment's first float; 0 for an absent argument. */
    static int index(MemorySegment s) {
        // A heap segment's address is its byte offset into the array's elements, below 2^33 for a float[].
        return s == null ? 0 : (int) (s.address() >>> 2);
    }

    private static Placement kind(MemorySegment s) {
        if (s == null) return null;
        if (!s.isNative()) {
            return s.heapBase().orElse(null) instanceof float[] && (s.address() & 3) == 0 ? ARRAYS : MIXED;
        }
        return NATIVE;
    }

    /** Every argument absent: nothing to read, any loop will do. */
    private static Placement orNative(Placement p) {
        return p == null ? NATIVE : p;
    }

    private static Placement join(Placement p, Placement q) {
        if (p == null) return q;
        if (q == null || p == q) return p;
        return MIXED;
    }
}
