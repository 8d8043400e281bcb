package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.BYTE_ORDER;
import static dev.normkit.vector.RowLoops.LANES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The reductions over one contiguous row that several kernels share, on native segments. Template of the generated
 * {@code RowArrayLoops}; written to the rules in package-info.java. Indices and counts are in floats.
 */
final class RowSegmentLoops {
    private RowSegmentLoops() {}

    /** Sum of {@code count} floats from {@code at}. */
    static float sum(MemorySegment s, long at, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            long i = at + j;
            a0 = a0.add(fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER));
            a1 = a1.add(fromMemorySegment(F, s, Float.BYTES * (i + LANES), BYTE_ORDER));
            a2 = a2.add(fromMemorySegment(F, s, Float.BYTES * (i + 2 * LANES), BYTE_ORDER));
            a3 = a3.add(fromMemorySegment(F, s, Float.BYTES * (i + 3 * LANES), BYTE_ORDER));
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            a0 = a0.add(fromMemorySegment(F, s, Float.BYTES * (at + j), BYTE_ORDER));
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            sum += s.getAtIndex(JAVA_FLOAT, at + j);
        }
        return sum;
    }

    /** Sum of squares of {@code count} floats from {@code at}. */
    static float sumOfSquares(MemorySegment s, long at, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            long i = at + j;
            FloatVector x0 = fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER);
            FloatVector x1 = fromMemorySegment(F, s, Float.BYTES * (i + LANES), BYTE_ORDER);
            FloatVector x2 = fromMemorySegment(F, s, Float.BYTES * (i + 2 * LANES), BYTE_ORDER);
            FloatVector x3 = fromMemorySegment(F, s, Float.BYTES * (i + 3 * LANES), BYTE_ORDER);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            a2 = x2.fma(x2, a2);
            a3 = x3.fma(x3, a3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = fromMemorySegment(F, s, Float.BYTES * (at + j), BYTE_ORDER);
            a0 = x.fma(x, a0);
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            float x = s.getAtIndex(JAVA_FLOAT, at + j);
            sum = Math.fma(x, x, sum);
        }
        return sum;
    }

    /**
     * {@code sum(d)} and {@code sum(d^2)} with {@code d = x - center}, as a {@link FloatPair}. Centring keeps the
     * squares exact where {@code sum(x^2)} would cancel against a large mean.
     */
    static long centeredMoments(MemorySegment s, long at, long count, float center) {
        FloatVector c = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        FloatVector q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        long j = 0;
        for (long end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            long i = at + j;
            FloatVector d0 = fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER).sub(c);
            FloatVector d1 = fromMemorySegment(F, s, Float.BYTES * (i + LANES), BYTE_ORDER).sub(c);
            FloatVector d2 = fromMemorySegment(F, s, Float.BYTES * (i + 2 * LANES), BYTE_ORDER).sub(c);
            FloatVector d3 = fromMemorySegment(F, s, Float.BYTES * (i + 3 * LANES), BYTE_ORDER).sub(c);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            q2 = d2.fma(d2, q2);
            q3 = d3.fma(d3, q3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector d = fromMemorySegment(F, s, Float.BYTES * (at + j), BYTE_ORDER).sub(c);
            s0 = s0.add(d);
            q0 = d.fma(d, q0);
        }
        FloatVector sumLanes = s0.add(s1).add(s2.add(s3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector squaresLanes = q0.add(q1).add(q2.add(q3));
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            float d = s.getAtIndex(JAVA_FLOAT, at + j) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    /** Sum of {@code a[i] * b[i]} over {@code count} floats from {@code aAt} in a and {@code bAt} in b. */
    static float dot(MemorySegment a, long aAt, MemorySegment b, long bAt, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            long i = aAt + j;
            long k = bAt + j;
            a0 = fromMemorySegment(F, a, Float.BYTES * i, BYTE_ORDER)
                    .fma(fromMemorySegment(F, b, Float.BYTES * k, BYTE_ORDER), a0);
            a1 = fromMemorySegment(F, a, Float.BYTES * (i + LANES), BYTE_ORDER)
                    .fma(fromMemorySegment(F, b, Float.BYTES * (k + LANES), BYTE_ORDER), a1);
            a2 = fromMemorySegment(F, a, Float.BYTES * (i + 2 * LANES), BYTE_ORDER)
                    .fma(fromMemorySegment(F, b, Float.BYTES * (k + 2 * LANES), BYTE_ORDER), a2);
            a3 = fromMemorySegment(F, a, Float.BYTES * (i + 3 * LANES), BYTE_ORDER)
                    .fma(fromMemorySegment(F, b, Float.BYTES * (k + 3 * LANES), BYTE_ORDER), a3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            a0 = fromMemorySegment(F, a, Float.BYTES * (aAt + j), BYTE_ORDER)
                    .fma(fromMemorySegment(F, b, Float.BYTES * (bAt + j), BYTE_ORDER), a0);
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            sum = Math.fma(a.getAtIndex(JAVA_FLOAT, aAt + j), b.getAtIndex(JAVA_FLOAT, bAt + j), sum);
        }
        return sum;
    }

    /**
     * Largest of {@code count} floats from {@code at}, NaN skipped (compare-and-blend is cheaper than Java's
     * NaN-propagating max; callers let NaN reach a sum instead). -inf when every element is NaN or -inf.
     */
    static float maxSkippingNaN(MemorySegment s, long at, long count) {
        FloatVector a0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            long i = at + j;
            FloatVector x0 = fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER);
            FloatVector x1 = fromMemorySegment(F, s, Float.BYTES * (i + LANES), BYTE_ORDER);
            FloatVector x2 = fromMemorySegment(F, s, Float.BYTES * (i + 2 * LANES), BYTE_ORDER);
            FloatVector x3 = fromMemorySegment(F, s, Float.BYTES * (i + 3 * LANES), BYTE_ORDER);
            a0 = a0.blend(x0, x0.compare(VectorOperators.GT, a0));
            a1 = a1.blend(x1, x1.compare(VectorOperators.GT, a1));
            a2 = a2.blend(x2, x2.compare(VectorOperators.GT, a2));
            a3 = a3.blend(x3, x3.compare(VectorOperators.GT, a3));
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = fromMemorySegment(F, s, Float.BYTES * (at + j), BYTE_ORDER);
            a0 = a0.blend(x, x.compare(VectorOperators.GT, a0));
        }
        a0 = a0.blend(a1, a1.compare(VectorOperators.GT, a0));
        a2 = a2.blend(a3, a3.compare(VectorOperators.GT, a2));
        float max = a0.blend(a2, a2.compare(VectorOperators.GT, a0)).reduceLanes(VectorOperators.MAX);
        for (; j < count; j++) {
            float x = s.getAtIndex(JAVA_FLOAT, at + j);
            if (x > max) max = x;
        }
        return max;
    }

    /** Sets {@code count} floats from {@code at} to zero. */
    static void zero(MemorySegment s, long at, long count) {
        FloatVector z = FloatVector.zero(F);
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            z.intoMemorySegment(s, Float.BYTES * (at + j), BYTE_ORDER);
        }
        for (; j < count; j++) {
            s.setAtIndex(JAVA_FLOAT, at + j, 0f);
        }
    }

    /** Mean of {@code count} floats from {@code at}, summed in double: the rare-case fallback. */
    static double meanInDouble(MemorySegment s, long at, long count) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            sum += s.getAtIndex(JAVA_FLOAT, at + j);
        }
        return sum / count;
    }

    /** Sum of (x - center)^2 in double: the rare-case fallback. */
    static double squaresInDouble(MemorySegment s, long at, long count, double center) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            double d = s.getAtIndex(JAVA_FLOAT, at + j) - center;
            sum += d * d;
        }
        return sum;
    }
}
