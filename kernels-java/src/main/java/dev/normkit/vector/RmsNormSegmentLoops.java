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
 * RMS norm's rows on native segments (see {@link VectorRmsNorm} for the method). Template of the generated
 * {@code RmsNormArrayLoops}; written to the rules in package-info.java. Each tensor comes with its base index in floats.
 */
final class RmsNormSegmentLoops {
    private RmsNormSegmentLoops() {}

    /**
     * Row r's sum of squares arrives from the pass that wrote row r - 1, so each row is read from memory once.
     * {@code rstdOut} is null for inference.
     */
    static void forward(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, MemorySegment scale,
            long scaleAt, MemorySegment rstdOut, long rstdAt, long rows, long cols, float eps) {
        float squares = RowSegmentLoops.sumOfSquares(src, srcAt, cols);
        for (long r = 0; r < rows; r++) {
            long row = srcAt + r * cols;
            double meanSquare = RowLoops.squaresNeedDouble(squares, eps)
                    ? RowSegmentLoops.squaresInDouble(src, row, cols, 0.0) / cols
                    : (double) squares / cols;
            float rstd = (float) (1.0 / Math.sqrt(meanSquare + eps));
            if (rstdOut != null) rstdOut.setAtIndex(JAVA_FLOAT, rstdAt + r, rstd);
            // The last row has no successor: it passes itself, and the sum gathered is never used.
            long next = r + 1 < rows ? row + cols : row;
            long out = dstAt + r * cols;
            squares = scale != null
                    ? writeScaled(src, row, dst, out, scale, scaleAt, rstd, next, cols)
                    : writePlain(src, row, dst, out, rstd, next, cols);
        }
    }

    // The write passes: y = x * rstd, times scale where given; each also returns the sum of squares of the row at
    // src index next, two vectors per step so that the accumulator chains overlap.

