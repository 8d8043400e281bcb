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
 * Layer norm's rows on native segments (see {@link VectorLayerNorm} for the method). Template of the generated
 * {@code LayerNormArrayLoops}; written to the rules in package-info.java. Each tensor comes with its base index in floats.
 */
final class LayerNormSegmentLoops {
    private LayerNormSegmentLoops() {}

    /**
     * Row r's moments about a centre K (the mean of its first vector) arrive from the pass that wrote row r - 1, so
     * each row is read from memory once, while the previous row's output streams out. With
     * {@code d = x - K}: {@code mean = K + mean(d)}, {@code var = mean(d^2) - mean(d)^2}. The subtraction loses
     * little while {@code mean(d^2) <= 4 var}, that is while K lies within about two standard deviations of the mean;
     * a row where it does not (an outlier among its first elements) gets one more pass, centred on its mean.
     * {@code meanOut} and {@code rstdOut} are null for inference.
     */
    static void forward(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, MemorySegment scale,
            long scaleAt, MemorySegment shift, long shiftAt, MemorySegment meanOut, long meanAt,
            MemorySegment rstdOut, long rstdAt, long rows, long cols, float eps) {
        float center = rowCenter(src, srcAt, cols);
        var moments = RowSegmentLoops.centeredMoments(src, srcAt, cols, center);
        for (long r = 0; r < rows; r++) {
            long row = srcAt + r * cols;
            double meanD = (double) FloatPair.first(moments) / cols;
            float squares = FloatPair.second(moments);
            double meanSquareD = (double) squares / cols;
            float m1 = (float) (center + meanD);
            double c = center + meanD - m1;
            double variance = meanSquareD - meanD * meanD;
            if (RowLoops.squaresNeedDouble(squares, eps)) {
                double mean = RowSegmentLoops.meanInDouble(src, row, cols);
                variance = RowSegmentLoops.squaresInDouble(src, row, cols, mean) / cols;
                m1 = (float) mean;
                c = mean - m1;
            } else if (meanD * meanD > 0.75 * meanSquareD) {
                var recentred = RowSegmentLoops.centeredMoments(src, row, cols, m1);
                double meanE = (double) FloatPair.first(recentred) / cols;
                variance = (double) FloatPair.second(recentred) / cols - meanE * meanE;
                c = meanE;
            }
            float rstd = (float) (1.0 / Math.sqrt(Math.max(0.0, variance) + eps));
            float bias = (float) (-c * rstd);
            if (meanOut != null) {
                float mean = (float) (m1 + c);
                if (!Float.isFinite(mean)) {
                    // A row holding inf or NaN makes the centred sums NaN (inf - inf); its plain mean is the right
                    // inf or NaN. Rare, so the extra pass costs nothing in general.
                    mean = (float) RowSegmentLoops.meanInDouble(src, row, cols);
                }
                meanOut.setAtIndex(JAVA_FLOAT, meanAt + r, mean);
                rstdOut.setAtIndex(JAVA_FLOAT, rstdAt + r, rstd);
            }
            // The last row has no successor: it passes itself, and the moments gathered are never used.
            long next = r + 1 < rows ? row + cols : row;
            long out = dstAt + r * cols;
            center = rowCenter(src, next, cols);
            if (scale != null && shift != null) {
                moments = writeAffine(src, row, dst, out, scale, scaleAt, shift, shiftAt, m1, rstd, bias, next,
                        center, cols);
            } else if (scale != null) {
                moments = writeScaled(src, row, dst, out, scale, scaleAt, m1, rstd, bias, next, center, cols);
            } else if (shift != null) {
                moments = writeShifted(src, row, dst, out, shift, shiftAt, m1, rstd, bias, next, center, cols);
            } else {
                moments = writePlain(src, row, dst, out, m1, rstd, bias, next, center, cols);
            }
        }
    }

    /**
     * Mean of the row's first {@code LANES} elements (its first element when shorter): a centre near the row's mean.
     * Summed in index order, so every call gives the same centre.
     */
    private static float rowCenter(MemorySegment src, long row, long cols) {
        if (cols < LANES) return src.getAtIndex(JAVA_FLOAT, row);
        float sum = 0f;
        for (int l = 0; l < LANES; l++) sum += src.getAtIndex(JAVA_FLOAT, row + l);
        return sum / LANES;
    }

