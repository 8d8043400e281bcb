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
 * Softmax's and log-softmax's rows on native segments (see {@link VectorSoftmax} for the method). Template of the
 * generated {@code SoftmaxArrayLoops}; written to the rules in package-info.java. Each tensor comes with its base index in
 * floats.
 */
final class SoftmaxSegmentLoops {
    private SoftmaxSegmentLoops() {}

    static void forward(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, long outer, long length,
            long inner, boolean log) {
        if (inner == 1) {
            forwardRows(src, srcAt, dst, dstAt, outer, length, log);
            return;
        }
        for (long o = 0; o < outer; o++) {
            long block = o * length * inner;
            long i = 0;
            for (; i + LANES <= inner; i += LANES) {
                forwardAcross(src, srcAt + block + i, dst, dstAt + block + i, length, inner, log);
            }
            for (; i < inner; i++) {
                forwardColumn(src, srcAt + block + i, dst, dstAt + block + i, length, inner, log);
            }
        }
    }

    static void backward(MemorySegment dst, long dstAt, MemorySegment diffDst, long diffDstAt, MemorySegment diffSrc,
            long diffSrcAt, long outer, long length, long inner, boolean log) {
        for (long o = 0; o < outer; o++) {
            long block = o * length * inner;
            if (inner == 1) {
                if (log) {
                    logSoftmaxBackwardRow(dst, dstAt + block, diffDst, diffDstAt + block, diffSrc, diffSrcAt + block,
                            RowSegmentLoops.sum(diffDst, diffDstAt + block, length), length);
                } else {
                    softmaxBackwardRow(dst, dstAt + block, diffDst, diffDstAt + block, diffSrc, diffSrcAt + block,
                            RowSegmentLoops.dot(diffDst, diffDstAt + block, dst, dstAt + block, length), length);
                }
                continue;
            }
            long i = 0;
            for (; i + LANES <= inner; i += LANES) {
                backwardAcross(dst, dstAt + block + i, diffDst, diffDstAt + block + i, diffSrc,
                        diffSrcAt + block + i, length, inner, log);
            }
            for (; i < inner; i++) {
                backwardColumn(dst, dstAt + block + i, diffDst, diffDstAt + block + i, diffSrc,
                        diffSrcAt + block + i, length, inner, log);
            }
        }
    }

    /** Innermost axis: row r's max arrives from the pass that finished row r - 1. */
    private static void forwardRows(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, long outer,
            long length, boolean log) {
        float max = RowSegmentLoops.maxSkippingNaN(src, srcAt, length);
        for (long r = 0; r < outer; r++) {
            long row = srcAt + r * length;
            long out = dstAt + r * length;
            // The last row has no successor: it passes itself, and the max gathered is never used.
            long next = r + 1 < outer ? row + length : row;
            max = log
                    ? shiftRow(src, row, dst, out, max, (float) Math.log(sumExp(src, row, max, length)), next, length)
                    : scaleRow(src, dst, out, (float) (1.0 / expToDst(src, row, dst, out, max, length)), next,
                            length);
        }
    }

    // The exp passes take one vector a step: two inlined copies of VectorMath.expRepeatable in one loop pass C2's
    // node cutoff, and the copy it then leaves as a call boxes its vectors (CompiledPathTest).

