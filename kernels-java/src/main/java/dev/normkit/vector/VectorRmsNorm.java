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
 * RMS norm on the Vector API. Forward is one pass per row: {@code y = x * rstd * gamma} is written while
 * {@code sum(x^2)} of the next row accumulates (so each row comes from memory once, as the previous row streams out);
 * a row whose f32 squares overflow or underflow (see {@link RowLoops#squaresNeedDouble}) gets its sum recomputed in
 * double. Backward reads each row twice:
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
        normalize(src, dst, scale, null);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstd) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, true, rstd);
        normalize(src, dst, scale, rstd);
    }

    /** Row r's sum of squares arrives from the pass that wrote row r - 1, so each row is read from memory once. */
    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstdOut) {
        float squares = RowLoops.sumOfSquares(src, 0, cols);
        for (long r = 0; r < rows; r++) {
            long row = r * rowBytes;
            double meanSquare = RowLoops.squaresNeedDouble(squares, desc.eps())
                    ? RowLoops.squaresInDouble(src, row, cols, 0.0) / cols
                    : (double) squares / cols;
            float rstd = (float) (1.0 / Math.sqrt(meanSquare + desc.eps()));
            if (rstdOut != null) rstdOut.setAtIndex(JAVA_FLOAT, r, rstd);
            // The last row has no successor: it passes itself, and the sum gathered is never used.
            long next = r + 1 < rows ? row + rowBytes : row;
            squares = scale != null
                    ? writeScaled(src, dst, scale, row, rstd, next)
                    : writePlain(src, dst, row, rstd, next);
        }
    }

    // The write passes: y = x * rstd, times scale where given; each also returns the sum of squares of the row at
    // byte offset next, two vectors per step so that the accumulator chains overlap.

    private float writeScaled(MemorySegment src, MemorySegment dst, MemorySegment scale, long row, float rstd,
            long next) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector q0 = FloatVector.zero(F), q1 = q0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            long col1 = col + VECTOR_BYTES;
            fromMemorySegment(F, src, row + col, NATIVE).mul(rs).mul(fromMemorySegment(F, scale, col, NATIVE))
                    .intoMemorySegment(dst, row + col, NATIVE);
            fromMemorySegment(F, src, row + col1, NATIVE).mul(rs).mul(fromMemorySegment(F, scale, col1, NATIVE))
                    .intoMemorySegment(dst, row + col1, NATIVE);
            FloatVector x0 = fromMemorySegment(F, src, next + col, NATIVE);
            FloatVector x1 = fromMemorySegment(F, src, next + col1, NATIVE);
            q0 = x0.fma(x0, q0);
            q1 = x1.fma(x1, q1);
        }
        float squares = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            dst.set(JAVA_FLOAT, row + col, src.get(JAVA_FLOAT, row + col) * rstd * scale.get(JAVA_FLOAT, col));
            float x = src.get(JAVA_FLOAT, next + col);
            squares = Math.fma(x, x, squares);
        }
        return squares;
    }

    private float writePlain(MemorySegment src, MemorySegment dst, long row, float rstd, long next) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector q0 = FloatVector.zero(F), q1 = q0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            long nx = next + j * Float.BYTES;
            fromMemorySegment(F, src, at, NATIVE).mul(rs).intoMemorySegment(dst, at, NATIVE);
            fromMemorySegment(F, src, at + VECTOR_BYTES, NATIVE).mul(rs)
                    .intoMemorySegment(dst, at + VECTOR_BYTES, NATIVE);
            FloatVector x0 = fromMemorySegment(F, src, nx, NATIVE);
            FloatVector x1 = fromMemorySegment(F, src, nx + VECTOR_BYTES, NATIVE);
            q0 = x0.fma(x0, q0);
            q1 = x1.fma(x1, q1);
        }
        float squares = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            dst.set(JAVA_FLOAT, at, src.get(JAVA_FLOAT, at) * rstd);
            float x = src.get(JAVA_FLOAT, next + j * Float.BYTES);
            squares = Math.fma(x, x, squares);
        }
        return squares;
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