    /*
     * The write passes: y = ((x - m1) * rstd + bias), then scale and/or shift, from src index row to dst index out;
     * each also returns the moments of the row at src index next about center (see
     * RowSegmentLoops.centeredMoments), two vectors per step so that the four accumulator chains overlap.
     */

    private static long writeAffine(MemorySegment src, long row, MemorySegment dst, long out, MemorySegment scale,
            long scaleAt, MemorySegment shift, long shiftAt, float m1, float rstd, float bias, long next,
            float center, long cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m).fma(rs, b)
                    .fma(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER),
                            fromMemorySegment(F, shift, Float.BYTES * (shiftAt + j), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).sub(m).fma(rs, b)
                    .fma(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j1), BYTE_ORDER),
                            fromMemorySegment(F, shift, Float.BYTES * (shiftAt + j1), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector d0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float xhat = Math.fma(src.getAtIndex(JAVA_FLOAT, row + j) - m1, rstd, bias);
            dst.setAtIndex(JAVA_FLOAT, out + j, Math.fma(xhat, scale.getAtIndex(JAVA_FLOAT, scaleAt + j),
                    shift.getAtIndex(JAVA_FLOAT, shiftAt + j)));
            float d = src.getAtIndex(JAVA_FLOAT, next + j) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private static long writeScaled(MemorySegment src, long row, MemorySegment dst, long out, MemorySegment scale,
            long scaleAt, float m1, float rstd, float bias, long next, float center, long cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m).fma(rs, b)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).sub(m).fma(rs, b)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j1), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector d0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float xhat = Math.fma(src.getAtIndex(JAVA_FLOAT, row + j) - m1, rstd, bias);
            dst.setAtIndex(JAVA_FLOAT, out + j, xhat * scale.getAtIndex(JAVA_FLOAT, scaleAt + j));
            float d = src.getAtIndex(JAVA_FLOAT, next + j) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private static long writeShifted(MemorySegment src, long row, MemorySegment dst, long out, MemorySegment shift,
            long shiftAt, float m1, float rstd, float bias, long next, float center, long cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m).fma(rs, b)
                    .add(fromMemorySegment(F, shift, Float.BYTES * (shiftAt + j), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).sub(m).fma(rs, b)
                    .add(fromMemorySegment(F, shift, Float.BYTES * (shiftAt + j1), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector d0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float xhat = Math.fma(src.getAtIndex(JAVA_FLOAT, row + j) - m1, rstd, bias);
            dst.setAtIndex(JAVA_FLOAT, out + j, xhat + shift.getAtIndex(JAVA_FLOAT, shiftAt + j));
            float d = src.getAtIndex(JAVA_FLOAT, next + j) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private static long writePlain(MemorySegment src, long row, MemorySegment dst, long out, float m1, float rstd,
            float bias, long next, float center, long cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).sub(m).fma(rs, b)
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).sub(m).fma(rs, b)
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector d0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER).sub(k);
            FloatVector d1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER).sub(k);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            dst.setAtIndex(JAVA_FLOAT, out + j, Math.fma(src.getAtIndex(JAVA_FLOAT, row + j) - m1, rstd, bias));
            float d = src.getAtIndex(JAVA_FLOAT, next + j) - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    /**
     * Backward: each row is read twice, {@code sum(g)} and {@code sum(g * xhat)}; then diffSrc is written while
     * diffScale and diffShift accumulate, column by column, across rows. Null scale, diffScale or diffShift are
     * absent.
     */
    static void backward(MemorySegment src, long srcAt, MemorySegment diffDst, long diffDstAt, MemorySegment scale,
            long scaleAt, MemorySegment mean, long meanAt, MemorySegment rstd, long rstdAt, MemorySegment diffSrc,
            long diffSrcAt, MemorySegment diffScale, long diffScaleAt, MemorySegment diffShift, long diffShiftAt,
            long rows, long cols) {
        if (diffScale != null) RowSegmentLoops.zero(diffScale, diffScaleAt, cols);
        if (diffShift != null) RowSegmentLoops.zero(diffShift, diffShiftAt, cols);
        for (long r = 0; r < rows; r++) {
            long x = srcAt + r * cols;
            long dy = diffDstAt + r * cols;
            long dx = diffSrcAt + r * cols;
            float mu = mean.getAtIndex(JAVA_FLOAT, meanAt + r);
            float rs = rstd.getAtIndex(JAVA_FLOAT, rstdAt + r);
            var sums = scale != null
                    ? gradientSumsScaled(src, x, diffDst, dy, scale, scaleAt, mu, rs, cols)
                    : gradientSums(src, x, diffDst, dy, mu, rs, cols);
            float meanG = (float) ((double) FloatPair.first(sums) / cols);
            float meanGXhat = (float) ((double) FloatPair.second(sums) / cols);
            if (scale != null && diffShift != null) {
                backwardAffine(src, x, diffDst, dy, scale, scaleAt, diffSrc, dx, diffScale, diffScaleAt, diffShift,
                        diffShiftAt, mu, rs, meanG, meanGXhat, cols);
            } else if (scale != null) {
                backwardScaled(src, x, diffDst, dy, scale, scaleAt, diffSrc, dx, diffScale, diffScaleAt, mu, rs,
                        meanG, meanGXhat, cols);
            } else if (diffShift != null) {
                backwardShifted(src, x, diffDst, dy, diffSrc, dx, diffShift, diffShiftAt, mu, rs, meanG, meanGXhat,
                        cols);
            } else {
                backwardPlain(src, x, diffDst, dy, diffSrc, dx, mu, rs, meanG, meanGXhat, cols);
            }
        }
    }

    /** {@code sum(g)} and {@code sum(g * xhat)} with {@code g = dy * gamma}, as a {@link FloatPair}. */
    private static long gradientSumsScaled(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment scale, long scaleAt, float mu, float rstd, long cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            FloatVector g0 = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER));
            FloatVector g1 = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j1), BYTE_ORDER)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j1), BYTE_ORDER));
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).sub(m).mul(rs), sgx0);
            sgx1 = g1.fma(fromMemorySegment(F, src, Float.BYTES * (x + j1), BYTE_ORDER).sub(m).mul(rs), sgx1);
        }
        FloatVector sumGLanes = sg0.add(sg1);
        float sumG = sumGLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumG += sumGLanes.lane(l); // in lane order: see package-info
        FloatVector sumGXhatLanes = sgx0.add(sgx1);
        float sumGXhat = sumGXhatLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumGXhat += sumGXhatLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float g = diffDst.getAtIndex(JAVA_FLOAT, dy + j) * scale.getAtIndex(JAVA_FLOAT, scaleAt + j);
            sumG += g;
            sumGXhat = Math.fma(g, (src.getAtIndex(JAVA_FLOAT, x + j) - mu) * rstd, sumGXhat);
        }
        return FloatPair.of(sumG, sumGXhat);
    }

    /** As {@link #gradientSumsScaled} with {@code g = dy}. */
    private static long gradientSums(MemorySegment src, long x, MemorySegment diffDst, long dy, float mu,
            float rstd, long cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            FloatVector g0 = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER);
            FloatVector g1 = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j1), BYTE_ORDER);
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).sub(m).mul(rs), sgx0);
            sgx1 = g1.fma(fromMemorySegment(F, src, Float.BYTES * (x + j1), BYTE_ORDER).sub(m).mul(rs), sgx1);
        }
        FloatVector sumGLanes = sg0.add(sg1);
        float sumG = sumGLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumG += sumGLanes.lane(l); // in lane order: see package-info
        FloatVector sumGXhatLanes = sgx0.add(sgx1);
        float sumGXhat = sumGXhatLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumGXhat += sumGXhatLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float g = diffDst.getAtIndex(JAVA_FLOAT, dy + j);
            sumG += g;
            sumGXhat = Math.fma(g, (src.getAtIndex(JAVA_FLOAT, x + j) - mu) * rstd, sumGXhat);
        }
        return FloatPair.of(sumG, sumGXhat);
    }

    // The write passes: diffSrc = (g - mean(g) - xhat * mean(g * xhat)) * rstd, subtracting mean(g) first so that a
    // row whose g is constant cancels exactly; diffScale += dy * xhat and diffShift += dy where present.

    private static void backwardAffine(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment scale, long scaleAt, MemorySegment diffSrc, long dx, MemorySegment diffScale,
            long diffScaleAt, MemorySegment diffShift, long diffShiftAt, float mu, float rstd, float meanG,
            float meanGXhat, long cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).sub(m).mul(rs);
            FloatVector d = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER);
            FloatVector g = d.mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER));
            xhat.fma(a, g.sub(mg)).mul(rs).intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
            d.fma(xhat, fromMemorySegment(F, diffScale, Float.BYTES * (diffScaleAt + j), BYTE_ORDER))
                    .intoMemorySegment(diffScale, Float.BYTES * (diffScaleAt + j), BYTE_ORDER);
            d.add(fromMemorySegment(F, diffShift, Float.BYTES * (diffShiftAt + j), BYTE_ORDER))
                    .intoMemorySegment(diffShift, Float.BYTES * (diffShiftAt + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float xhat = (src.getAtIndex(JAVA_FLOAT, x + j) - mu) * rstd;
            float d = diffDst.getAtIndex(JAVA_FLOAT, dy + j);
            float g = d * scale.getAtIndex(JAVA_FLOAT, scaleAt + j);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, Math.fma(xhat, -meanGXhat, g - meanG) * rstd);
            diffScale.setAtIndex(JAVA_FLOAT, diffScaleAt + j,
                    Math.fma(d, xhat, diffScale.getAtIndex(JAVA_FLOAT, diffScaleAt + j)));
            diffShift.setAtIndex(JAVA_FLOAT, diffShiftAt + j, d + diffShift.getAtIndex(JAVA_FLOAT, diffShiftAt + j));
        }
    }

    private static void backwardScaled(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment scale, long scaleAt, MemorySegment diffSrc, long dx, MemorySegment diffScale,
            long diffScaleAt, float mu, float rstd, float meanG, float meanGXhat, long cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).sub(m).mul(rs);
            FloatVector d = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER);
            FloatVector g = d.mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER));
            xhat.fma(a, g.sub(mg)).mul(rs).intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
            d.fma(xhat, fromMemorySegment(F, diffScale, Float.BYTES * (diffScaleAt + j), BYTE_ORDER))
                    .intoMemorySegment(diffScale, Float.BYTES * (diffScaleAt + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float xhat = (src.getAtIndex(JAVA_FLOAT, x + j) - mu) * rstd;
            float d = diffDst.getAtIndex(JAVA_FLOAT, dy + j);
            float g = d * scale.getAtIndex(JAVA_FLOAT, scaleAt + j);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, Math.fma(xhat, -meanGXhat, g - meanG) * rstd);
            diffScale.setAtIndex(JAVA_FLOAT, diffScaleAt + j,
                    Math.fma(d, xhat, diffScale.getAtIndex(JAVA_FLOAT, diffScaleAt + j)));
        }
    }

    private static void backwardShifted(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, MemorySegment diffShift, long diffShiftAt, float mu, float rstd,
            float meanG, float meanGXhat, long cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).sub(m).mul(rs);
            FloatVector d = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER);
            xhat.fma(a, d.sub(mg)).mul(rs).intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
            d.add(fromMemorySegment(F, diffShift, Float.BYTES * (diffShiftAt + j), BYTE_ORDER))
                    .intoMemorySegment(diffShift, Float.BYTES * (diffShiftAt + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float xhat = (src.getAtIndex(JAVA_FLOAT, x + j) - mu) * rstd;
            float d = diffDst.getAtIndex(JAVA_FLOAT, dy + j);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, Math.fma(xhat, -meanGXhat, d - meanG) * rstd);
            diffShift.setAtIndex(JAVA_FLOAT, diffShiftAt + j, d + diffShift.getAtIndex(JAVA_FLOAT, diffShiftAt + j));
        }
    }

    private static void backwardPlain(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float mu, float rstd, float meanG, float meanGXhat, long cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).sub(m).mul(rs);
            FloatVector d = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER);
            xhat.fma(a, d.sub(mg)).mul(rs).intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float xhat = (src.getAtIndex(JAVA_FLOAT, x + j) - mu) * rstd;
            float d = diffDst.getAtIndex(JAVA_FLOAT, dy + j);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, Math.fma(xhat, -meanGXhat, d - meanG) * rstd);
        }
    }
}
