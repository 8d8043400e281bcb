package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.BYTE_ORDER;
import static dev.normkit.vector.RowLoops.LANES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Spectral norm's matrix passes on native segments (see {@link VectorSpectralNorm} for the method). Template of the
 * generated {@code SpectralNormArrayLoops}; written to the rules in package-info.java. Each tensor comes with its
 * base index in floats; W is rows x cols, row-major.
 */
final class SpectralNormSegmentLoops {
    private SpectralNormSegmentLoops() {}

    /**
     * Training forward: the power iterations (u and v updated in place), sigma, and dst = W / sigma. Returns sigma.
     * After an iteration sigma = u^T (W v) = ||W v||^2 / max(||W v||, eps), with the W v the iteration has just
     * computed: no third pass over W. Without iterations it is computed from u and v as given.
     */
    static float forwardTraining(MemorySegment w, long wAt, MemorySegment u, long uAt, MemorySegment v, long vAt,
            MemorySegment dst, long dstAt, long rows, long cols, int iterations, float eps) {
        double sigma = 0;
        for (int k = 0; k < iterations; k++) {
            transposedProduct(w, wAt, u, uAt, v, vAt, rows, cols);
            double vNorm = Math.sqrt(squares(v, vAt, cols));
            WeightNormSegmentLoops.scale(v, vAt, v, vAt, (float) (1.0 / Math.max(vNorm, eps)), cols);
            double wv = Math.sqrt(product(w, wAt, v, vAt, u, uAt, rows, cols));
            double uDivisor = Math.max(wv, eps);
            WeightNormSegmentLoops.scale(u, uAt, u, uAt, (float) (1.0 / uDivisor), rows);
            sigma = wv * wv / uDivisor;
        }
        if (iterations == 0) sigma = sigma(w, wAt, u, uAt, v, vAt, rows, cols);
        WeightNormSegmentLoops.scale(w, wAt, dst, dstAt, (float) (1.0 / sigma), rows * cols);
        return (float) sigma;
    }

    /** Inference forward: sigma = u^T W v from u and v as given, dst = W / sigma. */
    static void forward(MemorySegment w, long wAt, MemorySegment u, long uAt, MemorySegment v, long vAt,
            MemorySegment dst, long dstAt, long rows, long cols) {
        double sigma = sigma(w, wAt, u, uAt, v, vAt, rows, cols);
        WeightNormSegmentLoops.scale(w, wAt, dst, dstAt, (float) (1.0 / sigma), rows * cols);
    }

    /** {@code u^T W v}: each row's dot with v in f32 lanes, the weighted sum over rows in double. */
    private static double sigma(MemorySegment w, long wAt, MemorySegment u, long uAt, MemorySegment v, long vAt,
            long rows, long cols) {
        double sigma = 0;
        for (long i = 0; i < rows; i++) {
            sigma += (double) u.getAtIndex(JAVA_FLOAT, uAt + i) * RowSegmentLoops.dot(w, wAt + i * cols, v, vAt, cols);
        }
        return sigma;
    }

    /** {@code out = W v} (rows floats, each a row's dot with v); returns {@code ||W v||^2}, summed in double. */
    private static double product(MemorySegment w, long wAt, MemorySegment v, long vAt, MemorySegment out,
            long outAt, long rows, long cols) {
        double squares = 0;
        for (long i = 0; i < rows; i++) {
            float s = RowSegmentLoops.dot(w, wAt + i * cols, v, vAt, cols);
            out.setAtIndex(JAVA_FLOAT, outAt + i, s);
            squares += (double) s * s;
        }
        return squares;
    }

    /** {@code out = W^T u} (cols floats): row i of W times u[i] added into out, row by row, with fma lanes. */
    private static void transposedProduct(MemorySegment w, long wAt, MemorySegment u, long uAt, MemorySegment out,
            long outAt, long rows, long cols) {
        RowSegmentLoops.zero(out, outAt, cols);
        for (long i = 0; i < rows; i++) {
            addScaled(w, wAt + i * cols, u.getAtIndex(JAVA_FLOAT, uAt + i), out, outAt, cols);
        }
    }

    /** {@code acc += x * a} over {@code count} floats. */
    private static void addScaled(MemorySegment x, long xAt, float a, MemorySegment acc, long accAt, long count) {
        FloatVector va = FloatVector.broadcast(F, a);
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            fromMemorySegment(F, x, Float.BYTES * (xAt + j), BYTE_ORDER)
                    .fma(va, fromMemorySegment(F, acc, Float.BYTES * (accAt + j), BYTE_ORDER))
                    .intoMemorySegment(acc, Float.BYTES * (accAt + j), BYTE_ORDER);
        }
        for (; j < count; j++) {
            acc.setAtIndex(JAVA_FLOAT, accAt + j,
                    Math.fma(x.getAtIndex(JAVA_FLOAT, xAt + j), a, acc.getAtIndex(JAVA_FLOAT, accAt + j)));
        }
    }

    /** Sum of squares in f32 lanes, again in double where f32 overflowed or underflowed. */
    private static double squares(MemorySegment x, long at, long count) {
        float s = RowSegmentLoops.sumOfSquares(x, at, count);
        return RowLoops.squaresNeedDouble(s, 0f) ? RowSegmentLoops.squaresInDouble(x, at, count, 0.0) : s;
    }

    /**
     * Backward: {@code c = sum(diffDst * W) / sigma} (rows in f32 lanes, across rows in double), then each row
     * {@code diffSrc = diffDst * (1 / sigma) + v * (-c u[i] / sigma)}.
     */
    static void backward(MemorySegment w, long wAt, MemorySegment diffDst, long diffDstAt, MemorySegment u, long uAt,
            MemorySegment v, long vAt, float sigma, MemorySegment diffSrc, long diffSrcAt, long rows, long cols) {
        double dot = 0;
        for (long i = 0; i < rows; i++) {
            dot += RowSegmentLoops.dot(diffDst, diffDstAt + i * cols, w, wAt + i * cols, cols);
        }
        double c = dot / sigma;
        float a = (float) (1.0 / sigma);
        for (long i = 0; i < rows; i++) {
            float b = (float) (-c * u.getAtIndex(JAVA_FLOAT, uAt + i) / sigma);
            WeightNormSegmentLoops.combine(diffDst, diffDstAt + i * cols, v, vAt, diffSrc, diffSrcAt + i * cols, a, b,
                    cols);
        }
    }
}
