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
 * Layer norm on the Vector API.
 *
 * <p>Forward is one pass per row: row r is written, {@code y = ((x - m1) * rstd - c * rstd) * gamma + beta}, while
 * the moments of row r + 1 about a centre K (the mean of its first vector) accumulate, {@code sum(d)} and
 * {@code sum(d^2)} with {@code d = x - K}. Each row so comes from memory once, as the previous row streams out, as a
 * copy would. Centring keeps the variance from cancelling where {@code E[x^2] - mean^2} would (a large common
 * offset); {@code m1} is the f32 mean and {@code c} what f32 rounding took from it. A row whose K is far from its mean
 * gets one more pass centred on the mean, and a row whose f32 squares overflow or underflow (see
 * {@link RowLoops#squaresNeedDouble}) gets its statistics in double.
 *
 * <p>Backward reads each row twice: {@code sum(g)} and {@code sum(g * xhat)}; then diffSrc is written while
 * diffScale and diffShift accumulate, column by column, across rows.
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
        normalize(src, dst, scale, shift, null, null);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment rstd) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, true, mean, rstd);
        normalize(src, dst, scale, shift, mean, rstd);
    }

    /**
     * Row r's moments about a centre K (the mean of its first vector) arrive from the pass that wrote row r - 1, so
     * each row is read from memory once, while the previous row's output streams out. With
     * {@code d = x - K}: {@code mean = K + mean(d)}, {@code var = mean(d^2) - mean(d)^2}. The subtraction loses
     * little while {@code mean(d^2) <= 4 var}, that is while K lies within about two standard deviations of the mean;
     * a row where it does not (an outlier among its first elements) gets one more pass, centred on its mean.
     */
    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment meanOut, MemorySegment rstdOut) {
        float center = rowCenter(src, 0);
        long moments = RowLoops.centeredMoments(src, 0, cols, center);
        for (long r = 0; r < rows; r++) {
            long row = r * rowBytes;
            double meanD = (double) FloatPair.first(moments) / cols;
            float squares = FloatPair.second(moments);
            double meanSquareD = (double) squares / cols;
            float m1 = (float) (center + meanD);
            double c = center + meanD - m1;
            double variance = meanSquareD - meanD * meanD;
            if (RowLoops.squaresNeedDouble(squares, desc.eps())) {
                double mean = RowLoops.meanInDouble(src, row, cols);
                variance = RowLoops.squaresInDouble(src, row, cols, mean) / cols;
                m1 = (float) mean;
                c = mean - m1;
            } else if (meanD * meanD > 0.75 * meanSquareD) {
                long recentred = RowLoops.centeredMoments(src, row, cols, m1);
                double meanE = (double) FloatPair.first(recentred) / cols;
                variance = (double) FloatPair.second(recentred) / cols - meanE * meanE;
                c = meanE;
            }
            float rstd = (float) (1.0 / Math.sqrt(Math.max(0.0, variance) + desc.eps()));
            float bias = (float) (-c * rstd);
            if (meanOut != null) {
                float mean = (float) (m1 + c);
                if (!Float.isFinite(mean)) {
                    // A row holding inf or NaN makes the centred sums NaN (inf - inf); its plain mean is the right
                    // inf or NaN. Rare, so the extra pass costs nothing in general.
                    mean = (float) RowLoops.meanInDouble(src, row, cols);
                }
                meanOut.setAtIndex(JAVA_FLOAT, r, mean);
                rstdOut.setAtIndex(JAVA_FLOAT, r, rstd);
            }
            // The last row has no successor: it passes itself, and the moments gathered are never used.
            long next = r + 1 < rows ? row + rowBytes : row;
            center = rowCenter(src, next);
            if (scale != null && shift != null) {
                moments = writeAffine(src, dst, scale, shift, row, m1, rstd, bias, next, center);
            } else if (scale != null) {
                moments = writeScaled(src, dst, scale, row, m1, rstd, bias, next, center);
            } else if (shift != null) {
                moments = writeShifted(src, dst, shift, row, m1, rstd, bias, next, center);
            } else {
                moments = writePlain(src, dst, row, m1, rstd, bias, next, center);
            }
        }
    }

    /** Mean of the row's first vector (its first element when shorter): a centre near the row's mean. */
    private float rowCenter(MemorySegment src, long row) {
        return cols >= LANES
                ? fromMemorySegment(F, src, row, NATIVE).reduceLanes(VectorOperators.ADD) / LANES
                : src.get(JAVA_FLOAT, row);
    }

    /*
     * The write passes: y = ((x - m1) * rstd + bias), then scale and/or shift; each also returns the moments of the
     * row at byte offset next about center (see RowLoops.centeredMoments), two vectors per step so that the four
     * accumulator chains overlap.
     */

    private long writeAffine(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            long row, float m1, float rstd, float bias, long next, float center) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            long col1 = col + VECTOR_BYTES;
            fromMemorySegment(F, src, row + col, NATIVE).sub(m).fma(rs, b)
                    .fma(fromMemorySegment(F, scale, col, NATIVE), fromMemorySegment(F, shift, col, NATIVE))
                    .intoMemorySegment(dst, row + col, NATIVE);
            fromMemorySegment(F, src, row + col1, NATIVE).sub(m).fma(rs, b)
                    .fma(fromMemorySegment(F, scale, col1, NATIVE), fromMemorySegment(F, shift, col1, NATIVE))
                    .intoMemorySegment(dst, row + col1, NATIVE);
            FloatVector d0 = fromMemorySegment(F, src, next + col, NATIVE).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, next + col1, NATIVE).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        float squares = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = Math.fma(src.get(JAVA_FLOAT, row + col) - m1, rstd, bias);
            dst.set(JAVA_FLOAT, row + col, Math.fma(xhat, scale.get(JAVA_FLOAT, col), shift.get(JAVA_FLOAT, col)));
            float d = src.get(JAVA_FLOAT, next + col) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private long writeScaled(MemorySegment src, MemorySegment dst, MemorySegment scale, long row, float m1,
            float rstd, float bias, long next, float center) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            long col1 = col + VECTOR_BYTES;
            fromMemorySegment(F, src, row + col, NATIVE).sub(m).fma(rs, b)
                    .mul(fromMemorySegment(F, scale, col, NATIVE)).intoMemorySegment(dst, row + col, NATIVE);
            fromMemorySegment(F, src, row + col1, NATIVE).sub(m).fma(rs, b)
                    .mul(fromMemorySegment(F, scale, col1, NATIVE)).intoMemorySegment(dst, row + col1, NATIVE);
            FloatVector d0 = fromMemorySegment(F, src, next + col, NATIVE).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, next + col1, NATIVE).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        float squares = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = Math.fma(src.get(JAVA_FLOAT, row + col) - m1, rstd, bias);
            dst.set(JAVA_FLOAT, row + col, xhat * scale.get(JAVA_FLOAT, col));
            float d = src.get(JAVA_FLOAT, next + col) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private long writeShifted(MemorySegment src, MemorySegment dst, MemorySegment shift, long row, float m1,
            float rstd, float bias, long next, float center) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long col = j * Float.BYTES;
            long col1 = col + VECTOR_BYTES;
            fromMemorySegment(F, src, row + col, NATIVE).sub(m).fma(rs, b)
                    .add(fromMemorySegment(F, shift, col, NATIVE)).intoMemorySegment(dst, row + col, NATIVE);
            fromMemorySegment(F, src, row + col1, NATIVE).sub(m).fma(rs, b)
                    .add(fromMemorySegment(F, shift, col1, NATIVE)).intoMemorySegment(dst, row + col1, NATIVE);
            FloatVector d0 = fromMemorySegment(F, src, next + col, NATIVE).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, next + col1, NATIVE).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        float squares = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long col = j * Float.BYTES;
            float xhat = Math.fma(src.get(JAVA_FLOAT, row + col) - m1, rstd, bias);
            dst.set(JAVA_FLOAT, row + col, xhat + shift.get(JAVA_FLOAT, col));
            float d = src.get(JAVA_FLOAT, next + col) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private long writePlain(MemorySegment src, MemorySegment dst, long row, float m1, float rstd, float bias,
            long next, float center) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2L * LANES); j < end; j += 2L * LANES) {
            long at = row + j * Float.BYTES;
            long nx = next + j * Float.BYTES;
            fromMemorySegment(F, src, at, NATIVE).sub(m).fma(rs, b).intoMemorySegment(dst, at, NATIVE);
            fromMemorySegment(F, src, at + VECTOR_BYTES, NATIVE).sub(m).fma(rs, b)
                    .intoMemorySegment(dst, at + VECTOR_BYTES, NATIVE);
            FloatVector d0 = fromMemorySegment(F, src, nx, NATIVE).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, nx + VECTOR_BYTES, NATIVE).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        float sum = s0.add(s1).reduceLanes(VectorOperators.ADD);
        float squares = q0.add(q1).reduceLanes(VectorOperators.ADD);
        for (; j < cols; j++) {
            long at = row + j * Float.BYTES;
            dst.set(JAVA_FLOAT, at, Math.fma(src.get(JAVA_FLOAT, at) - m1, rstd, bias));
            float d = src.get(JAVA_FLOAT, next + j * Float.BYTES) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
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
