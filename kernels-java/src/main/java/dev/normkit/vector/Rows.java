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
 * <p>Kept in a kernel's scratch and bound to a tensor for one call ({@link #bind}, then {@link #unbind} so the scratch
 * does not keep the caller's memory reachable), so runs allocate nothing.
 */
final class Rows {

    private static final VectorSpecies<Float> F = FloatSpecies.F;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private MemorySegment segment;
    /** The backing array of a {@link Placement#ARRAYS} segment, else null. */
    private float[] array;
    private int base;
    private boolean isNative;

    /** Points these rows at {@code s} for a call; returns this. */
    Rows bind(MemorySegment s) {
        boolean arrays = Placement.of(s) == Placement.ARRAYS;
        segment = s;
        array = arrays ? Placement.array(s) : null;
        base = arrays ? Placement.index(s) : 0;
        isNative = s.isNative();
        return this;
    }

    /** Forgets the call's tensor. */
    void unbind() {
        segment = null;
        array = null;
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
