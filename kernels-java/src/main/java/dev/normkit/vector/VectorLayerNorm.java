package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static dev.normkit.vector.RowLoops.NATIVE;
import static dev.normkit.vector.RowLoops.VECTOR_BYTES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
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
 * recomputed in double. Backward reads each row twice: {@code sum(g)} and {@code sum(g * xhat)}; then diffSrc is
 * written while diffScale and diffShift accumulate, column by column, across rows.
 *
 * <p>Loops, tails and method boundaries follow {@link RowLoops}'s conventions.
 */
final class VectorLayerNorm implements LayerNormKernel {

    private final LayerNormDesc desc;
    private final long rows;
    private final long cols;
    private final long rowBytes;
    private final long fullCols;

    VectorLayerNorm(LayerNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
        this.rowBytes = cols * Float.BYTES;
        this.fullCols = F.loopBound(cols);
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
        long moments = RowLoops.centeredMoments(src, row, cols, m1);
        float sumSquares = FloatPair.second(moments);
        double c = (double) FloatPair.first(moments) / cols;
        double variance = Math.max(0.0, (double) sumSquares / cols - c * c);
        if (RowLoops.squaresNeedDouble(sumSquares, desc.eps())) {
            double mean = RowLoops.meanInDouble(src, row, cols);
            variance = RowLoops.squaresInDouble(src, row, cols, mean) / cols;
            m1 = (float) mean;
            c = mean - m1;
        }
        float rstd = (float) (1.0 / Math.sqrt(variance + desc.eps()));
        float bias = (float) (-c * rstd);
        if (scale != null && shift != null) {
            writeAffine(src, dst, scale, shift, row, m1, rstd, bias);
        } else if (scale != null) {
            writeScaled(src, dst, scale, row, m1, rstd, bias);
        } else if (shift != null) {
            writeShifted(src, dst, shift, row, m1, rstd, bias);
        } else {
            writePlain(src, dst, row, m1, rstd, bias);
        }
        if (meanOut != null) {
            meanOut.setAtIndex(JAVA_FLOAT, r, (float) (m1 + c));
            rstdOut.setAtIndex(JAVA_FLOAT, r, rstd);
        }
    }

    // The write passes: xhat = (x - m1) * rstd + bias, then scale and/or shift.