    private static float writeScaled(MemorySegment src, long row, MemorySegment dst, long out, MemorySegment scale,
            long scaleAt, float rstd, long next, long cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector q0 = FloatVector.zero(F), q1 = q0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).mul(rs)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).mul(rs)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j1), BYTE_ORDER))
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector x0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER);
            FloatVector x1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER);
            q0 = x0.fma(x0, q0);
            q1 = x1.fma(x1, q1);
        }
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            dst.setAtIndex(JAVA_FLOAT, out + j,
                    src.getAtIndex(JAVA_FLOAT, row + j) * rstd * scale.getAtIndex(JAVA_FLOAT, scaleAt + j));
            float x = src.getAtIndex(JAVA_FLOAT, next + j);
            squares = Math.fma(x, x, squares);
        }
        return squares;
    }

    private static float writePlain(MemorySegment src, long row, MemorySegment dst, long out, float rstd, long next,
            long cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector q0 = FloatVector.zero(F), q1 = q0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).mul(rs)
                    .intoMemorySegment(dst, Float.BYTES * (out + j), BYTE_ORDER);
            fromMemorySegment(F, src, Float.BYTES * (row + j1), BYTE_ORDER).mul(rs)
                    .intoMemorySegment(dst, Float.BYTES * (out + j1), BYTE_ORDER);
            FloatVector x0 = fromMemorySegment(F, src, Float.BYTES * (next + j), BYTE_ORDER);
            FloatVector x1 = fromMemorySegment(F, src, Float.BYTES * (next + j1), BYTE_ORDER);
            q0 = x0.fma(x0, q0);
            q1 = x1.fma(x1, q1);
        }
        FloatVector squaresLanes = q0.add(q1);
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            dst.setAtIndex(JAVA_FLOAT, out + j, src.getAtIndex(JAVA_FLOAT, row + j) * rstd);
            float x = src.getAtIndex(JAVA_FLOAT, next + j);
            squares = Math.fma(x, x, squares);
        }
        return squares;
    }

    /**
     * Backward: each row is read twice, {@code sum(g * xhat)}, then diffSrc is written while diffScale accumulates
     * across rows. Null scale and diffScale are absent.
     */
    static void backward(MemorySegment src, long srcAt, MemorySegment diffDst, long diffDstAt, MemorySegment scale,
            long scaleAt, MemorySegment rstd, long rstdAt, MemorySegment diffSrc, long diffSrcAt,
            MemorySegment diffScale, long diffScaleAt, long rows, long cols) {
        if (diffScale != null) RowSegmentLoops.zero(diffScale, diffScaleAt, cols);
        for (long r = 0; r < rows; r++) {
            long x = srcAt + r * cols;
            long dy = diffDstAt + r * cols;
            long dx = diffSrcAt + r * cols;
            float rs = rstd.getAtIndex(JAVA_FLOAT, rstdAt + r);
            if (scale != null) {
                float meanGXhat = (float) ((double) sumGXhatScaled(src, x, diffDst, dy, scale, scaleAt, rs, cols)
                        / cols);
                backwardScaled(src, x, diffDst, dy, scale, scaleAt, diffSrc, dx, diffScale, diffScaleAt, rs,
                        meanGXhat, cols);
            } else {
                float meanGXhat = (float) ((double) RowSegmentLoops.dot(diffDst, dy, src, x, cols) * rs / cols);
                backwardPlain(src, x, diffDst, dy, diffSrc, dx, rs, meanGXhat, cols);
            }
        }
    }

    /** {@code sum(dy * gamma * x * rstd)}. */
    private static float sumGXhatScaled(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment scale, long scaleAt, float rstd, long cols) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        long j = 0;
        for (long end = cols - cols % (2 * LANES); j < end; j += 2 * LANES) {
            long j1 = j + LANES;
            FloatVector g0 = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER));
            FloatVector g1 = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j1), BYTE_ORDER)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j1), BYTE_ORDER));
            s0 = g0.fma(fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER), s0);
            s1 = g1.fma(fromMemorySegment(F, src, Float.BYTES * (x + j1), BYTE_ORDER), s1);
        }
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector g = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER)
                    .mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER));
            s0 = g.fma(fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER), s0);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < cols; j++) {
            float g = diffDst.getAtIndex(JAVA_FLOAT, dy + j) * scale.getAtIndex(JAVA_FLOAT, scaleAt + j);
            sum = Math.fma(g, src.getAtIndex(JAVA_FLOAT, x + j), sum);
        }
        return sum * rstd;
    }

    // The write passes: diffSrc = (g - xhat * mean(g * xhat)) * rstd; diffScale += dy * xhat where present.

    private static void backwardScaled(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment scale, long scaleAt, MemorySegment diffSrc, long dx, MemorySegment diffScale,
            long diffScaleAt, float rstd, float meanGXhat, long cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).mul(rs);
            FloatVector d = fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER);
            FloatVector g = d.mul(fromMemorySegment(F, scale, Float.BYTES * (scaleAt + j), BYTE_ORDER));
            xhat.fma(a, g).mul(rs).intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
            d.fma(xhat, fromMemorySegment(F, diffScale, Float.BYTES * (diffScaleAt + j), BYTE_ORDER))
                    .intoMemorySegment(diffScale, Float.BYTES * (diffScaleAt + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float xhat = src.getAtIndex(JAVA_FLOAT, x + j) * rstd;
            float d = diffDst.getAtIndex(JAVA_FLOAT, dy + j);
            float g = d * scale.getAtIndex(JAVA_FLOAT, scaleAt + j);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, Math.fma(xhat, -meanGXhat, g) * rstd);
            diffScale.setAtIndex(JAVA_FLOAT, diffScaleAt + j,
                    Math.fma(d, xhat, diffScale.getAtIndex(JAVA_FLOAT, diffScaleAt + j)));
        }
    }

    private static void backwardPlain(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float rstd, float meanGXhat, long cols) {
        FloatVector rs = FloatVector.broadcast(F, rstd);
        FloatVector a = FloatVector.broadcast(F, -meanGXhat);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector xhat = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).mul(rs);
            xhat.fma(a, fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER)).mul(rs)
                    .intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float xhat = src.getAtIndex(JAVA_FLOAT, x + j) * rstd;
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j,
                    Math.fma(xhat, -meanGXhat, diffDst.getAtIndex(JAVA_FLOAT, dy + j)) * rstd);
        }
    }
}
