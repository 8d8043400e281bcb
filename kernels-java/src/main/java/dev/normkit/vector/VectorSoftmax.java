package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static dev.normkit.vector.RowLoops.NATIVE;
import static dev.normkit.vector.RowLoops.VECTOR_BYTES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;
import static jdk.incubator.vector.VectorOperators.EXP;

import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax and log-softmax on the Vector API, along any axis ({@code outer x length x inner}, element {@code k} of a
 * row {@code inner} floats after element {@code k - 1}).
 *
 * <p>Innermost axis ({@code inner == 1}), two passes per row: {@code e = exp(x - max)} summed (softmax writes e to
 * dst); then softmax scales dst by {@code 1/sum} and log-softmax writes {@code (x - max) - log(sum)}, while the max of
 * the next row accumulates, so each row is read from memory once. Backward: one reduction pass
 * ({@code sum(dy * y)}, or {@code sum(dy)}), one writing pass.
 *
 * <p>Other axes: the same passes run down a block of {@code LANES} adjacent rows at once, one vector per axis
 * element, so loads stay contiguous across the inner dimension; the {@code inner % LANES} rows left over run in
 * double, one at a time.
 *
 * <p>The max skips NaN, but a NaN still reaches the sum, so the whole row becomes NaN; +inf in a row gives
 * {@code inf - inf = NaN}, as PyTorch does.
 *
 * <p>exp is {@code lanewise(EXP)}, named as a constant at each call site: HotSpot's SVML stubs on x86, within 1 ulp,
 * subnormal results included. A hand-written polynomial exp (range reduction, Cephes polynomial, 2^n through the
 * exponent bits) was tried: within 1 ulp it was no faster; a flush-to-zero variant, two vectors interleaved, was
 * 0-20% faster in noisy runs. It was not kept: each inlined copy costs C2 about 13,600 parse nodes of the 18,000
 * after which it stops inlining our methods (and a vector crossing a call it leaves is boxed every step).
 */
final class VectorSoftmax implements SoftmaxKernel {

    private final SoftmaxDesc desc;
    private final long outer;
    private final long length;
    private final long inner;
    private final boolean log;

    VectorSoftmax(SoftmaxDesc desc) {
        this.desc = desc;
        this.outer = desc.outer();
        this.length = desc.axisLength();
        this.inner = desc.inner();
        this.log = desc.log();
    }

