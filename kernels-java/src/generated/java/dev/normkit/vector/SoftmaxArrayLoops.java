// GENERATED from SoftmaxSegmentLoops.java by kernels-java/src/build/java/GenerateArrayLoops.java.
// Do not edit: edit the template and rerun the generator.
package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The {@code float[]} variant of {@link SoftmaxSegmentLoops}, generated from it (see package-info.java). */
final class SoftmaxArrayLoops {
    private SoftmaxArrayLoops() {}

    static void forward(float[] src, int srcAt, float[] dst, int dstAt, int outer, int length,
            int inner, boolean log) {
        if (inner == 1) {
            forwardRows(src, srcAt, dst, dstAt, outer, length, log);
            return;
        }
        for (int o = 0; o < outer; o++) {
            int block = o * length * inner;
            int i = 0;
            for (; i + LANES <= inner; i += LANES) {
                forwardAcross(src, srcAt + block + i, dst, dstAt + block + i, length, inner, log);
            }
            for (; i < inner; i++) {
                forwardColumn(src, srcAt + block + i, dst, dstAt + block + i, length, inner, log);
            }
        }
    }

    static void backward(float[] dst, int dstAt, float[] diffDst, int diffDstAt, float[] diffSrc,
            int diffSrcAt, int outer, int length, int inner, boolean log) {
        for (int o = 0; o < outer; o++) {
            int block = o * length * inner;
            if (inner == 1) {
                if (log) {
                    logSoftmaxBackwardRow(dst, dstAt + block, diffDst, diffDstAt + block, diffSrc, diffSrcAt + block,
                            RowArrayLoops.sum(diffDst, diffDstAt + block, length), length);
                } else {
                    softmaxBackwardRow(dst, dstAt + block, diffDst, diffDstAt + block, diffSrc, diffSrcAt + block,
                            RowArrayLoops.dot(diffDst, diffDstAt + block, dst, dstAt + block, length), length);
                }
                continue;
            }
            int i = 0;
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
    private static void forwardRows(float[] src, int srcAt, float[] dst, int dstAt, int outer,
            int length, boolean log) {
        float max = RowArrayLoops.maxSkippingNaN(src, srcAt, length);
        for (int r = 0; r < outer; r++) {
            int row = srcAt + r * length;
            int out = dstAt + r * length;
            // The last row has no successor: it passes itself, and the max gathered is never used.
            int next = r + 1 < outer ? row + length : row;
            max = log
                    ? shiftRow(src, row, dst, out, max, (float) Math.log(sumExp(src, row, max, length)), next, length)
                    : scaleRow(src, dst, out, (float) (1.0 / expToDst(src, row, dst, out, max, length)), next,
                            length);
        }
    }

    // The exp passes take one vector a step: two inlined copies of VectorMath.expRepeatable in one loop pass C2's
    // node cutoff, and the copy it then leaves as a call boxes its vectors (CompiledPathTest).

    /** Writes {@code exp(x - max)} to dst and returns its sum. */
    private static float expToDst(float[] src, int row, float[] dst, int out, float max, int length) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector s = FloatVector.zero(F);
        int j = 0;
        for (int end = F.loopBound(length); j < end; j += LANES) {
            FloatVector e = VectorMath.expRepeatable(
                    fromArray(F, src, row + j).sub(m));
            e.intoArray(dst, out + j);
            s = s.add(e);
        }
        float sum = s.lane(0);
        for (int l = 1; l < LANES; l++) sum += s.lane(l); // in lane order: see package-info
        for (; j < length; j++) {
            float e = (float) Math.exp(src[row + j] - max);
            dst[out + j] = e;
            sum += e;
        }
        return sum;
    }

    /** Sum of {@code exp(x - max)} over the row, nothing written. */
    private static float sumExp(float[] src, int row, float max, int length) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector s = FloatVector.zero(F);
        int j = 0;
        for (int end = F.loopBound(length); j < end; j += LANES) {
            s = s.add(VectorMath.expRepeatable(fromArray(F, src, row + j).sub(m)));
        }
        float sum = s.lane(0);
        for (int l = 1; l < LANES; l++) sum += s.lane(l); // in lane order: see package-info
        for (; j < length; j++) {
            sum += (float) Math.exp(src[row + j] - max);
        }
        return sum;
    }

    /*
     * The finishing passes also return the max of the src row at index next (NaN skipped, as in
     * RowArrayLoops.maxSkippingNaN), two vectors a step.
     */

    /** Softmax: {@code dst *= factor}. */
    private static float scaleRow(float[] src, float[] dst, int out, float factor, int next,
            int length) {
        FloatVector f = FloatVector.broadcast(F, factor);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        int j = 0;
        for (int end = length - length % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, dst, out + j).mul(f)
                    .intoArray(dst, out + j);
            fromArray(F, dst, out + j1).mul(f)
                    .intoArray(dst, out + j1);
            FloatVector x0 = fromArray(F, src, next + j);
            FloatVector x1 = fromArray(F, src, next + j1);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        float max = m0.blend(m1, m1.compare(VectorOperators.GT, m0)).reduceLanes(VectorOperators.MAX);
        for (; j < length; j++) {
            dst[out + j] = dst[out + j] * factor;
            float x = src[next + j];
            if (x > max) max = x;
        }
        return max;
    }

