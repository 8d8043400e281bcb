package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector loads and stores on f32 segments, and the reductions over one contiguous row that several vector kernels
 * share. Offsets are in bytes; counts are in floats. Reductions run a 4x-unrolled body with independent accumulators
 * (to hide the add latency), a one-vector loop, then one masked vector for the tail.
 */
final class RowLoops {
    private RowLoops() {}

    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    static final int LANES = F.length();
    static final long VECTOR_BYTES = F.vectorByteSize();

    static FloatVector load(MemorySegment s, long offset) {
        return FloatVector.fromMemorySegment(F, s, offset, NATIVE);
    }

    /** Lanes outside {@code m} read as 0 and touch no memory. */
    static FloatVector load(MemorySegment s, long offset, VectorMask<Float> m) {
        return FloatVector.fromMemorySegment(F, s, offset, NATIVE, m);
    }

    static void store(FloatVector v, MemorySegment s, long offset) {
        v.intoMemorySegment(s, offset, NATIVE);
    }

    static void store(FloatVector v, MemorySegment s, long offset, VectorMask<Float> m) {
        v.intoMemorySegment(s, offset, NATIVE, m);
    }

    /** Lanes of the vector starting at element {@code done} that are below {@code count}. */
    static VectorMask<Float> tail(long done, long count) {
        return F.indexInRange(done, count);
    }

    /** Elements covered by whole groups of four vectors. */
    static long unrolledBound(long count) {
        return count - count % (4L * LANES);
    }

    /** Sum of {@code count} floats from {@code offset}. */
    static float sum(MemorySegment s, long offset, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            a0 = a0.add(load(s, at));
            a1 = a1.add(load(s, at + VECTOR_BYTES));
            a2 = a2.add(load(s, at + 2 * VECTOR_BYTES));
            a3 = a3.add(load(s, at + 3 * VECTOR_BYTES));
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            a0 = a0.add(load(s, offset + j * Float.BYTES));
        }
        if (j < count) {
            a1 = a1.add(load(s, offset + j * Float.BYTES, tail(j, count)));
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /** Sum of squares of {@code count} floats from {@code offset}. */
    static float sumOfSquares(MemorySegment s, long offset, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            FloatVector x0 = load(s, at);
            FloatVector x1 = load(s, at + VECTOR_BYTES);
            FloatVector x2 = load(s, at + 2 * VECTOR_BYTES);
            FloatVector x3 = load(s, at + 3 * VECTOR_BYTES);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            a2 = x2.fma(x2, a2);
            a3 = x3.fma(x3, a3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = load(s, offset + j * Float.BYTES);
            a0 = x.fma(x, a0);
        }
        if (j < count) {
            FloatVector x = load(s, offset + j * Float.BYTES, tail(j, count));
            a1 = x.fma(x, a1);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /** Sum of {@code a[i] * b[i]} over {@code count} floats from {@code offset} in both. */
    static float dot(MemorySegment a, MemorySegment b, long offset, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            a0 = load(a, at).fma(load(b, at), a0);
            a1 = load(a, at + VECTOR_BYTES).fma(load(b, at + VECTOR_BYTES), a1);
            a2 = load(a, at + 2 * VECTOR_BYTES).fma(load(b, at + 2 * VECTOR_BYTES), a2);
            a3 = load(a, at + 3 * VECTOR_BYTES).fma(load(b, at + 3 * VECTOR_BYTES), a3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            long at = offset + j * Float.BYTES;
            a0 = load(a, at).fma(load(b, at), a0);
        }
        if (j < count) {
            long at = offset + j * Float.BYTES;
            VectorMask<Float> t = tail(j, count);
            a1 = load(a, at, t).fma(load(b, at, t), a1);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    /**
     * Largest of {@code count} floats from {@code offset}, NaN skipped (compare-and-blend is cheaper than Java's
     * NaN-propagating max; callers let NaN reach a sum instead). -inf when every element is NaN or -inf.
     */
    static float maxSkippingNaN(MemorySegment s, long offset, long count) {
        FloatVector a0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            FloatVector x0 = load(s, at);
            FloatVector x1 = load(s, at + VECTOR_BYTES);
            FloatVector x2 = load(s, at + 2 * VECTOR_BYTES);
            FloatVector x3 = load(s, at + 3 * VECTOR_BYTES);
            a0 = a0.blend(x0, x0.compare(VectorOperators.GT, a0));
            a1 = a1.blend(x1, x1.compare(VectorOperators.GT, a1));
            a2 = a2.blend(x2, x2.compare(VectorOperators.GT, a2));
            a3 = a3.blend(x3, x3.compare(VectorOperators.GT, a3));
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = load(s, offset + j * Float.BYTES);
            a0 = a0.blend(x, x.compare(VectorOperators.GT, a0));
        }
        if (j < count) {
            VectorMask<Float> t = tail(j, count);
            FloatVector x = load(s, offset + j * Float.BYTES, t);
            a1 = a1.blend(x, x.compare(VectorOperators.GT, a1).and(t));
        }
        a0 = a0.blend(a1, a1.compare(VectorOperators.GT, a0));
        a2 = a2.blend(a3, a3.compare(VectorOperators.GT, a2));
        return a0.blend(a2, a2.compare(VectorOperators.GT, a0)).reduceLanes(VectorOperators.MAX);
    }

    /** Sets {@code count} floats from offset 0 to zero. */
    static void zero(MemorySegment s, long count) {
        FloatVector z = FloatVector.zero(F);
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            store(z, s, j * Float.BYTES);
        }
        if (j < count) {
            store(z, s, j * Float.BYTES, tail(j, count));
        }
    }

    /**
     * Whether a row's f32 sum of squares {@code squares} cannot be trusted and must be recomputed in double: it
     * overflowed (or is NaN), or it is so small that f32 squares lost precision to underflow while {@code eps} is too
     * small to hide the loss.
     */
    static boolean squaresNeedDouble(float squares, float eps) {
        return !(squares < Float.POSITIVE_INFINITY) || (squares < 0x1p-90f && eps < 0x1p-60f);
    }

    /** Mean of {@code count} floats from {@code offset}, summed in double: the rare-case fallback. */
    static double meanInDouble(MemorySegment s, long offset, long count) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            sum += s.get(ValueLayout.JAVA_FLOAT, offset + j * Float.BYTES);
        }
        return sum / count;
    }

    /** Sum of (x - center)^2 in double: the rare-case fallback. */
    static double squaresInDouble(MemorySegment s, long offset, long count, double center) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            double d = s.get(ValueLayout.JAVA_FLOAT, offset + j * Float.BYTES) - center;
            sum += d * d;
        }
        return sum;
    }
}
