// GENERATED from SpectralNormSegmentLoops.java by kernels-java/src/build/java/GenerateArrayLoops.java.
// Do not edit: edit the template and rerun the generator.
package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;

/** The {@code float[]} variant of {@link SpectralNormSegmentLoops}, generated from it (see package-info.java). */
final class SpectralNormArrayLoops {
    private SpectralNormArrayLoops() {}

    /**
     * Training forward: the power iterations (u and v updated in place), sigma, and dst = W / sigma. Returns sigma.
     * After an iteration sigma = u^T (W v) = ||W v||^2 / max(||W v||, eps), with the W v the iteration has just
     * computed: no third pass over W. Without iterations it is computed from u and v as given.
     */
    static float forwardTraining(float[] w, int wAt, float[] u, int uAt, float[] v, int vAt,
            float[] dst, int dstAt, int rows, int cols, int iterations, float eps) {
        double sigma = 0;
        for (int k = 0; k < iterations; k++) {
            transposedProduct(w, wAt, u, uAt, v, vAt, rows, cols);
            double vNorm = Math.sqrt(squares(v, vAt, cols));
            WeightNormArrayLoops.scale(v, vAt, v, vAt, (float) (1.0 / Math.max(vNorm, eps)), cols);
            double wv = Math.sqrt(product(w, wAt, v, vAt, u, uAt, rows, cols));
            double uDivisor = Math.max(wv, eps);
            WeightNormArrayLoops.scale(u, uAt, u, uAt, (float) (1.0 / uDivisor), rows);
            sigma = wv * wv / uDivisor;
        }
        if (iterations == 0) sigma = sigma(w, wAt, u, uAt, v, vAt, rows, cols);
        WeightNormArrayLoops.scale(w, wAt, dst, dstAt, (float) (1.0 / sigma), rows * cols);
        return (float) sigma;
    }

    /** Inference forward: sigma = u^T W v from u and v as given, dst = W / sigma. */
    static void forward(float[] w, int wAt, float[] u, int uAt, float[] v, int vAt,
            float[] dst, int dstAt, int rows, int cols) {
        double sigma = sigma(w, wAt, u, uAt, v, vAt, rows, cols);
        WeightNormArrayLoops.scale(w, wAt, dst, dstAt, (float) (1.0 / sigma), rows * cols);
    }

    /** {@code u^T W v}: each row's dot with v in f32 lanes, the weighted sum over rows in double. */
    private static double sigma(float[] w, int wAt, float[] u, int uAt, float[] v, int vAt,
            int rows, int cols) {
        double sigma = 0;
        for (int i = 0; i < rows; i++) {
            sigma += (double) u[uAt + i] * RowArrayLoops.dot(w, wAt + i * cols, v, vAt, cols);
        }
        return sigma;
    }

    /** {@code out = W v} (rows floats, each a row's dot with v); returns {@code ||W v||^2}, summed in double. */
    private static double product(float[] w, int wAt, float[] v, int vAt, float[] out,
            int outAt, int rows, int cols) {
        double squares = 0;
        for (int i = 0; i < rows; i++) {
            float s = RowArrayLoops.dot(w, wAt + i * cols, v, vAt, cols);
            out[outAt + i] = s;
            squares += (double) s * s;
        }
        return squares;
    }

    /** {@code out = W^T u} (cols floats): row i of W times u[i] added into out, row by row, with fma lanes. */
    private static void transposedProduct(float[] w, int wAt, float[] u, int uAt, float[] out,
            int outAt, int rows, int cols) {
        RowArrayLoops.zero(out, outAt, cols);
        for (int i = 0; i < rows; i++) {
            addScaled(w, wAt + i * cols, u[uAt + i], out, outAt, cols);
        }
    }

    /** {@code acc += x * a} over {@code count} floats. */
    private static void addScaled(float[] x, int xAt, float a, float[] acc, int accAt, int count) {
        FloatVector va = FloatVector.broadcast(F, a);
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += LANES) {
            fromArray(F, x, xAt + j)
                    .fma(va, fromArray(F, acc, accAt + j))
                    .intoArray(acc, accAt + j);
        }
        for (; j < count; j++) {
            acc[accAt + j] = Math.fma(x[xAt + j], a, acc[accAt + j]);
        }
    }

    /** Sum of squares in f32 lanes, again in double where f32 overflowed or underflowed. */
    private static double squares(float[] x, int at, int count) {
        float s = RowArrayLoops.sumOfSquares(x, at, count);
        return RowLoops.squaresNeedDouble(s, 0f) ? RowArrayLoops.squaresInDouble(x, at, count, 0.0) : s;
    }

    /**
     * Backward: {@code c = sum(diffDst * W) / sigma} (rows in f32 lanes, across rows in double), then each row
     * {@code diffSrc = diffDst * (1 / sigma) + v * (-c u[i] / sigma)}.
     */
    static void backward(float[] w, int wAt, float[] diffDst, int diffDstAt, float[] u, int uAt,
            float[] v, int vAt, float sigma, float[] diffSrc, int diffSrcAt, int rows, int cols) {
        double dot = 0;
        for (int i = 0; i < rows; i++) {
            dot += RowArrayLoops.dot(diffDst, diffDstAt + i * cols, w, wAt + i * cols, cols);
        }
        double c = dot / sigma;
        float a = (float) (1.0 / sigma);
        for (int i = 0; i < rows; i++) {
            float b = (float) (-c * u[uAt + i] / sigma);
            WeightNormArrayLoops.combine(diffDst, diffDstAt + i * cols, v, vAt, diffSrc, diffSrcAt + i * cols, a, b,
                    cols);
        }
    }
}
