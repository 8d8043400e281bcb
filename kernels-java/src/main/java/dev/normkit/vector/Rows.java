package dev.normkit.vector;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A caller's tensor seen as runs of floats copied to and from kernel-owned {@code float[]} rows, for kernels whose
 * loops work on such rows. Each kind of memory takes its fastest copy that keeps package rule 1 (no vector access ever
 * sees a heap segment): a {@code float[]} ({@link Placement#ARRAYS}) by {@code System.arraycopy}, native memory by
 * vector loads and stores ({@code MemorySegment.copy} into an array goes through {@code Unsafe.copyMemory}, which
 * measured several times slower than the copy roof on rows of a few KiB), anything else by {@code MemorySegment.copy}.
 *
 * <p>Made once per call and tensor; holds no state of its own beyond the caller's segment.
 */
final class Rows {

    private static final VectorSpecies<Float> F = FloatSpecies.F;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final MemorySegment segment;
    /** The backing array of a {@link Placement#ARRAYS} segment, else null. */
    private final float[] array;
    private final int base;
    private final boolean isNative;

    private Rows(MemorySegment segment) {
        this.segment = segment;
        boolean arrays = Placement.of(segment) == Placement.ARRAYS;
        this.array = arrays ? Placement.array(segment) : null;
        this.base = arrays ? Placement.index(segment) : 0;
        this.isNative = segment.isNative();
    }

    static Rows of(MemorySegment s) {
        return new Rows(s);
    }

    /** Floats [at, at + len) of the tensor into {@code to[from...]}. */
    void read(long at, float[] to, int from, int len) {
        if (array != null) {
            System.arraycopy(array, base + (int) at, to, from, len);
        } else if (isNative) {
            nativeRead(segment, at * Float.BYTES, to, from, len);
        } else {
            MemorySegment.copy(segment, JAVA_FLOAT_UNALIGNED, at * Float.BYTES, to, from, len);
        }
    }

    /** {@code row[from, from + len)} into floats [at, at + len) of the tensor. */
    void write(float[] row, int from, long at, int len) {
        if (array != null) {
            System.arraycopy(row, from, array, base + (int) at, len);
        } else if (isNative) {
            nativeWrite(row, from, segment, at * Float.BYTES, len);
        } else {
            MemorySegment.copy(row, from, segment, JAVA_FLOAT_UNALIGNED, at * Float.BYTES, len);
        }
    }

    private static void nativeRead(MemorySegment s, long byteAt, float[] to, int from, int len) {
        int i = 0;
        for (int upper = F.loopBound(len); i < upper; i += F.length()) {
            FloatVector.fromMemorySegment(F, s, byteAt + (long) i * Float.BYTES, ORDER).intoArray(to, from + i);
        }
        for (; i < len; i++) to[from + i] = s.get(JAVA_FLOAT_UNALIGNED, byteAt + (long) i * Float.BYTES);
    }

    private static void nativeWrite(float[] row, int from, MemorySegment s, long byteAt, int len) {
        int i = 0;
        for (int upper = F.loopBound(len); i < upper; i += F.length()) {
            FloatVector.fromArray(F, row, from + i).intoMemorySegment(s, byteAt + (long) i * Float.BYTES, ORDER);
        }
        for (; i < len; i++) s.set(JAVA_FLOAT_UNALIGNED, byteAt + (long) i * Float.BYTES, row[from + i]);
    }
}
