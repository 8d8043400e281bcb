package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static dev.normkit.vector.RowLoops.VECTOR_BYTES;
import static dev.normkit.vector.RowLoops.load;
import static dev.normkit.vector.RowLoops.store;
import static dev.normkit.vector.RowLoops.tail;

import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Layer norm on the Vector API. Forward reads each row three times; only the first read comes from memory, the row is
 * cache-resident for the other two:
 * <ol>
 *   <li>{@code sum(x)} gives a first mean {@code m1};</li>
 *   <li>{@code sum(d)} and {@code sum(d^2)} with {@code d = x - m1}: the mean is {@code m1 + c} with
 *       {@code c = mean(d)}, and {@code var = mean(d^2) - c^2}. Centring on {@code m1} keeps the variance exact where
 *       {@code E[x^2] - mean^2} would cancel (a large common offset), and {@code c} repairs the f32 rounding of
 *       {@code m1};</li>
 *   <li>{@code y = ((x - m1) * rstd - c * rstd) * gamma + beta}, written.</li>
 * </ol>
 * A row whose f32 squares overflow or underflow (see {@link RowLoops#squaresNeedDouble}) gets its statistics
 * recomputed in double. Backward reads each row twice: {@code sum(g)} and {@code sum(g * xhat)}, accumulating
 * diffScale and diffShift on the way; then diffSrc is written.
 */
final class VectorLayerNorm implements LayerNormKernel {

    private final LayerNormDesc desc;
    private final long rows;
    private final long cols;
    private final long rowBytes;

    VectorLayerNorm(LayerNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
        this.rowBytes = cols * Float.BYTES;
    }

    @Override
    public LayerNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, false, null, null);
        for (long r = 0; r < rows; r++) {
            normalizeRow(src, dst, scale, shift, r, null, null);
        }
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment rstd) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, true, mean, rstd);
        for (long r = 0; r < rows; r++) {
            normalizeRow(src, dst, scale, shift, r, mean, rstd);
        }
    }

    private void normalizeRow(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift, long r,
            MemorySegment meanOut, MemorySegment rstdOut) {
        long row = r * rowBytes;
        float m1 = (float) ((double) RowLoops.sum(src, row, cols) / cols);

        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        FloatVector q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        long j = 0;
        for (long end = RowLoops.unrolledBound(cols); j < end; j += 4L * LANES) {
            long at = row + j * Float.BYTES;
            FloatVector d0 = load(src, at).sub(m);
            FloatVector d1 = load(src, at + VECTOR_BYTES).sub(m);
            FloatVector d2 = load(src, at + 2 * VECTOR_BYTES).sub(m);
            FloatVector d3 = load(src, at + 3 * VECTOR_BYTES).sub(m);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            q2 = d2.fma(d2, q2);
            q3 = d3.fma(d3, q3);
        }
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector d = load(src, row + j * Float.BYTES).sub(m);
            s0 = s0.add(d);
            q0 = d.fma(d, q0);
        }
        if (j < cols) {
            VectorMask<Float> t = tail(j, cols);
            FloatVector d = load(src, row + j * Float.BYTES, t).sub(m, t);
            s1 = s1.add(d);
            q1 = d.fma(d, q1);
        }
        float sumD = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        float sumSquares = q0.add(q1).add(q2.add(q3)).reduceLanes(VectorOperators.ADD);

        double c = (double) sumD / cols;
        double variance = Math.max(0.0, (double) sumSquares / cols - c * c);
        if (RowLoops.squaresNeedDouble(sumSquares, desc.eps())) {
            double mean = RowLoops.meanInDouble(src, row, cols);
            variance = RowLoops.squaresInDouble(src, row, cols, mean) / cols;
            m1 = (float) mean;
            c = mean - m1;
        }
        float rstd = (float) (1.0 / Math.sqrt(variance + desc.eps()));
        writeRow(src, dst, scale, shift, row, m1, rstd, (float) (-c * rstd));
        if (meanOut != null) {
            meanOut.setAtIndex(ValueLayout.JAVA_FLOAT, r, (float) (m1 + c));
            rstdOut.setAtIndex(ValueLayout.JAVA_FLOAT, r, rstd);
        }
    }

    /** {@code xhat = (x - m1) * rstd + bias}; then scale and shift, each when given. */
    private void writeRow(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift, long row,
            float m1, float rstd, float bias) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        long full = F.loopBound(cols);
        long j = 0;
        if (scale != null && shift != null) {
            for (; j < full; j += LANES) {
                long col = j * Float.BYTES;
                FloatVector xhat = load(src, row + col).sub(m).fma(rs, b);
                store(xhat.fma(load(scale, col), load(shift, col)), dst, row + col);
            }
            if (j < cols) {
                long col = j * Float.BYTES;
                VectorMask<Float> t = tail(j, cols);
                FloatVector xhat = load(src, row + col, t).sub(m).fma(rs, b);
                store(xhat.fma(load(scale, col, t), load(shift, col, t)), dst, row + col, t);
            }
        } else if (scale != null) {
            for (; j < full; j += LANES) {
                long col = j * Float.BYTES;
                FloatVector xhat = load(src, row + col).sub(m).fma(rs, b);
                store(xhat.mul(load(scale, col)), dst, row + col);
            }
            if (j < cols) {
                long col = j * Float.BYTES;
                VectorMask<Float> t = tail(j, cols);
                FloatVector xhat = load(src, row + col, t).sub(m).fma(rs, b);
                store(xhat.mul(load(scale, col, t)), dst, row + col, t);
            }
        } else if (shift != null) {
            for (; j < full; j += LANES) {
                long col = j * Float.BYTES;
                FloatVector xhat = load(src, row + col).sub(m).fma(rs, b);
                store(xhat.add(load(shift, col)), dst, row + col);
            }
            if (j < cols) {
                long col = j * Float.BYTES;
                VectorMask<Float> t = tail(j, cols);
                FloatVector xhat = load(src, row + col, t).sub(m).fma(rs, b);
                store(xhat.add(load(shift, col, t)), dst, row + col, t);
            }
        } else {
            for (; j < full; j += LANES) {
                long col = j * Float.BYTES;
                store(load(src, row + col).sub(m).fma(rs, b), dst, row + col);
            }
            if (j < cols) {
                long col = j * Float.BYTES;
                VectorMask<Float> t = tail(j, cols);
                store(load(src, row + col, t).sub(m).fma(rs, b), dst, row + col, t);
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.layerNormBackward(desc, src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
        if (diffScale != null) RowLoops.zero(diffScale, cols);
        if (diffShift != null) RowLoops.zero(diffShift, cols);
        for (long r = 0; r < rows; r++) {
            backwardRow(src, diffDst, scale, mean.getAtIndex(ValueLayout.JAVA_FLOAT, r),
                    rstd.getAtIndex(ValueLayout.JAVA_FLOAT, r), diffSrc, diffScale, diffShift, r * rowBytes);
        }
    }

    private void backwardRow(MemorySegment src, MemorySegment diffDst, MemorySegment scale, float mu, float rstd,
            MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift, long row) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        long full = F.loopBound(cols);
        long j = 0;
        // Pass 1: sum(g), sum(g * xhat); diffScale += dy * xhat, diffShift += dy. Two vectors per step so the
        // accumulator chains overlap.
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat0 = load(src, row + col).sub(m).mul(rs);
            FloatVector xhat1 = load(src, row + col + VECTOR_BYTES).sub(m).mul(rs);
            FloatVector dy0 = load(diffDst, row + col);
            FloatVector dy1 = load(diffDst, row + col + VECTOR_BYTES);
            FloatVector g0 = scale != null ? dy0.mul(load(scale, col)) : dy0;
            FloatVector g1 = scale != null ? dy1.mul(load(scale, col + VECTOR_BYTES)) : dy1;
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(xhat0, sgx0);
            sgx1 = g1.fma(xhat1, sgx1);
            if (diffScale != null) {
                store(dy0.fma(xhat0, load(diffScale, col)), diffScale, col);
                store(dy1.fma(xhat1, load(diffScale, col + VECTOR_BYTES)), diffScale, col + VECTOR_BYTES);
            }
            if (diffShift != null) {
                store(dy0.add(load(diffShift, col)), diffShift, col);
                store(dy1.add(load(diffShift, col + VECTOR_BYTES)), diffShift, col + VECTOR_BYTES);
            }
        }
        for (; j < cols; j += LANES) {
            // At most one full vector and the masked tail remain.
            long col = j * Float.BYTES;
            VectorMask<Float> t = tail(j, cols);
            FloatVector xhat = load(src, row + col, t).sub(m).mul(rs);
            FloatVector dy = load(diffDst, row + col, t);
            FloatVector g = scale != null ? dy.mul(load(scale, col, t)) : dy;
            sg0 = sg0.add(g);
            sgx0 = g.fma(xhat, sgx0);
            if (diffScale != null) store(dy.fma(xhat, load(diffScale, col, t)), diffScale, col, t);
            if (diffShift != null) store(dy.add(load(diffShift, col, t)), diffShift, col, t);
        }
        double meanG = (double) sg0.add(sg1).reduceLanes(VectorOperators.ADD) / cols;
        double meanGXhat = (double) sgx0.add(sgx1).reduceLanes(VectorOperators.ADD) / cols;

        // Pass 2: diffSrc = (g - mean(g) - xhat * mean(g * xhat)) * rstd, subtracting mean(g) first so that a row
        // whose g is constant cancels exactly.
        FloatVector mg = FloatVector.broadcast(F, (float) meanG);
        FloatVector a = FloatVector.broadcast(F, (float) -meanGXhat);
        j = 0;
        for (; j < full; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = load(src, row + col).sub(m).mul(rs);
            FloatVector dy = load(diffDst, row + col);
            FloatVector g = scale != null ? dy.mul(load(scale, col)) : dy;
            store(xhat.fma(a, g.sub(mg)).mul(rs), diffSrc, row + col);
        }
        if (j < cols) {
            long col = j * Float.BYTES;
            VectorMask<Float> t = tail(j, cols);
            FloatVector xhat = load(src, row + col, t).sub(m).mul(rs);
            FloatVector dy = load(diffDst, row + col, t);
            FloatVector g = scale != null ? dy.mul(load(scale, col, t)) : dy;
            store(xhat.fma(a, g.sub(mg)).mul(rs), diffSrc, row + col, t);
        }
    }
}
