package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The reductions over one contiguous row of f32 that several vector kernels share, and the conventions all vector
 * kernels follow. Offsets are in bytes; counts are in floats.
 *
 * <ul>
 *   <li>Reductions run a 4x-unrolled body with independent accumulators (to hide the add latency), a one-vector
 *       loop, then a scalar tail; elementwise passes run a one-vector loop and a scalar tail that computes exactly
 *       what a lane would (same operations, {@link Math#fma} for fma). No masks: AMD's masked stores are
 *       microcoded, and masked accesses are the bulkiest Vector API code for the JIT.</li>
 *   <li>Loops call {@code fromMemorySegment}/{@code intoMemorySegment} directly, never through a helper of ours. A
 *       compilation that passes C2's inlining node budget (18,000 nodes; Vector API code gets there fast, above all
 *       when one JVM runs many kernel variants on heap and native segments) still inlines the Vector API's own
 *       {@code @ForceInline} methods but leaves our helper a call, and every vector crossing it is then boxed: an
 *       allocation per step.</li>
 *   <li>Each pass and each variant (scale or not, shift or not) is its own small method that takes and returns only
 *       scalars. Small, so that C1 can compile and profile it (C1 gives up on large Vector API methods, "out of
 *       virtual registers", and then C2 is slow to see them); scalar-only, so a call C2 leaves un-inlined costs a
 *       call per row and nothing per element. A pass that yields two sums returns a {@link FloatPair}.</li>
 * </ul>
 */
final class RowLoops {
    private RowLoops() {}

    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    static final int LANES = F.length();
    static final long VECTOR_BYTES = F.vectorByteSize();

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
            a0 = a0.add(fromMemorySegment(F, s, at, NATIVE));
            a1 = a1.add(fromMemorySegment(F, s, at + VECTOR_BYTES, NATIVE));
            a2 = a2.add(fromMemorySegment(F, s, at + 2 * VECTOR_BYTES, NATIVE));
            a3 = a3.add(fromMemorySegment(F, s, at + 3 * VECTOR_BYTES, NATIVE));
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            a0 = a0.add(fromMemorySegment(F, s, offset + j * Float.BYTES, NATIVE));
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; j < count; j++) {
            sum += s.get(JAVA_FLOAT, offset + j * Float.BYTES);
        }
        return sum;
    }

    /** Sum of squares of {@code count} floats from {@code offset}. */
    static float sumOfSquares(MemorySegment s, long offset, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            FloatVector x0 = fromMemorySegment(F, s, at, NATIVE);
            FloatVector x1 = fromMemorySegment(F, s, at + VECTOR_BYTES, NATIVE);
            FloatVector x2 = fromMemorySegment(F, s, at + 2 * VECTOR_BYTES, NATIVE);
            FloatVector x3 = fromMemorySegment(F, s, at + 3 * VECTOR_BYTES, NATIVE);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            a2 = x2.fma(x2, a2);
            a3 = x3.fma(x3, a3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = fromMemorySegment(F, s, offset + j * Float.BYTES, NATIVE);
            a0 = x.fma(x, a0);
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; j < count; j++) {
            float x = s.get(JAVA_FLOAT, offset + j * Float.BYTES);
            sum = Math.fma(x, x, sum);
        }
        return sum;
    }

    /**
     * {@code sum(d)} and {@code sum(d^2)} with {@code d = x - center}, as a {@link FloatPair}. Centring keeps the
     * squares exact where {@code sum(x^2)} would cancel against a large mean.
     */
    static long centeredMoments(MemorySegment s, long offset, long count, float center) {
        FloatVector c = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        FloatVector q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            FloatVector d0 = fromMemorySegment(F, s, at, NATIVE).sub(c);
            FloatVector d1 = fromMemorySegment(F, s, at + VECTOR_BYTES, NATIVE).sub(c);
            FloatVector d2 = fromMemorySegment(F, s, at + 2 * VECTOR_BYTES, NATIVE).sub(c);
            FloatVector d3 = fromMemorySegment(F, s, at + 3 * VECTOR_BYTES, NATIVE).sub(c);
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
            FloatVector d = fromMemorySegment(F, s, offset + j * Float.BYTES, NATIVE).sub(c);
            s0 = s0.add(d);
            q0 = d.fma(d, q0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        float squares = q0.add(q1).add(q2.add(q3)).reduceLanes(VectorOperators.ADD);
        for (; j < count; j++) {
            float d = s.get(JAVA_FLOAT, offset + j * Float.BYTES) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    /** Sum of {@code a[i] * b[i]} over {@code count} floats from {@code offset} in both. */
    static float dot(MemorySegment a, MemorySegment b, long offset, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = unrolledBound(count); j < end; j += 4L * LANES) {
            long at = offset + j * Float.BYTES;
            a0 = fromMemorySegment(F, a, at, NATIVE).fma(fromMemorySegment(F, b, at, NATIVE), a0);
            a1 = fromMemorySegment(F, a, at + VECTOR_BYTES, NATIVE)
                    .fma(fromMemorySegment(F, b, at + VECTOR_BYTES, NATIVE), a1);
            a2 = fromMemorySegment(F, a, at + 2 * VECTOR_BYTES, NATIVE)
                    .fma(fromMemorySegment(F, b, at + 2 * VECTOR_BYTES, NATIVE), a2);
            a3 = fromMemorySegment(F, a, at + 3 * VECTOR_BYTES, NATIVE)
                    .fma(fromMemorySegment(F, b, at + 3 * VECTOR_BYTES, NATIVE), a3);
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            long at = offset + j * Float.BYTES;
            a0 = fromMemorySegment(F, a, at, NATIVE).fma(fromMemorySegment(F, b, at, NATIVE), a0);
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; j < count; j++) {
            long at = offset + j * Float.BYTES;
            sum = Math.fma(a.get(JAVA_FLOAT, at), b.get(JAVA_FLOAT, at), sum);
        }
        return sum;
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
            FloatVector x0 = fromMemorySegment(F, s, at, NATIVE);
            FloatVector x1 = fromMemorySegment(F, s, at + VECTOR_BYTES, NATIVE);
            FloatVector x2 = fromMemorySegment(F, s, at + 2 * VECTOR_BYTES, NATIVE);
            FloatVector x3 = fromMemorySegment(F, s, at + 3 * VECTOR_BYTES, NATIVE);
            a0 = a0.blend(x0, x0.compare(VectorOperators.GT, a0));
            a1 = a1.blend(x1, x1.compare(VectorOperators.GT, a1));
            a2 = a2.blend(x2, x2.compare(VectorOperators.GT, a2));
            a3 = a3.blend(x3, x3.compare(VectorOperators.GT, a3));
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = fromMemorySegment(F, s, offset + j * Float.BYTES, NATIVE);
            a0 = a0.blend(x, x.compare(VectorOperators.GT, a0));
        }
        a0 = a0.blend(a1, a1.compare(VectorOperators.GT, a0));
        a2 = a2.blend(a3, a3.compare(VectorOperators.GT, a2));
        float max = a0.blend(a2, a2.compare(VectorOperators.GT, a0)).reduceLanes(VectorOperators.MAX);
        for (; j < count; j++) {
            float x = s.get(JAVA_FLOAT, offset + j * Float.BYTES);
            if (x > max) max = x;
        }
        return max;
    }

    /** Sets {@code count} floats from offset 0 to zero. */
    static void zero(MemorySegment s, long count) {
        FloatVector z = FloatVector.zero(F);
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            z.intoMemorySegment(s, j * Float.BYTES, NATIVE);
        }
        for (; j < count; j++) {
            s.set(JAVA_FLOAT, j * Float.BYTES, 0f);
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
            sum += s.get(JAVA_FLOAT, offset + j * Float.BYTES);
        }
        return sum / count;
    }

    /** Sum of (x - center)^2 in double: the rare-case fallback. */
    static double squaresInDouble(MemorySegment s, long offset, long count, double center) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            double d = s.get(JAVA_FLOAT, offset + j * Float.BYTES) - center;
            sum += d * d;
        }
        return sum;
    }
}