    @Override
    public SoftmaxDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.softmaxForward(desc, src, dst);
        if (inner == 1) {
            forwardRows(src, dst);
            return;
        }
        long blockBytes = length * inner * Float.BYTES;
        for (long o = 0; o < outer; o++) {
            long base = o * blockBytes;
            long i = 0;
            for (; i + LANES <= inner; i += LANES) {
                forwardAcross(src, dst, base + i * Float.BYTES);
            }
            for (; i < inner; i++) {
                forwardColumn(src, dst, base + i * Float.BYTES);
            }
        }
    }

    @Override
    public void backward(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.softmaxBackward(desc, dst, diffDst, diffSrc);
        long blockBytes = length * inner * Float.BYTES;
        for (long o = 0; o < outer; o++) {
            long base = o * blockBytes;
            if (inner == 1) {
                backwardRow(dst, diffDst, diffSrc, base);
                continue;
            }
            long i = 0;
            for (; i + LANES <= inner; i += LANES) {
                backwardAcross(dst, diffDst, diffSrc, base + i * Float.BYTES);
            }
            for (; i < inner; i++) {
                backwardColumn(dst, diffDst, diffSrc, base + i * Float.BYTES);
            }
        }
    }

    /** Innermost axis: row r's max arrives from the pass that finished row r - 1. */
    private void forwardRows(MemorySegment src, MemorySegment dst) {
        long rowBytes = length * Float.BYTES;
        float max = RowLoops.maxSkippingNaN(src, 0, length);
        for (long r = 0; r < outer; r++) {
            long row = r * rowBytes;
            // The last row has no successor: it passes itself, and the max gathered is never used.
            long next = r + 1 < outer ? row + rowBytes : row;
            max = log
                    ? shiftRow(src, dst, row, max, (float) Math.log(sumExp(src, row, max)), next)
                    : scaleRow(src, dst, row, (float) (1.0 / expToDst(src, dst, row, max)), next);
        }
    }

    // The exp passes take two vectors a step: two independent exps (SVML calls) overlap better than one.

    /** Writes {@code exp(x - max)} to dst and returns its sum. */
    private float expToDst(MemorySegment src, MemorySegment dst, long row, float max) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        long j = 0;
        for (long end = length - length % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            FloatVector e0 = fromMemorySegment(F, src, at, NATIVE).sub(m).lanewise(EXP);
            FloatVector e1 = fromMemorySegment(F, src, at + VECTOR_BYTES, NATIVE).sub(m).lanewise(EXP);
            e0.intoMemorySegment(dst, at, NATIVE);
            e1.intoMemorySegment(dst, at + VECTOR_BYTES, NATIVE);
            s0 = s0.add(e0);
            s1 = s1.add(e1);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; j < length; j++) {
            long at = row + j * Float.BYTES;
            float e = (float) Math.exp(src.get(JAVA_FLOAT, at) - max);
            dst.set(JAVA_FLOAT, at, e);
            sum += e;
        }
        return sum;
    }

    /** Sum of {@code exp(x - max)} over the row, nothing written. */
    private float sumExp(MemorySegment src, long row, float max) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        long j = 0;
        for (long end = length - length % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            s0 = s0.add(fromMemorySegment(F, src, at, NATIVE).sub(m).lanewise(EXP));
            s1 = s1.add(fromMemorySegment(F, src, at + VECTOR_BYTES, NATIVE).sub(m).lanewise(EXP));
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; j < length; j++) {
            sum += (float) Math.exp(src.get(JAVA_FLOAT, row + j * Float.BYTES) - max);
        }
        return sum;
    }

    /*
     * The finishing passes also return the max of the row at byte offset next (NaN skipped, as in
     * RowLoops.maxSkippingNaN), two vectors a step.
     */

    /** Softmax: {@code dst *= factor}. */
    private float scaleRow(MemorySegment src, MemorySegment dst, long row, float factor, long next) {
        FloatVector f = FloatVector.broadcast(F, factor);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        long j = 0;
        for (long end = length - length % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            long nx = next + j * Float.BYTES;
            fromMemorySegment(F, dst, at, NATIVE).mul(f).intoMemorySegment(dst, at, NATIVE);
            fromMemorySegment(F, dst, at + VECTOR_BYTES, NATIVE).mul(f)
                    .intoMemorySegment(dst, at + VECTOR_BYTES, NATIVE);
            FloatVector x0 = fromMemorySegment(F, src, nx, NATIVE);
            FloatVector x1 = fromMemorySegment(F, src, nx + VECTOR_BYTES, NATIVE);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        float max = m0.blend(m1, m1.compare(VectorOperators.GT, m0)).reduceLanes(VectorOperators.MAX);
        for (; j < length; j++) {
            long at = row + j * Float.BYTES;
            dst.set(JAVA_FLOAT, at, dst.get(JAVA_FLOAT, at) * factor);
            float x = src.get(JAVA_FLOAT, next + j * Float.BYTES);
            if (x > max) max = x;
        }
        return max;
    }

    /** Log-softmax: {@code dst = (x - max) - logSum}; two roundings, exact for x near max however large both are. */
    private float shiftRow(MemorySegment src, MemorySegment dst, long row, float max, float logSum, long next) {
        FloatVector m = FloatVector.broadcast(F, max);
        FloatVector ls = FloatVector.broadcast(F, logSum);
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        long j = 0;
        for (long end = length - length % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            long nx = next + j * Float.BYTES;
            fromMemorySegment(F, src, at, NATIVE).sub(m).sub(ls).intoMemorySegment(dst, at, NATIVE);
            fromMemorySegment(F, src, at + VECTOR_BYTES, NATIVE).sub(m).sub(ls)
                    .intoMemorySegment(dst, at + VECTOR_BYTES, NATIVE);
            FloatVector x0 = fromMemorySegment(F, src, nx, NATIVE);
            FloatVector x1 = fromMemorySegment(F, src, nx + VECTOR_BYTES, NATIVE);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        float nextMax = m0.blend(m1, m1.compare(VectorOperators.GT, m0)).reduceLanes(VectorOperators.MAX);
        for (; j < length; j++) {
            long at = row + j * Float.BYTES;
            dst.set(JAVA_FLOAT, at, src.get(JAVA_FLOAT, at) - max - logSum);
            float x = src.get(JAVA_FLOAT, next + j * Float.BYTES);
            if (x > nextMax) nextMax = x;
        }
        return nextMax;
    }

    private void backwardRow(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long row) {
        if (log) {
            logSoftmaxBackwardRow(dst, diffDst, diffSrc, row, RowLoops.sum(diffDst, row, length));
        } else {
            softmaxBackwardRow(dst, diffDst, diffSrc, row, RowLoops.dot(diffDst, dst, row, length));
        }
    }

    /** {@code dx = dy - exp(y) * sum(dy)}. */
    private void logSoftmaxBackwardRow(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long row,
            float sumDy) {
        FloatVector s = FloatVector.broadcast(F, -sumDy);
        long j = 0;
        for (long end = F.loopBound(length); j < end; j += LANES) {
            long at = row + j * Float.BYTES;
            fromMemorySegment(F, dst, at, NATIVE).lanewise(EXP).fma(s, fromMemorySegment(F, diffDst, at, NATIVE))
                    .intoMemorySegment(diffSrc, at, NATIVE);
        }
        for (; j < length; j++) {
            long at = row + j * Float.BYTES;
            float e = (float) Math.exp(dst.get(JAVA_FLOAT, at));
            diffSrc.set(JAVA_FLOAT, at, Math.fma(e, -sumDy, diffDst.get(JAVA_FLOAT, at)));
        }
    }

    /** {@code dx = y * (dy - sum(dy * y))}. */
    private void softmaxBackwardRow(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long row,
            float sumDyY) {
        FloatVector s = FloatVector.broadcast(F, sumDyY);
        long j = 0;
        for (long end = F.loopBound(length); j < end; j += LANES) {
            long at = row + j * Float.BYTES;
            fromMemorySegment(F, diffDst, at, NATIVE).sub(s).mul(fromMemorySegment(F, dst, at, NATIVE))
                    .intoMemorySegment(diffSrc, at, NATIVE);
        }
        for (; j < length; j++) {
            long at = row + j * Float.BYTES;
            diffSrc.set(JAVA_FLOAT, at, (diffDst.get(JAVA_FLOAT, at) - sumDyY) * dst.get(JAVA_FLOAT, at));
        }
    }

    /*
     * Inner axes: LANES adjacent rows are processed together, element k of all of them being one vector at
     * first + k * stride, so every access is a whole contiguous vector.
     */

    private void forwardAcross(MemorySegment src, MemorySegment dst, long first) {
        long stride = inner * Float.BYTES;
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (long k = 0; k < length; k++) {
            FloatVector x = fromMemorySegment(F, src, first + k * stride, NATIVE);
            max = max.blend(x, x.compare(VectorOperators.GT, max));
        }
        FloatVector sum = FloatVector.zero(F);
        for (long k = 0; k < length; k++) {
            long at = first + k * stride;
            FloatVector e = fromMemorySegment(F, src, at, NATIVE).sub(max).lanewise(EXP);
            if (!log) e.intoMemorySegment(dst, at, NATIVE);
            sum = sum.add(e);
        }
        if (log) {
            FloatVector logSum = sum.lanewise(VectorOperators.LOG);
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                fromMemorySegment(F, src, at, NATIVE).sub(max).sub(logSum).intoMemorySegment(dst, at, NATIVE);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(F, 1f).div(sum);
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                fromMemorySegment(F, dst, at, NATIVE).mul(inv).intoMemorySegment(dst, at, NATIVE);
            }
        }
    }

    /**
     * One row of an inner axis in plain double arithmetic, for the inner positions left over after whole vector
     * blocks. Masked strided vectors were tried here and lost: AMD's masked stores are microcoded, and a masked
     * vector returned from (or carried across) a method C2 cannot inline is boxed on every loop step.
     */
    private void forwardColumn(MemorySegment src, MemorySegment dst, long first) {
        long stride = inner * Float.BYTES;
        float max = Float.NEGATIVE_INFINITY;
        for (long k = 0, at = first; k < length; k++, at += stride) {
            float x = src.get(JAVA_FLOAT, at);
            if (x > max) max = x; // skips NaN; the sum below still turns the row NaN
        }
        double sum = 0;
        for (long k = 0, at = first; k < length; k++, at += stride) {
            sum += Math.exp((double) src.get(JAVA_FLOAT, at) - max);
        }
        double logSum = Math.log(sum);
        for (long k = 0, at = first; k < length; k++, at += stride) {
            double shifted = (double) src.get(JAVA_FLOAT, at) - max;
            dst.set(JAVA_FLOAT, at, (float) (log ? shifted - logSum : Math.exp(shifted) / sum));
        }
    }

    private void backwardAcross(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long first) {
        long stride = inner * Float.BYTES;
        FloatVector s = FloatVector.zero(F);
        if (log) {
            // dx = dy - exp(y) * sum(dy)
            for (long k = 0; k < length; k++) {
                s = s.add(fromMemorySegment(F, diffDst, first + k * stride, NATIVE));
            }
            FloatVector negS = s.neg();
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                fromMemorySegment(F, dst, at, NATIVE).lanewise(EXP)
                        .fma(negS, fromMemorySegment(F, diffDst, at, NATIVE)).intoMemorySegment(diffSrc, at, NATIVE);
            }
        } else {
            // dx = y * (dy - sum(dy * y))
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                s = fromMemorySegment(F, diffDst, at, NATIVE).fma(fromMemorySegment(F, dst, at, NATIVE), s);
            }
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                fromMemorySegment(F, diffDst, at, NATIVE).sub(s).mul(fromMemorySegment(F, dst, at, NATIVE))
                        .intoMemorySegment(diffSrc, at, NATIVE);
            }
        }
    }

    /** Backward of {@link #forwardColumn}'s row, in double. */
    private void backwardColumn(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long first) {
        long stride = inner * Float.BYTES;
        double sum = 0;
        for (long k = 0, at = first; k < length; k++, at += stride) {
            double dy = diffDst.get(JAVA_FLOAT, at);
            sum += log ? dy : dy * dst.get(JAVA_FLOAT, at);
        }
        for (long k = 0, at = first; k < length; k++, at += stride) {
            double y = dst.get(JAVA_FLOAT, at);
            double dy = diffDst.get(JAVA_FLOAT, at);
            diffSrc.set(JAVA_FLOAT, at, (float) (log ? dy - Math.exp(y) * sum : y * (dy - sum)));
        }
    }
}
