package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static dev.normkit.vector.RowLoops.VECTOR_BYTES;
import static dev.normkit.vector.RowLoops.load;
import static dev.normkit.vector.RowLoops.store;
import static dev.normkit.vector.RowLoops.tail;
import static dev.normkit.vector.VectorExp.exp;

import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Softmax and log-softmax on the Vector API, along any axis ({@code outer x length x inner}, element {@code k} of a
 * row {@code inner} floats after element {@code k - 1}). Exponentials are {@link VectorExp}.
 *
 * <p>Innermost axis ({@code inner == 1}), each row read three times (from memory once, then from cache): max;
 * {@code e = exp(x - max)} summed (softmax writes e to dst); then softmax scales dst by {@code 1/sum} and log-softmax
 * writes {@code (x - max) - log(sum)}. Backward: one reduction pass ({@code sum(dy * y)}, or {@code sum(dy)}), one
 * writing pass.
 *
 * <p>Other axes: the same passes run down a block of {@code LANES} adjacent rows at once, one vector per axis
 * element, so loads stay contiguous across the inner dimension; the last block is masked.
 *
 * <p>The max skips NaN, but a NaN still reaches the sum, so the whole row becomes NaN; +inf in a row gives
 * {@code inf - inf = NaN}, as PyTorch does.
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
        long blockBytes = length * inner * Float.BYTES;
        for (long o = 0; o < outer; o++) {
            long base = o * blockBytes;
            if (inner == 1) {
                forwardRow(src, dst, base);
            } else {
                for (long i = 0; i < inner; i += LANES) {
                    forwardAcross(src, dst, base + i * Float.BYTES, tail(i, inner));
                }
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
            } else {
                for (long i = 0; i < inner; i += LANES) {
                    backwardAcross(dst, diffDst, diffSrc, base + i * Float.BYTES, tail(i, inner));
                }
            }
        }
    }

    private void forwardRow(MemorySegment src, MemorySegment dst, long row) {
        float max = RowLoops.maxSkippingNaN(src, row, length);
        FloatVector m = FloatVector.broadcast(F, max);
        if (log) {
            float logSum = (float) Math.log(sumExp(src, row, m));
            FloatVector ls = FloatVector.broadcast(F, logSum);
            long j = 0;
            for (long end = F.loopBound(length); j < end; j += LANES) {
                long at = row + j * Float.BYTES;
                store(load(src, at).sub(m).sub(ls), dst, at);
            }
            if (j < length) {
                long at = row + j * Float.BYTES;
                VectorMask<Float> t = tail(j, length);
                store(load(src, at, t).sub(m).sub(ls), dst, at, t);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(F, (float) (1.0 / expToDst(src, dst, row, m)));
            long j = 0;
            for (long end = F.loopBound(length); j < end; j += LANES) {
                long at = row + j * Float.BYTES;
                store(load(dst, at).mul(inv), dst, at);
            }
            if (j < length) {
                long at = row + j * Float.BYTES;
                VectorMask<Float> t = tail(j, length);
                store(load(dst, at, t).mul(inv), dst, at, t);
            }
        }
    }

    /** Writes {@code exp(x - m)} to dst and returns its sum. */
    private float expToDst(MemorySegment src, MemorySegment dst, long row, FloatVector m) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        long j = 0;
        for (long end = RowLoops.unrolledBound(length); j < end; j += 4L * LANES) {
            long at = row + j * Float.BYTES;
            FloatVector e0 = exp(load(src, at).sub(m));
            FloatVector e1 = exp(load(src, at + VECTOR_BYTES).sub(m));
            FloatVector e2 = exp(load(src, at + 2 * VECTOR_BYTES).sub(m));
            FloatVector e3 = exp(load(src, at + 3 * VECTOR_BYTES).sub(m));
            store(e0, dst, at);
            store(e1, dst, at + VECTOR_BYTES);
            store(e2, dst, at + 2 * VECTOR_BYTES);
            store(e3, dst, at + 3 * VECTOR_BYTES);
            s0 = s0.add(e0);
            s1 = s1.add(e1);
            s2 = s2.add(e2);
            s3 = s3.add(e3);
        }
        for (long end = F.loopBound(length); j < end; j += LANES) {
            long at = row + j * Float.BYTES;
            FloatVector e = exp(load(src, at).sub(m));
            store(e, dst, at);
            s0 = s0.add(e);
        }
        if (j < length) {
            long at = row + j * Float.BYTES;
            VectorMask<Float> t = tail(j, length);
            FloatVector e = exp(load(src, at, t).sub(m));
            store(e, dst, at, t);
            s1 = s1.add(e, t);
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }

    /** Sum of {@code exp(x - m)} over the row, nothing written. */
    private float sumExp(MemorySegment src, long row, FloatVector m) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        long j = 0;
        for (long end = RowLoops.unrolledBound(length); j < end; j += 4L * LANES) {
            long at = row + j * Float.BYTES;
            s0 = s0.add(exp(load(src, at).sub(m)));
            s1 = s1.add(exp(load(src, at + VECTOR_BYTES).sub(m)));
            s2 = s2.add(exp(load(src, at + 2 * VECTOR_BYTES).sub(m)));
            s3 = s3.add(exp(load(src, at + 3 * VECTOR_BYTES).sub(m)));
        }
        for (long end = F.loopBound(length); j < end; j += LANES) {
            s0 = s0.add(exp(load(src, row + j * Float.BYTES).sub(m)));
        }
        if (j < length) {
            VectorMask<Float> t = tail(j, length);
            s1 = s1.add(exp(load(src, row + j * Float.BYTES, t).sub(m)), t);
        }
        return s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
    }

    private void backwardRow(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long row) {
        long j = 0;
        long full = F.loopBound(length);
        if (log) {
            // dx = dy - exp(y) * sum(dy)
            FloatVector s = FloatVector.broadcast(F, -RowLoops.sum(diffDst, row, length));
            for (; j < full; j += LANES) {
                long at = row + j * Float.BYTES;
                store(exp(load(dst, at)).fma(s, load(diffDst, at)), diffSrc, at);
            }
            if (j < length) {
                long at = row + j * Float.BYTES;
                VectorMask<Float> t = tail(j, length);
                store(exp(load(dst, at, t)).fma(s, load(diffDst, at, t)), diffSrc, at, t);
            }
        } else {
            // dx = y * (dy - sum(dy * y))
            FloatVector s = FloatVector.broadcast(F, RowLoops.dot(diffDst, dst, row, length));
            for (; j < full; j += LANES) {
                long at = row + j * Float.BYTES;
                store(load(diffDst, at).sub(s).mul(load(dst, at)), diffSrc, at);
            }
            if (j < length) {
                long at = row + j * Float.BYTES;
                VectorMask<Float> t = tail(j, length);
                store(load(diffDst, at, t).sub(s).mul(load(dst, at, t)), diffSrc, at, t);
            }
        }
    }

    /**
     * Forward for the rows starting at byte offset {@code first} and the lanes of {@code t}: element {@code k} of all
     * of them is one vector at {@code first + k * stride}. Two accumulators per reduction break the dependency chain.
     */
    private void forwardAcross(MemorySegment src, MemorySegment dst, long first, VectorMask<Float> t) {
        long stride = inner * Float.BYTES;
        long pairs = length & ~1L;
        FloatVector m0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), m1 = m0;
        for (long k = 0; k < pairs; k += 2) {
            long at = first + k * stride;
            FloatVector x0 = load(src, at, t);
            FloatVector x1 = load(src, at + stride, t);
            m0 = m0.blend(x0, x0.compare(VectorOperators.GT, m0));
            m1 = m1.blend(x1, x1.compare(VectorOperators.GT, m1));
        }
        if (pairs < length) {
            FloatVector x = load(src, first + pairs * stride, t);
            m0 = m0.blend(x, x.compare(VectorOperators.GT, m0));
        }
        FloatVector m = m0.blend(m1, m1.compare(VectorOperators.GT, m0));

        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        for (long k = 0; k < pairs; k += 2) {
            long at = first + k * stride;
            FloatVector e0 = exp(load(src, at, t).sub(m));
            FloatVector e1 = exp(load(src, at + stride, t).sub(m));
            if (!log) {
                store(e0, dst, at, t);
                store(e1, dst, at + stride, t);
            }
            s0 = s0.add(e0);
            s1 = s1.add(e1);
        }
        if (pairs < length) {
            long at = first + pairs * stride;
            FloatVector e = exp(load(src, at, t).sub(m));
            if (!log) store(e, dst, at, t);
            s0 = s0.add(e);
        }
        FloatVector sum = s0.add(s1);

        if (log) {
            FloatVector logSum = sum.lanewise(VectorOperators.LOG);
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                store(load(src, at, t).sub(m).sub(logSum), dst, at, t);
            }
        } else {
            FloatVector inv = FloatVector.broadcast(F, 1f).div(sum);
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                store(load(dst, at, t).mul(inv), dst, at, t);
            }
        }
    }

    /** Backward for a block of rows, laid out as in {@link #forwardAcross}. */
    private void backwardAcross(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc, long first,
            VectorMask<Float> t) {
        long stride = inner * Float.BYTES;
        long pairs = length & ~1L;
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        for (long k = 0; k < pairs; k += 2) {
            long at = first + k * stride;
            FloatVector dy0 = load(diffDst, at, t);
            FloatVector dy1 = load(diffDst, at + stride, t);
            s0 = log ? s0.add(dy0) : dy0.fma(load(dst, at, t), s0);
            s1 = log ? s1.add(dy1) : dy1.fma(load(dst, at + stride, t), s1);
        }
        if (pairs < length) {
            long at = first + pairs * stride;
            FloatVector dy = load(diffDst, at, t);
            s0 = log ? s0.add(dy) : dy.fma(load(dst, at, t), s0);
        }
        FloatVector s = s0.add(s1);
        if (log) {
            FloatVector negS = s.neg();
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                store(exp(load(dst, at, t)).fma(negS, load(diffDst, at, t)), diffSrc, at, t);
            }
        } else {
            for (long k = 0; k < length; k++) {
                long at = first + k * stride;
                store(load(diffDst, at, t).sub(s).mul(load(dst, at, t)), diffSrc, at, t);
            }
        }
    }
}
