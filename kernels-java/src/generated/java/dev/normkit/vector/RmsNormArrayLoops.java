// GENERATED from RmsNormSegmentLoops.java by kernels-java/src/build/java/GenerateArrayLoops.java.
// Do not edit: edit the template and rerun the generator.
package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The {@code float[]} variant of {@link RmsNormSegmentLoops}, generated from it (see package-info.java). */
final class RmsNormArrayLoops {
    private RmsNormArrayLoops() {}

    /**
     * Row r's sum of squares arrives from the pass that wrote row r - 1, so each row is read from memory once.
     * {@code rstdOut} is null for inference.
     */
    static void forward(float[] src, int srcAt, float[] dst, int dstAt, float[] scale,
            int scaleAt, float[] rstdOut, int rstdAt, int rows, int cols, float eps) {
        float squares = RowArrayLoops.sumOfSquares(src, srcAt, cols);
        for (int r = 0; r < rows; r++) {
            int row = srcAt + r * cols;
            double meanSquare = RowLoops.squaresNeedDouble(squares, eps)
                    ? RowArrayLoops.squaresInDouble(src, row, cols, 0.0) / cols
                    : (double) squares / cols;
            float rstd = (float) (1.0 / Math.sqrt(meanSquare + eps));
            if (rstdOut != null) rstdOut[rstdAt + r] = rstd;
            // The last row has no successor: it passes itself, and the sum gathered is never used.
            int next = r + 1 < rows ? row + cols : row;
            int out = dstAt + r * cols;
            squares = scale != null
                    ? writeScaled(src, row, dst, out, scale, scaleAt, rstd, next, cols)
                    : writePlain(src, row, dst, out, rstd, next, cols);
        }
    }

    // The write passes: y = x * rstd, times scale where given; each also returns the sum of squares of the row at
    // src index next, two vectors per step so that the accumulator chains overlap.

    private static float writeScaled(float[] src, int row, float[] dst, int out, float[] scale,
            int scaleAt, float rstd, int next, int cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector q0 = FloatVector.zero(F), q1 = q0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).mul(rs)
                    .mul(fromArray(F, scale, scaleAt + j))
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).mul(rs)
                    .mul(fromArray(F, scale, scaleAt + j1))
                    .intoArray(dst, out + j1);
            FloatVector x0 = fromArray(F, src, next + j);
            FloatVector x1 = fromArray(F, src, next + j1);
            q0 = x0.fma(x0, q0);
            q1 = x1.fma(x1, q1);
        }
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            dst[out + j] = src[row + j] * rstd * scale[scaleAt + j];
            float x = src[next + j];
            squares = Math.fma(x, x, squares);
        }
        return squares;
    }

    private static float writePlain(float[] src, int row, float[] dst, int out, float rstd, int next,
            int cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector q0 = FloatVector.zero(F), q1 = q0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            fromArray(F, src, row + j).mul(rs)
                    .intoArray(dst, out + j);
            fromArray(F, src, row + j1).mul(rs)
                    .intoArray(dst, out + j1);
            FloatVector x0 = fromArray(F, src, next + j);
            FloatVector x1 = fromArray(F, src, next + j1);
            q0 = x0.fma(x0, q0);
            q1 = x1.fma(x1, q1);
        }
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            dst[out + j] = src[row + j] * rstd;
            float x = src[next + j];
            squares = Math.fma(x, x, squares);
        }
        return squares;
    }

    /**
     * Backward: each row is read twice, {@code sum(g * xhat)}, then diffSrc is written while diffScale accumulates
     * across rows. Null scale and diffScale are absent.
     */
    static void backward(float[] src, int srcAt, float[] diffDst, int diffDstAt, float[] scale,
            int scaleAt, float[] rstd, int rstdAt, float[] diffSrc, int diffSrcAt,
            float[] diffScale, int diffScaleAt, int rows, int cols) {
        if (diffScale != null) RowArrayLoops.zero(diffScale, diffScaleAt, cols);
        for (int r = 0; r < rows; r++) {
            int x = srcAt + r * cols;
            int dy = diffDstAt + r * cols;
            int dx = diffSrcAt + r * cols;
            float rs = rstd[rstdAt + r];
            if (scale != null) {
                float meanGXhat = (float) ((double) sumGXhatScaled(src, x, diffDst, dy, scale, scaleAt, rs, cols)
                        / cols);
                backwardScaled(src, x, diffDst, dy, scale, scaleAt, diffSrc, dx, diffScale, diffScaleAt, rs,
                        meanGXhat, cols);
            } else {
                float meanGXhat = (float) ((double) RowArrayLoops.dot(diffDst, dy, src, x, cols) * rs / cols);
                backwardPlain(src, x, diffDst, dy, diffSrc, dx, rs, meanGXhat, cols);
            }
        }
    }

    /** {@code sum(dy * gamma * x * rstd)}. */
    private static float sumGXhatScaled(float[] src, int x, float[] diffDst, int dy,
            float[] scale, int scaleAt, float rstd, int cols) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        int j = 0;
        for (int end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            int j1 = j + LANES;
            FloatVector g0 = fromArray(F, diffDst, dy + j)
                    .mul(fromArray(F, scale, scaleAt + j));
            FloatVector g1 = fromArray(F, diffDst, dy + j1)
                    .mul(fromArray(F, scale, scaleAt + j1));
            s0 = g0.fma(fromArray(F, src, x + j), s0);
            s1 = g1.fma(fromArray(F, src, x + j1), s1);
        }
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector g = fromArray(F, diffDst, dy + j)
                    .mul(fromArray(F, scale, scaleAt + j));
            s0 = g.fma(fromArray(F, src, x + j), s0);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float g = diffDst[dy + j] * scale[scaleAt + j];
            sum = Math.fma(g, src[x + j], sum);
        }
        return sum * rstd;
    }

    // The write passes: diffSrc = (g - xhat * mean(g * xhat)) * rstd; diffScale += dy * xhat where present.

    private static void backwardScaled(float[] src, int x, float[] diffDst, int dy,
            float[] scale, int scaleAt, float[] diffSrc, int dx, float[] diffScale,
            int diffScaleAt, float rstd, float meanGXhat, int cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        int j = 0;
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromArray(F, src, x + j).mul(rs);
            FloatVector d = fromArray(F, diffDst, dy + j);
            FloatVector g = d.mul(fromArray(F, scale, scaleAt + j));
            xhat.fma(a, g).mul(rs).intoArray(diffSrc, dx + j);
            d.fma(xhat, fromArray(F, diffScale, diffScaleAt + j))
                    .intoArray(diffScale, diffScaleAt + j);
        }
        for (; j < cols; j++) {
            float xhat = src[x + j] * rstd;
            float d = diffDst[dy + j];
            float g = d * scale[scaleAt + j];
            diffSrc[dx + j] = Math.fma(xhat, -meanGXhat, g) * rstd;
            diffScale[diffScaleAt + j] = Math.fma(d, xhat, diffScale[diffScaleAt + j]);
        }
    }

    private static void backwardPlain(float[] src, int x, float[] diffDst, int dy,
            float[] diffSrc, int dx, float rstd, float meanGXhat, int cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        int j = 0;
        for (int end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromArray(F, src, x + j).mul(rs);
            xhat.fma(a, fromArray(F, diffDst, dy + j)).mul(rs)
                    .intoArray(diffSrc, dx + j);
        }
        for (; j < cols; j++) {
            float xhat = src[x + j] * rstd;
            diffSrc[dx + j] = Math.fma(xhat, -meanGXhat, diffDst[dy + j]) * rstd;
        }
    }
}