    /** Log-softmax: {@code dst = (x - max) - logSum}; two roundings, exact for x near max however large both are. */
    private static float shiftRow(float[] src, int row, float[] dst, int out, float max, float logSum,
            int next, int length) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector ls = FloatVector.broadcast(F, logSum);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        int j = 0;
        for (int end = length - length % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).sub(m).sub(ls)
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).sub(m).sub(ls)
                    .intoArray(dst, out + j1);
            FloatVector x0 = fromArray(F, src, next + j);
            FloatVector x1 = fromArray(F, src, next + j1);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        float nextMax = m0.blend(m1, m1.compare(VectorOperators.GT, m0)).reduceLanes(VectorOperators.MAX);
        for (; j < length; j++) {
            dst[out + j] = src[row + j] - max - logSum;
            float x = src[next + j];
            if (x > nextMax) nextMax = x;
        }
        return nextMax;
    }

    /** {@code dx = dy - exp(y) * sum(dy)}. */
    private static void logSoftmaxBackwardRow(float[] dst, int y, float[] diffDst, int dy,
            float[] diffSrc, int dx, float sumDy, int length) {
        FloatVector s = FloatVector.broadcast(F, -sumDy);
        int j = 0;
        for (int end = F.loopBound(length); j < end; j += LANES) {
            VectorMath.expRepeatable(fromArray(F, dst, y + j))
                    .fma(s, fromArray(F, diffDst, dy + j))
                    .intoArray(diffSrc, dx + j);
        }
        for (; j < length; j++) {
            float e = (float) Math.exp(dst[y + j]);
            diffSrc[dx + j] = Math.fma(e, -sumDy, diffDst[dy + j]);
        }
    }

    /** {@code dx = y * (dy - sum(dy * y))}. */
    private static void softmaxBackwardRow(float[] dst, int y, float[] diffDst, int dy,
            float[] diffSrc, int dx, float sumDyY, int length) {
        FloatVector s = FloatVector.broadcast(F, sumDyY);
        int j = 0;
        for (int end = F.loopBound(length); j < end; j += LANES) {
            fromArray(F, diffDst, dy + j).sub(s)
                    .mul(fromArray(F, dst, y + j))
                    .intoArray(diffSrc, dx + j);
        }
        for (; j < length; j++) {
            diffSrc[dx + j] = (diffDst[dy + j] - sumDyY) * dst[y + j];
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

    private static void forwardAcross(float[] src, int x, float[] dst, int y, int length, int inner,
            boolean log) {
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int k = 0; k < length; k++) {
            FloatVector v = fromArray(F, src, x + k * inner);
            max = max.blend(v, v.compare(VectorOperators.GT, max));
        }
        FloatVector sum = FloatVector.zero(F);
        for (int k = 0; k < length; k++) {
            FloatVector e = VectorMath.expRepeatable(
                    fromArray(F, src, x + k * inner).sub(max));
            if (!log) e.intoArray(dst, y + k * inner);
            sum = sum.add(e);
        }
        if (log) {
            FloatVector logSum = logPerLane(sum);
            for (int k = 0; k < length; k++) {
                fromArray(F, src, x + k * inner).sub(max).sub(logSum)
                        .intoArray(dst, y + k * inner);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(F, 1f).div(sum);
            for (int k = 0; k < length; k++) {
                fromArray(F, dst, y + k * inner).mul(inv)
                        .intoArray(dst, y + k * inner);
            }
        }
    }

    /**
     * One row of an inner axis in plain double arithmetic, for the inner positions left over after whole vector
     * blocks. Masked strided vectors were tried here and lost: AMD's masked stores are microcoded, and a masked
     * vector returned from (or carried across) a method C2 cannot inline is boxed on every loop step.
     */
    private static void forwardColumn(float[] src, int x, float[] dst, int y, int length, int inner,
            boolean log) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < length; k++) {
            float v = src[x + k * inner];
            if (v > max) max = v; // skips NaN; the sum below still turns the row NaN
        }
        double sum = 0;
        for (int k = 0; k < length; k++) {
            sum += Math.exp((double) src[x + k * inner] - max);
        }
        double logSum = Math.log(sum);
        for (int k = 0; k < length; k++) {
            double shifted = (double) src[x + k * inner] - max;
            dst[y + k * inner] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
        }
    }

    private static void backwardAcross(float[] dst, int y, float[] diffDst, int dy,
            float[] diffSrc, int dx, int length, int inner, boolean log) {
        FloatVector s = FloatVector.zero(F);
        if (log) {
            // dx = dy - exp(y) * sum(dy)
            for (int k = 0; k < length; k++) {
                s = s.add(fromArray(F, diffDst, dy + k * inner));
            }
            FloatVector negS = s.neg();
            for (int k = 0; k < length; k++) {
                VectorMath.expRepeatable(fromArray(F, dst, y + k * inner))
                        .fma(negS, fromArray(F, diffDst, dy + k * inner))
                        .intoArray(diffSrc, dx + k * inner);
            }
        } else {
            // dx = y * (dy - sum(dy * y))
            for (int k = 0; k < length; k++) {
                s = fromArray(F, diffDst, dy + k * inner)
                        .fma(fromArray(F, dst, y + k * inner), s);
            }
            for (int k = 0; k < length; k++) {
                fromArray(F, diffDst, dy + k * inner).sub(s)
                        .mul(fromArray(F, dst, y + k * inner))
                        .intoArray(diffSrc, dx + k * inner);
            }
        }
    }

    /** Backward of {@link #forwardColumn}'s row, in double. */
    private static void backwardColumn(float[] dst, int y, float[] diffDst, int dy,
            float[] diffSrc, int dx, int length, int inner, boolean log) {
        double sum = 0;
        for (int k = 0; k < length; k++) {
            double g = diffDst[dy + k * inner];
            sum += log ? g : g * dst[y + k * inner];
        }
        for (int k = 0; k < length; k++) {
            double yk = dst[y + k * inner];
            double g = diffDst[dy + k * inner];
            diffSrc[dx + k * inner] = (float) (log ? g - Math.exp(yk) * sum : yk * (g - sum));
        }
    }
}
