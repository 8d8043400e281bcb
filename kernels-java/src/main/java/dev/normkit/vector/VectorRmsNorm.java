package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static dev.normkit.vector.RowLoops.NATIVE;
import static dev.normkit.vector.RowLoops.VECTOR_BYTES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * RMS norm on the Vector API. Forward reads each row twice: {@code sum(x^2)} (4x-unrolled FMA), then
 * {@code y = x * rstd * gamma} is written; a row whose f32 squares overflow or underflow (see
 * {@link RowLoops#squaresNeedDouble}) gets its sum recomputed in double. Backward reads each row twice:
 * {@code sum(g * xhat)}, then diffSrc is written while diffScale accumulates across rows. Loops, tails and method
 * boundaries follow {@link RowLoops}'s conventions.
 */
final class VectorRmsNorm implements RmsNormKernel {

    private final RmsNormDesc desc;
    private final long rows;
    private final long cols;
    private final long rowBytes;
    private final long fullCols;

    VectorRmsNorm(RmsNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
        this.rowBytes = cols * Float.BYTES;
        this.fullCols = F.loopBound(cols);
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
            rstd.setAtIndex(JAVA_FLOAT, r, normalizeRow(src, dst, scale, r * rowBytes));
        }
    }

    /** Normalizes one row and returns its rstd. */
    private float normalizeRow(MemorySegment src, MemorySegment dst, MemorySegment scale, long row) {
        float squares = RowLoops.sumOfSquares(src, row, cols);
        double meanSquare = RowLoops.squaresNeedDouble(squares, desc.eps())
                ? RowLoops.squaresInDouble(src, row, cols, 0.0) / cols
                : (double) squares / cols;
        float rstd = (float) (1.0 / Math.sqrt(meanSquare + desc.eps()));
        if (scale != null) {
            writeScaled(src, dst, scale, row, rstd);
        } else {
            writePlain(src, dst, row, rstd);
        }
        return rstd;
    }

    private void writeScaled(MemorySegment src, MemorySegment dst, MemorySegment scale, long row, float rstd) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            fromMemorySegment(F, src, row + col, NATIVE).mul(rs).mul(fromMemorySegment(F, scale, col, NATIVE))
                    .intoMemorySegment(dst, row + col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            dst.set(JAVA_FLOAT, row + col, src.get(JAVA_FLOAT, row + col) * rstd * scale.get(JAVA_FLOAT, col));
        }
    }

    private void writePlain(MemorySegment src, MemorySegment dst, long row, float rstd) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long at = row + j * Float.BYTES;
            fromMemorySegment(F, src, at, NATIVE).mul(rs).intoMemorySegment(dst, at, NATIVE);
        }
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            dst.set(JAVA_FLOAT, at, src.get(JAVA_FLOAT, at) * rstd);
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale) {
        KernelArgs.rmsNormBackward(desc, src, diffDst, scale, rstd, diffSrc, diffScale);
        if (diffScale != null) RowLoops.zero(diffScale, cols);
        for (long r = 0; r < rows; r++) {
            long row = r * rowBytes;
            float rs = rstd.getAtIndex(JAVA_FLOAT, r);
            if (scale != null) {
                float meanGXhat = (float) ((double) sumGXhatScaled(src, diffDst, scale, row, rs) / cols);
                backwardScaled(src, diffDst, scale, diffSrc, diffScale, row, rs, meanGXhat);
            } else {
                float meanGXhat = (float) ((double) RowLoops.dot(diffDst, src, row, cols) * rs / cols);
                backwardPlain(src, diffDst, diffSrc, row, rs, meanGXhat);
            }
        }
    }

    /** {@code sum(dy * gamma * x * rstd)}. */
    private float sumGXhatScaled(MemorySegment src, MemorySegment diffDst, MemorySegment scale, long row,
            float rstd) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            FloatVector g0 = fromMemorySegment(F, diffDst, row + col, NATIVE)
                    .mul(fromMemorySegment(F, scale, col, NATIVE));
            FloatVector g1 = fromMemorySegment(F, diffDst, row + col + VECTOR_BYTES, NATIVE)
                    .mul(fromMemorySegment(F, scale, col + VECTOR_BYTES, NATIVE));
            s0 = g0.fma(fromMemorySegment(F, src, row + col, NATIVE), s0);
            s1 = g1.fma(fromMemorySegment(F, src, row + col + VECTOR_BYTES, NATIVE), s1);
        }
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector g = fromMemorySegment(F, diffDst, row + col, NATIVE)
                    .mul(fromMemorySegment(F, scale, col, NATIVE));
            s0 = g.fma(fromMemorySegment(F, src, row + col, NATIVE), s0);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float g = diffDst.get(JAVA_FLOAT, row + col) * scale.get(JAVA_FLOAT, col);
            sum = Math.fma(g, src.get(JAVA_FLOAT, row + col), sum);
        }
        return sum * rstd;
    }

    // The write passes: diffSrc = (g - xhat * mean(g * xhat)) * rstd; diffScale += dy * xhat where present.

    private void backwardScaled(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment diffSrc,
            MemorySegment diffScale, long row, float rstd, float meanGXhat) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).mul(rs);
            FloatVector dy = fromMemorySegment(F, diffDst, row + col, NATIVE);
            FloatVector g = dy.mul(fromMemorySegment(F, scale, col, NATIVE));
            xhat.fma(a, g).mul(rs).intoMemorySegment(diffSrc, row + col, NATIVE);
            dy.fma(xhat, fromMemorySegment(F, diffScale, col, NATIVE)).intoMemorySegment(diffScale, col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = src.get(JAVA_FLOAT, row + col) * rstd;
            float dy = diffDst.get(JAVA_FLOAT, row + col);
            float g = dy * scale.get(JAVA_FLOAT, col);
            diffSrc.set(JAVA_FLOAT, row + col, Math.fma(xhat, -meanGXhat, g) * rstd);
            diffScale.set(JAVA_FLOAT, col, Math.fma(dy, xhat, diffScale.get(JAVA_FLOAT, col)));
        }
    }

    private void backwardPlain(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long row, float rstd,
            float meanGXhat) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long at = row + j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, at, NATIVE).mul(rs);
            xhat.fma(a, fromMemorySegment(F, diffDst, at, NATIVE)).mul(rs).intoMemorySegment(diffSrc, at, NATIVE);
        }
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            float xhat = src.get(JAVA_FLOAT, at) * rstd;
            diffSrc.set(JAVA_FLOAT, at, Math.fma(xhat, -meanGXhat, diffDst.get(JAVA_FLOAT, at)) * rstd);
        }
    }
}