    private void writeAffine(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            long row, float m1, float rstd, float bias) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).sub(m).fma(rs, b);
            xhat.fma(fromMemorySegment(F, scale, col, NATIVE), fromMemorySegment(F, shift, col, NATIVE))
                    .intoMemorySegment(dst, row + col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = Math.fma(src.get(JAVA_FLOAT, row + col) - m1, rstd, bias);
            dst.set(JAVA_FLOAT, row + col, Math.fma(xhat, scale.get(JAVA_FLOAT, col), shift.get(JAVA_FLOAT, col)));
        }
    }

    private void writeScaled(MemorySegment src, MemorySegment dst, MemorySegment scale, long row, float m1,
            float rstd, float bias) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).sub(m).fma(rs, b);
            xhat.mul(fromMemorySegment(F, scale, col, NATIVE)).intoMemorySegment(dst, row + col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = Math.fma(src.get(JAVA_FLOAT, row + col) - m1, rstd, bias);
            dst.set(JAVA_FLOAT, row + col, xhat * scale.get(JAVA_FLOAT, col));
        }
    }

    private void writeShifted(MemorySegment src, MemorySegment dst, MemorySegment shift, long row, float m1,
            float rstd, float bias) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).sub(m).fma(rs, b);
            xhat.add(fromMemorySegment(F, shift, col, NATIVE)).intoMemorySegment(dst, row + col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = Math.fma(src.get(JAVA_FLOAT, row + col) - m1, rstd, bias);
            dst.set(JAVA_FLOAT, row + col, xhat + shift.get(JAVA_FLOAT, col));
        }
    }

    private void writePlain(MemorySegment src, MemorySegment dst, long row, float m1, float rstd, float bias) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long at = row + j * Float.BYTES;
            fromMemorySegment(F, src, at, NATIVE).sub(m).fma(rs, b).intoMemorySegment(dst, at, NATIVE);
        }
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            dst.set(JAVA_FLOAT, at, Math.fma(src.get(JAVA_FLOAT, at) - m1, rstd, bias));
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.layerNormBackward(desc, src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
        if (diffScale != null) RowLoops.zero(diffScale, cols);
        if (diffShift != null) RowLoops.zero(diffShift, cols);
        for (long r = 0; r < rows; r++) {
            long row = r * rowBytes;
            float mu = mean.getAtIndex(JAVA_FLOAT, r);
            float rs = rstd.getAtIndex(JAVA_FLOAT, r);
            long sums = scale != null
                    ? gradientSumsScaled(src, diffDst, scale, row, mu, rs)
                    : gradientSums(src, diffDst, row, mu, rs);
            float meanG = (float) ((double) FloatPair.first(sums) / cols);
            float meanGXhat = (float) ((double) FloatPair.second(sums) / cols);
            if (scale != null && diffShift != null) {
                backwardAffine(src, diffDst, scale, diffSrc, diffScale, diffShift, row, mu, rs, meanG, meanGXhat);
            } else if (scale != null) {
                backwardScaled(src, diffDst, scale, diffSrc, diffScale, row, mu, rs, meanG, meanGXhat);
            } else if (diffShift != null) {
                backwardShifted(src, diffDst, diffSrc, diffShift, row, mu, rs, meanG, meanGXhat);
            } else {
                backwardPlain(src, diffDst, diffSrc, row, mu, rs, meanG, meanGXhat);
            }
        }
    }

    /** {@code sum(g)} and {@code sum(g * xhat)} with {@code g = dy * gamma}, as a {@link FloatPair}. */
    private long gradientSumsScaled(MemorySegment src, MemorySegment diffDst, MemorySegment scale, long row, float mu,
            float rstd) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            FloatVector g0 = fromMemorySegment(F, diffDst, row + col, NATIVE)
                    .mul(fromMemorySegment(F, scale, col, NATIVE));
            FloatVector g1 = fromMemorySegment(F, diffDst, row + col + VECTOR_BYTES, NATIVE)
                    .mul(fromMemorySegment(F, scale, col + VECTOR_BYTES, NATIVE));
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(fromMemorySegment(F, src, row + col, NATIVE).sub(m).mul(rs), sgx0);
            sgx1 = g1.fma(fromMemorySegment(F, src, row + col + VECTOR_BYTES, NATIVE).sub(m).mul(rs), sgx1);
        }
        float sumG = sg0.add(sg1).reduceLanes(VectorOperators.ADD);
        float sumGXhat = sgx0.add(sgx1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float g = diffDst.get(JAVA_FLOAT, row + col) * scale.get(JAVA_FLOAT, col);
            sumG += g;
            sumGXhat = Math.fma(g, (src.get(JAVA_FLOAT, row + col) - mu) * rstd, sumGXhat);
        }
        return FloatPair.of(sumG, sumGXhat);
    }

    /** As {@link #gradientSumsScaled} with {@code g = dy}. */
    private long gradientSums(MemorySegment src, MemorySegment diffDst, long row, float mu, float rstd) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            FloatVector g0 = fromMemorySegment(F, diffDst, at, NATIVE);
            FloatVector g1 = fromMemorySegment(F, diffDst, at + VECTOR_BYTES, NATIVE);
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(fromMemorySegment(F, src, at, NATIVE).sub(m).mul(rs), sgx0);
            sgx1 = g1.fma(fromMemorySegment(F, src, at + VECTOR_BYTES, NATIVE).sub(m).mul(rs), sgx1);
        }
        float sumG = sg0.add(sg1).reduceLanes(VectorOperators.ADD);
        float sumGXhat = sgx0.add(sgx1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            float g = diffDst.get(JAVA_FLOAT, at);
            sumG += g;
            sumGXhat = Math.fma(g, (src.get(JAVA_FLOAT, at) - mu) * rstd, sumGXhat);
        }
        return FloatPair.of(sumG, sumGXhat);
    }

    // The write passes: diffSrc = (g - mean(g) - xhat * mean(g * xhat)) * rstd, subtracting mean(g) first so that a
    // row whose g is constant cancels exactly; diffScale += dy * xhat and diffShift += dy where present.

    private void backwardAffine(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift, long row, float mu, float rstd, float meanG,
            float meanGXhat) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).sub(m).mul(rs);
            FloatVector dy = fromMemorySegment(F, diffDst, row + col, NATIVE);
            FloatVector g = dy.mul(fromMemorySegment(F, scale, col, NATIVE));
            xhat.fma(a, g.sub(mg)).mul(rs).intoMemorySegment(diffSrc, row + col, NATIVE);
            dy.fma(xhat, fromMemorySegment(F, diffScale, col, NATIVE)).intoMemorySegment(diffScale, col, NATIVE);
            dy.add(fromMemorySegment(F, diffShift, col, NATIVE)).intoMemorySegment(diffShift, col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = (src.get(JAVA_FLOAT, row + col) - mu) * rstd;
            float dy = diffDst.get(JAVA_FLOAT, row + col);
            float g = dy * scale.get(JAVA_FLOAT, col);
            diffSrc.set(JAVA_FLOAT, row + col, Math.fma(xhat, -meanGXhat, g - meanG) * rstd);
            diffScale.set(JAVA_FLOAT, col, Math.fma(dy, xhat, diffScale.get(JAVA_FLOAT, col)));
            diffShift.set(JAVA_FLOAT, col, dy + diffShift.get(JAVA_FLOAT, col));
        }
    }

    private void backwardScaled(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment diffSrc,
            MemorySegment diffScale, long row, float mu, float rstd, float meanG, float meanGXhat) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).sub(m).mul(rs);
            FloatVector dy = fromMemorySegment(F, diffDst, row + col, NATIVE);
            FloatVector g = dy.mul(fromMemorySegment(F, scale, col, NATIVE));
            xhat.fma(a, g.sub(mg)).mul(rs).intoMemorySegment(diffSrc, row + col, NATIVE);
            dy.fma(xhat, fromMemorySegment(F, diffScale, col, NATIVE)).intoMemorySegment(diffScale, col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = (src.get(JAVA_FLOAT, row + col) - mu) * rstd;
            float dy = diffDst.get(JAVA_FLOAT, row + col);
            float g = dy * scale.get(JAVA_FLOAT, col);
            diffSrc.set(JAVA_FLOAT, row + col, Math.fma(xhat, -meanGXhat, g - meanG) * rstd);
            diffScale.set(JAVA_FLOAT, col, Math.fma(dy, xhat, diffScale.get(JAVA_FLOAT, col)));
        }
    }

    private void backwardShifted(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc,
            MemorySegment diffShift, long row, float mu, float rstd, float meanG, float meanGXhat) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long col = j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, row + col, NATIVE).sub(m).mul(rs);
            FloatVector dy = fromMemorySegment(F, diffDst, row + col, NATIVE);
            xhat.fma(a, dy.sub(mg)).mul(rs).intoMemorySegment(diffSrc, row + col, NATIVE);
            dy.add(fromMemorySegment(F, diffShift, col, NATIVE)).intoMemorySegment(diffShift, col, NATIVE);
        }
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = (src.get(JAVA_FLOAT, row + col) - mu) * rstd;
            float dy = diffDst.get(JAVA_FLOAT, row + col);
            diffSrc.set(JAVA_FLOAT, row + col, Math.fma(xhat, -meanGXhat, dy - meanG) * rstd);
            diffShift.set(JAVA_FLOAT, col, dy + diffShift.get(JAVA_FLOAT, col));
        }
    }

    private void backwardPlain(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long row, float mu,
            float rstd, float meanG, float meanGXhat) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (; j < fullCols; j += LANES) {
            long at = row + j * Float.BYTES;
            FloatVector xhat = fromMemorySegment(F, src, at, NATIVE).sub(m).mul(rs);
            FloatVector dy = fromMemorySegment(F, diffDst, at, NATIVE);
            xhat.fma(a, dy.sub(mg)).mul(rs).intoMemorySegment(diffSrc, at, NATIVE);
        }
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            float xhat = (src.get(JAVA_FLOAT, at) - mu) * rstd;
            float dy = diffDst.get(JAVA_FLOAT, at);
            diffSrc.set(JAVA_FLOAT, at, Math.fma(xhat, -meanGXhat, dy - meanG) * rstd);
        }
    }
}
