package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static dev.normkit.vector.RowLoops.VECTOR_BYTES;
import static dev.normkit.vector.RowLoops.load;
import static dev.normkit.vector.RowLoops.store;
import static dev.normkit.vector.RowLoops.tail;

import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * RMS norm on the Vector API. Forward reads each row twice: {@code sum(x^2)} (4x-unrolled FMA), then
 * {@code y = x * rstd * gamma} is written; a row whose f32 squares overflow or underflow (see
 * {@link RowLoops#squaresNeedDouble}) gets its sum recomputed in double. Backward reads each row twice:
 * {@code sum(g * xhat)}, accumulating diffScale on the way, then diffSrc is written.
 */
final class VectorRmsNorm implements RmsNormKernel {

    private final RmsNormDesc desc;
    private final long rows;
    private final long cols;
    private final long rowBytes;

    VectorRmsNorm(RmsNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
        this.rowBytes = cols * Float.BYTES;
    }

    @Override
    public RmsNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, false, null);
        for (long r = 0; r < rows; r++) {
            normalizeRow(src, dst, scale, r * rowBytes);
        }
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstd) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, true, rstd);
        for (long r = 0; r < rows; r++) {
            rstd.setAtIndex(ValueLayout.JAVA_FLOAT, r, normalizeRow(src, dst, scale, r * rowBytes));
        }
    }

    /** Normalizes one row and returns its rstd. */
    private float normalizeRow(MemorySegment src, MemorySegment dst, MemorySegment scale, long row) {
        float squares = RowLoops.sumOfSquares(src, row, cols);
        double meanSquare = RowLoops.squaresNeedDouble(squares, desc.eps())
                ? RowLoops.squaresInDouble(src, row, cols, 0.0) / cols
                : (double) squares / cols;
        float rstd = (float) (1.0 / Math.sqrt(meanSquare + desc.eps()));
        FloatVector rs = FloatVector.broadcast(F, rstd);
        long full = F.loopBound(cols);
        long j = 0;
        if (scale != null) {
            for (; j < full; j += LANES) {
                long col = j * Float.BYTES;
                store(load(src, row + col).mul(rs).mul(load(scale, col)), dst, row + col);
            }
            if (j < cols) {
                long col = j * Float.BYTES;
                VectorMask<Float> t = tail(j, cols);
                store(load(src, row + col, t).mul(rs).mul(load(scale, col, t)), dst, row + col, t);
            }
        } else {
            for (; j < full; j += LANES) {
                long col = j * Float.BYTES;
                store(load(src, row + col).mul(rs), dst, row + col);
            }
            if (j < cols) {
                long col = j * Float.BYTES;
                VectorMask<Float> t = tail(j, cols);
                store(load(src, row + col, t).mul(rs), dst, row + col, t);
            }
        }
        return rstd;
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale) {
        KernelArgs.rmsNormBackward(desc, src, diffDst, scale, rstd, diffSrc, diffScale);
        if (diffScale != null) RowLoops.zero(diffScale, cols);
        for (long r = 0; r < rows; r++) {
            backwardRow(src, diffDst, scale, rstd.getAtIndex(ValueLayout.JAVA_FLOAT, r), diffSrc, diffScale,
                    r * rowBytes);
        }
    }

    private void backwardRow(MemorySegment src, MemorySegment diffDst, MemorySegment scale, float rstd,
            MemorySegment diffSrc, MemorySegment diffScale, long row) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        long full = F.loopBound(cols);
        long j = 0;
        // Pass 1: sum(g * xhat), and diffScale += dy * xhat.
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat0 = load(src, row + col).mul(rs);
            FloatVector xhat1 = load(src, row + col + VECTOR_BYTES).mul(rs);
            FloatVector dy0 = load(diffDst, row + col);
            FloatVector dy1 = load(diffDst, row + col + VECTOR_BYTES);
            FloatVector g0 = scale != null ? dy0.mul(load(scale, col)) : dy0;
            FloatVector g1 = scale != null ? dy1.mul(load(scale, col + VECTOR_BYTES)) : dy1;
            s0 = g0.fma(xhat0, s0);
            s1 = g1.fma(xhat1, s1);
            if (diffScale != null) {
                store(dy0.fma(xhat0, load(diffScale, col)), diffScale, col);
                store(dy1.fma(xhat1, load(diffScale, col + VECTOR_BYTES)), diffScale, col + VECTOR_BYTES);
            }
        }
        for (; j < cols; j += LANES) {
            // At most one full vector and the masked tail remain.
            long col = j * Float.BYTES;
            VectorMask<Float> t = tail(j, cols);
            FloatVector xhat = load(src, row + col, t).mul(rs);
            FloatVector dy = load(diffDst, row + col, t);
            FloatVector g = scale != null ? dy.mul(load(scale, col, t)) : dy;
            s0 = g.fma(xhat, s0);
            if (diffScale != null) store(dy.fma(xhat, load(diffScale, col, t)), diffScale, col, t);
        }
        double meanGXhat = (double) s0.add(s1).reduceLanes(VectorOperators.ADD) / cols;

        // Pass 2: diffSrc = (g - xhat * mean(g * xhat)) * rstd.
        FloatVector a = FloatVector.broadcast(F, (float) -meanGXhat);
        j = 0;
        for (; j < full; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = load(src, row + col).mul(rs);
            FloatVector dy = load(diffDst, row + col);
            FloatVector g = scale != null ? dy.mul(load(scale, col)) : dy;
            store(xhat.fma(a, g).mul(rs), diffSrc, row + col);
        }
        if (j < cols) {
            long col = j * Float.BYTES;
            VectorMask<Float> t = tail(j, cols);
            FloatVector xhat = load(src, row + col, t).mul(rs);
            FloatVector dy = load(diffDst, row + col, t);
            FloatVector g = scale != null ? dy.mul(load(scale, col, t)) : dy;
            store(xhat.fma(a, g).mul(rs), diffSrc, row + col, t);
        }
    }
}