    /** Writes {@code exp(x - max)} to dst and returns its sum. */
    private static float expToDst(MemorySegment src, long row, MemorySegment dst, long out, float max, long length) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector s = FloatVector.zero(F);
        long j = 0;
        for (long end = F.loopBound(length); j < end; j += LANES) {
            FloatVector e = VectorMath.expRepeatable(
                    fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m));
            e.intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            s = s.add(e);
        }
        float sum = s.lane(0);
        for (int l = 1; l < LANES; l++) sum += s.lane(l); // in lane order: see package-info
        for (; j < length; j++) {
            float e = (float) Math.exp(src.getAtIndex(JAVA_FLOAT, row + j) - max);
            dst.setAtIndex(JAVA_FLOAT, out + j, e);
            sum += e;
        }
        return sum;
    }

    /** Sum of {@code exp(x - max)} over the row, nothing written. */
    private static float sumExp(MemorySegment src, long row, float max, long length) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector s = FloatVector.zero(F);
        long j = 0;
        for (long end = F.loopBound(length); j < end; j += LANES) {
            s = s.add(VectorMath.expRepeatable(fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m)));
        }
        float sum = s.lane(0);
        for (int l = 1; l < LANES; l++) sum += s.lane(l); // in lane order: see package-info
        for (; j < length; j++) {
            sum += (float) Math.exp(src.getAtIndex(JAVA_FLOAT, row + j) - max);
        }
        return sum;
    }

    /*
     * The finishing passes also return the max of the src row at index next (NaN skipped, as in
     * RowSegmentLoops.maxSkippingNaN), two vectors a step.
     */

    /** Softmax: {@code dst *= factor}. */
    private static float scaleRow(MemorySegment src, MemorySegment dst, long out, float factor, long next,
            long length) {
        FloatVector f = FloatVector.broadcast(F, factor);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        long j = 0;
        for (long end = length - length % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, dst, Float.BYTES * (out + j), BYTE_ORDER).mul(f)
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, dst, Float.BYTES * (out + j1), BYTE_ORDER).mul(f)
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector x0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER);
            FloatVector x1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        float max = m0.blend(m1, m1.compare(VectorOperators.GT, m0)).reduceLanes(VectorOperators.MAX);
        for (; j < length; j++) {
            dst.setAtIndex(JAVA_FLOAT, out + j, dst.getAtIndex(JAVA_FLOAT, out + j) * factor);
            float x = src.getAtIndex(JAVA_FLOAT, next + j);
            if (x > max) max = x;
        }
        return max;
    }

    /** Log-softmax: {@code dst = (x - max) - logSum}; two roundings, exact for x near max however large both are. */
    private static float shiftRow(MemorySegment src, long row, MemorySegment dst, long out, float max, float logSum,
            long next, long length) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector ls = FloatVector.broadcast(F, logSum);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        long j = 0;
        for (long end = length - length % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m).sub(ls)
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).sub(m).sub(ls)
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector x0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER);
            FloatVector x1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        float nextMax = m0.blend(m1, m1.compare(VectorOperators.GT, m0)).reduceLanes(VectorOperators.MAX);
        for (; j < length; j++) {
            dst.setAtIndex(JAVA_FLOAT, out + j, src.getAtIndex(JAVA_FLOAT, row + j) - max - logSum);
            float x = src.getAtIndex(JAVA_FLOAT, next + j);
            if (x > nextMax) nextMax = x;
        }
        return nextMax;
    }

    /** {@code dx = dy - exp(y) * sum(dy)}. */
    private static void logSoftmaxBackwardRow(MemorySegment dst, long y, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float sumDy, long length) {
        FloatVector s = FloatVector.broadcast(F, -sumDy);
        long j = 0;
        for (long end = F.loopBound(length); j < end; j += LANES) {
            VectorMath.expRepeatable(fromMemorySegment(F, dst, Float.BYTES * (y + j), BYTE_ORDER))
                    .fma(s, fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER))
                    .intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < length; j++) {
            float e = (float) Math.exp(dst.getAtIndex(JAVA_FLOAT, y + j));
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, Math.fma(e, -sumDy, diffDst.getAtIndex(JAVA_FLOAT, dy + j)));
        }
    }

    /** {@code dx = y * (dy - sum(dy * y))}. */
    private static void softmaxBackwardRow(MemorySegment dst, long y, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float sumDyY, long length) {
        FloatVector s = FloatVector.broadcast(F, sumDyY);
        long j = 0;
        for (long end = F.loopBound(length); j < end; j += LANES) {
            fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER).sub(s)
                    .mul(fromMemorySegment(F, dst, Float.BYTES * (y + j), BYTE_ORDER))
                    .intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < length; j++) {
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j,
                    (diffDst.getAtIndex(JAVA_FLOAT, dy + j) - sumDyY) * dst.getAtIndex(JAVA_FLOAT, y + j));
        }
    }

    /*
     * Inner axes: LANES adjacent rows are processed together, element k of all of them being one vector at
     * first + k * inner, so every access is a whole contiguous vector.
     */

    /** ln of each lane by Math.log, which every JIT tier computes alike (the Vector API's LOG is SVML in C2 only). */
    private static FloatVector logPerLane(FloatVector v) {
        float[] lanes = v.toArray();
        for (int l = 0; l < lanes.length; l++) lanes[l] = (float) Math.log(lanes[l]);
        return FloatVector.fromArray(F, lanes, 0);
    }

    private static void forwardAcross(MemorySegment src, long x, MemorySegment dst, long y, long length, long inner,
            boolean log) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (long k = 0; k < length; k++) {
            FloatVector v = fromMemorySegment(F, src, Float.BYTES * (x + k * inner), BYTE_ORDER);
            max = max.blend(v, v.compare(VectorOperators.GT, max));
        }
        FloatVector sum = FloatVector.zero(F);
        for (long k = 0; k < length; k++) {
            FloatVector e = VectorMath.expRepeatable(
                    fromMemorySegment(F, src, Float.BYTES * (x + k * inner), BYTE_ORDER).sub(max));
            if (!log) e.intoMemorySegment(dst, Float.BYTES * (y + k * inner), BYTE_ORDER);
            sum = sum.add(e);
        }
        if (log) {
            FloatVector logSum = logPerLane(sum);
            for (long k = 0; k < length; k++) {
                fromMemorySegment(F, src, Float.BYTES * (x + k * inner), BYTE_ORDER).sub(max).sub(logSum)
                        .intoMemorySegment(dst, Float.BYTES * (y + k * inner), BYTE_ORDER);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(F, 1f).div(sum);
            for (long k = 0; k < length; k++) {
                fromMemorySegment(F, dst, Float.BYTES * (y + k * inner), BYTE_ORDER).mul(inv)
                        .intoMemorySegment(dst, Float.BYTES * (y + k * inner), BYTE_ORDER);
            }
        }
    }

    /**
     * One row of an inner axis in plain double arithmetic, for the inner positions left over after whole vector
     * blocks. Masked strided vectors were tried here and lost: AMD's masked stores are microcoded, and a masked
     * vector returned from (or carried across) a method C2 cannot inline is boxed on every loop step.
     */
    private static void forwardColumn(MemorySegment src, long x, MemorySegment dst, long y, long length, long inner,
            boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        for (long k = 0; k < length; k++) {
            float v = src.getAtIndex(JAVA_FLOAT, x + k * inner);
            if (v > max) max = v; // skips NaN; the sum below still turns the row NaN
        }
        double sum = 0;
        for (long k = 0; k < length; k++) {
            sum += Math.exp((double) src.getAtIndex(JAVA_FLOAT, x + k * inner) - max);
        }
        double logSum = Math.log(sum);
        for (long k = 0; k < length; k++) {
            double shifted = (double) src.getAtIndex(JAVA_FLOAT, x + k * inner) - max;
            dst.setAtIndex(JAVA_FLOAT, y + k * inner, (float) (log ? shifted - logSum : Math.exp(shifted) / sum));
        }
    }

    private static void backwardAcross(MemorySegment dst, long y, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, long length, long inner, boolean log) {
        FloatVector s = FloatVector.zero(F);
        if (log) {
            // dx = dy - exp(y) * sum(dy)
            for (long k = 0; k < length; k++) {
                s = s.add(fromMemorySegment(F, diffDst, Float.BYTES * (dy + k * inner), BYTE_ORDER));
            }
            FloatVector negS = s.neg();
            for (long k = 0; k < length; k++) {
                VectorMath.expRepeatable(fromMemorySegment(F, dst, Float.BYTES * (y + k * inner), BYTE_ORDER))
                        .fma(negS, fromMemorySegment(F, diffDst, Float.BYTES * (dy + k * inner), BYTE_ORDER))
                        .intoMemorySegment(diffSrc, Float.BYTES * (dx + k * inner), BYTE_ORDER);
            }
        } else {
            // dx = y * (dy - sum(dy * y))
            for (long k = 0; k < length; k++) {
                s = fromMemorySegment(F, diffDst, Float.BYTES * (dy + k * inner), BYTE_ORDER)
                        .fma(fromMemorySegment(F, dst, Float.BYTES * (y + k * inner), BYTE_ORDER), s);
            }
            for (long k = 0; k < length; k++) {
                fromMemorySegment(F, diffDst, Float.BYTES * (dy + k * inner), BYTE_ORDER).sub(s)
                        .mul(fromMemorySegment(F, dst, Float.BYTES * (y + k * inner), BYTE_ORDER))
                        .intoMemorySegment(diffSrc, Float.BYTES * (dx + k * inner), BYTE_ORDER);
            }
        }
    }

    /** Backward of {@link #forwardColumn}'s row, in double. */
    private static void backwardColumn(MemorySegment dst, long y, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, long length, long inner, boolean log) {
        double sum = 0;
        for (long k = 0; k < length; k++) {
            double g = diffDst.getAtIndex(JAVA_FLOAT, dy + k * inner);
            sum += log ? g : g * dst.getAtIndex(JAVA_FLOAT, y + k * inner);
        }
        for (long k = 0; k < length; k++) {
            double yk = dst.getAtIndex(JAVA_FLOAT, y + k * inner);
            double g = diffDst.getAtIndex(JAVA_FLOAT, dy + k * inner);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + k * inner, (float) (log ? g - Math.exp(yk) * sum : yk * (g - sum)));
        }
    }
}
