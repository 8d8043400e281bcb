// GENERATED from LayerNormSegmentLoops.java by kernels-java/src/build/java/GenerateArrayLoops.java.
// Do not edit: edit the template and rerun the generator.
package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The {@code float[]} variant of {@link LayerNormSegmentLoops}, generated from it (see package-info.java). */
final class LayerNormArrayLoops {
    private LayerNormArrayLoops() {}

    /**
     * Row r's moments about a centre K (the mean of its first vector) arrive from the pass that wrote row r - 1, so
     * each row is read from memory once, while the previous row's output streams out. With
     * {@code d = x - K}: {@code mean = K + mean(d)}, {@code var = mean(d^2) - mean(d)^2}. The subtraction loses
     * little while {@code mean(d^2) <= 4 var}, that is while K lies within about two standard deviations of the mean;
     * a row where it does not (an outlier among its first elements) gets one more pass, centred on its mean.
     * {@code meanOut} and {@code rstdOut} are null for inference.
     */
    static void forward(float[] src, int srcAt, float[] dst, int dstAt, float[] scale,
            int scaleAt, float[] shift, int shiftAt, float[] meanOut, int meanAt,
            float[] rstdOut, int rstdAt, int rows, int cols, float eps) {
        float center = rowCenter(src, srcAt, cols);
        var moments = RowArrayLoops.centeredMoments(src, srcAt, cols, center);
        for (int r = 0; r < rows; r++) {
            int row = srcAt + r * cols;
            double meanD = (double) FloatPair.first(moments) / cols;
            float squares = FloatPair.second(moments);
            double meanSquareD = (double) squares / cols;
            float m1 = (float) (center + meanD);
            double c = center + meanD - m1;
            double variance = meanSquareD - meanD * meanD;
            if (RowLoops.squaresNeedDouble(squares, eps)) {
                double mean = RowArrayLoops.meanInDouble(src, row, cols);
                variance = RowArrayLoops.squaresInDouble(src, row, cols, mean) / cols;
                m1 = (float) mean;
                c = mean - m1;
            } else if (meanD * meanD > 0.75 * meanSquareD) {
                var recentred = RowArrayLoops.centeredMoments(src, row, cols, m1);
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
                    mean = (float) RowArrayLoops.meanInDouble(src, row, cols);
                }
                meanOut[meanAt + r] = mean;
                rstdOut[rstdAt + r] = rstd;
            }
            // The last row has no successor: it passes itself, and the moments gathered are never used.
            int next = r + 1 < rows ? row + cols : row;
            int out = dstAt + r * cols;
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
    private static float rowCenter(float[] src, int row, int cols) {
        if (cols < LANES) return src[row];
        float sum = 0f;
        for (int l = 0; l < LANES; l++) sum += src[row + l];
        return sum / LANES;
    }

    /*
     * The write passes: y = ((x - m1) * rstd + bias), then scale and/or shift, from src index row to dst index out;
     * each also returns the moments of the row at src index next about center (see
     * RowArrayLoops.centeredMoments), two vectors per step so that the four accumulator chains overlap.
     */

    private static long writeAffine(float[] src, int row, float[] dst, int out, float[] scale,
            int scaleAt, float[] shift, int shiftAt, float m1, float rstd, float bias, int next,
            float center, int cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).sub(m).fma(rs, b)
                    .fma(fromArray(F, scale, scaleAt + j),
                            fromArray(F, shift, shiftAt + j))
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).sub(m).fma(rs, b)
                    .fma(fromArray(F, scale, scaleAt + j1),
                            fromArray(F, shift, shiftAt + j1))
                    .intoArray(dst, out + j1);
            FloatVector d0 = fromArray(F, src, next + j).sub(k);
            FloatVector d1 = fromArray(F, src, next + j1).sub(k);
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
            float xhat = Math.fma(src[row + j] - m1, rstd, bias);
            dst[out + j] = Math.fma(xhat, scale[scaleAt + j], shift[shiftAt + j]);
            float d = src[next + j] - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private static long writeScaled(float[] src, int row, float[] dst, int out, float[] scale,
            int scaleAt, float m1, float rstd, float bias, int next, float center, int cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).sub(m).fma(rs, b)
                    .mul(fromArray(F, scale, scaleAt + j))
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).sub(m).fma(rs, b)
                    .mul(fromArray(F, scale, scaleAt + j1))
                    .intoArray(dst, out + j1);
            FloatVector d0 = fromArray(F, src, next + j).sub(k);
            FloatVector d1 = fromArray(F, src, next + j1).sub(k);
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
            float xhat = Math.fma(src[row + j] - m1, rstd, bias);
            dst[out + j] = xhat * scale[scaleAt + j];
            float d = src[next + j] - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private static long writeShifted(float[] src, int row, float[] dst, int out, float[] shift,
            int shiftAt, float m1, float rstd, float bias, int next, float center, int cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).sub(m).fma(rs, b)
                    .add(fromArray(F, shift, shiftAt + j))
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).sub(m).fma(rs, b)
                    .add(fromArray(F, shift, shiftAt + j1))
                    .intoArray(dst, out + j1);
            FloatVector d0 = fromArray(F, src, next + j).sub(k);
            FloatVector d1 = fromArray(F, src, next + j1).sub(k);
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
            float xhat = Math.fma(src[row + j] - m1, rstd, bias);
            dst[out + j] = xhat + shift[shiftAt + j];
            float d = src[next + j] - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    private static long writePlain(float[] src, int row, float[] dst, int out, float m1, float rstd,
            float bias, int next, float center, int cols) {
        FloatVector m = FloatVector.broadcast(F, m1);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector b = FloatVector.broadcast(F, bias);
        FloatVector k = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, q0 = s0, q1 = s0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).sub(m).fma(rs, b)
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).sub(m).fma(rs, b)
                    .intoArray(dst, out + j1);
            FloatVector d0 = fromArray(F, src, next + j).sub(k);
            FloatVector d1 = fromArray(F, src, next + j1).sub(k);
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
            dst[out + j] = Math.fma(src[row + j] - m1, rstd, bias);
            float d = src[next + j] - center;
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
    static void backward(float[] src, int srcAt, float[] diffDst, int diffDstAt, float[] scale,
            int scaleAt, float[] mean, int meanAt, float[] rstd, int rstdAt, float[] diffSrc,
            int diffSrcAt, float[] diffScale, int diffScaleAt, float[] diffShift, int diffShiftAt,
            int rows, int cols) {
        if (diffScale != null) RowArrayLoops.zero(diffScale, diffScaleAt, cols);
        if (diffShift != null) RowArrayLoops.zero(diffShift, diffShiftAt, cols);
        for (int r = 0; r < rows; r++) {
            int x = srcAt + r * cols;
            int dy = diffDstAt + r * cols;
            int dx = diffSrcAt + r * cols;
            float mu = mean[meanAt + r];
            float rs = rstd[rstdAt + r];
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
    private static long gradientSumsScaled(float[] src, int x, float[] diffDst, int dy,
            float[] scale, int scaleAt, float mu, float rstd, int cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            FloatVector g0 = fromArray(F, diffDst, dy + j)
                    .mul(fromArray(F, scale, scaleAt + j));
            FloatVector g1 = fromArray(F, diffDst, dy + j1)
                    .mul(fromArray(F, scale, scaleAt + j1));
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(fromArray(F, src, x + j).sub(m).mul(rs), sgx0);
            sgx1 = g1.fma(fromArray(F, src, x + j1).sub(m).mul(rs), sgx1);
        }
        FloatVector sumGLanes = sg0.add(sg1);
        float sumG = sumGLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumG += sumGLanes.lane(l); // in lane order: see package-info
        FloatVector sumGXhatLanes = sgx0.add(sgx1);
        float sumGXhat = sumGXhatLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumGXhat += sumGXhatLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float g = diffDst[dy + j] * scale[scaleAt + j];
            sumG += g;
            sumGXhat = Math.fma(g, (src[x + j] - mu) * rstd, sumGXhat);
        }
        return FloatPair.of(sumG, sumGXhat);
    }

    /** As {@link #gradientSumsScaled} with {@code g = dy}. */
    private static long gradientSums(float[] src, int x, float[] diffDst, int dy, float mu,
            float rstd, int cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector sg0 = FloatVector.zero(F), sg1 = sg0, sgx0 = sg0, sgx1 = sg0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            FloatVector g0 = fromArray(F, diffDst, dy + j);
            FloatVector g1 = fromArray(F, diffDst, dy + j1);
            sg0 = sg0.add(g0);
            sg1 = sg1.add(g1);
            sgx0 = g0.fma(fromArray(F, src, x + j).sub(m).mul(rs), sgx0);
            sgx1 = g1.fma(fromArray(F, src, x + j1).sub(m).mul(rs), sgx1);
        }
        FloatVector sumGLanes = sg0.add(sg1);
        float sumG = sumGLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumG += sumGLanes.lane(l); // in lane order: see package-info
        FloatVector sumGXhatLanes = sgx0.add(sgx1);
        float sumGXhat = sumGXhatLanes.lane(0);
        for (int l = 1; l < LANES; l++) sumGXhat += sumGXhatLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float g = diffDst[dy + j];
            sumG += g;
            sumGXhat = Math.fma(g, (src[x + j] - mu) * rstd, sumGXhat);
        }
        return FloatPair.of(sumG, sumGXhat);
    }

    // The write passes: diffSrc = (g - mean(g) - xhat * mean(g * xhat)) * rstd, subtracting mean(g) first so that a
    // row whose g is constant cancels exactly; diffScale += dy * xhat and diffShift += dy where present.

    private static void backwardAffine(float[] src, int x, float[] diffDst, int dy,
            float[] scale, int scaleAt, float[] diffSrc, int dx, float[] diffScale,
            int diffScaleAt, float[] diffShift, int diffShiftAt, float mu, float rstd, float meanG,
            float meanGXhat, int cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        int j = 0;
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromArray(F, src, x + j).sub(m).mul(rs);
            FloatVector d = fromArray(F, diffDst, dy + j);
            FloatVector g = d.mul(fromArray(F, scale, scaleAt + j));
            xhat.fma(a, g.sub(mg)).mul(rs).intoArray(diffSrc, dx + j);
            d.fma(xhat, fromArray(F, diffScale, diffScaleAt + j))
                    .intoArray(diffScale, diffScaleAt + j);
            d.add(fromArray(F, diffShift, diffShiftAt + j))
                    .intoArray(diffShift, diffShiftAt + j);
        }
        for (; j < cols; j++) {
            float xhat = (src[x + j] - mu) * rstd;
            float d = diffDst[dy + j];
            float g = d * scale[scaleAt + j];
            diffSrc[dx + j] = Math.fma(xhat, -meanGXhat, g - meanG) * rstd;
            diffScale[diffScaleAt + j] = Math.fma(d, xhat, diffScale[diffScaleAt + j]);
            diffShift[diffShiftAt + j] = d + diffShift[diffShiftAt + j];
        }
    }

    private static void backwardScaled(float[] src, int x, float[] diffDst, int dy,
            float[] scale, int scaleAt, float[] diffSrc, int dx, float[] diffScale,
            int diffScaleAt, float mu, float rstd, float meanG, float meanGXhat, int cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        int j = 0;
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromArray(F, src, x + j).sub(m).mul(rs);
            FloatVector d = fromArray(F, diffDst, dy + j);
            FloatVector g = d.mul(fromArray(F, scale, scaleAt + j));
            xhat.fma(a, g.sub(mg)).mul(rs).intoArray(diffSrc, dx + j);
            d.fma(xhat, fromArray(F, diffScale, diffScaleAt + j))
                    .intoArray(diffScale, diffScaleAt + j);
        }
        for (; j < cols; j++) {
            float xhat = (src[x + j] - mu) * rstd;
            float d = diffDst[dy + j];
            float g = d * scale[scaleAt + j];
            diffSrc[dx + j] = Math.fma(xhat, -meanGXhat, g - meanG) * rstd;
            diffScale[diffScaleAt + j] = Math.fma(d, xhat, diffScale[diffScaleAt + j]);
        }
    }

    private static void backwardShifted(float[] src, int x, float[] diffDst, int dy,
            float[] diffSrc, int dx, float[] diffShift, int diffShiftAt, float mu, float rstd,
            float meanG, float meanGXhat, int cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        int j = 0;
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromArray(F, src, x + j).sub(m).mul(rs);
            FloatVector d = fromArray(F, diffDst, dy + j);
            xhat.fma(a, d.sub(mg)).mul(rs).intoArray(diffSrc, dx + j);
            d.add(fromArray(F, diffShift, diffShiftAt + j))
                    .intoArray(diffShift, diffShiftAt + j);
        }
        for (; j < cols; j++) {
            float xhat = (src[x + j] - mu) * rstd;
            float d = diffDst[dy + j];
            diffSrc[dx + j] = Math.fma(xhat, -meanGXhat, d - meanG) * rstd;
            diffShift[diffShiftAt + j] = d + diffShift[diffShiftAt + j];
        }
    }

    private static void backwardPlain(float[] src, int x, float[] diffDst, int dy,
            float[] diffSrc, int dx, float mu, float rstd, float meanG, float meanGXhat, int cols) {
        FloatVector m = FloatVector.broadcast(F, mu);
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector mg = FloatVector.broadcast(F, meanG);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        int j = 0;
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromArray(F, src, x + j).sub(m).mul(rs);
            FloatVector d = fromArray(F, diffDst, dy + j);
            xhat.fma(a, d.sub(mg)).mul(rs).intoArray(diffSrc, dx + j);
        }
        for (; j < cols; j++) {
            float xhat = (src[x + j] - mu) * rstd;
            float d = diffDst[dy + j];
            diffSrc[dx + j] = Math.fma(xhat, -meanGXhat, d - meanG) * rstd;
        }
    }
}
