// GENERATED from WeightNormSegmentLoops.java by kernels-java/src/build/java/GenerateArrayLoops.java.
// Do not edit: edit the template and rerun the generator.
package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;

/** The {@code float[]} variant of {@link WeightNormSegmentLoops}, generated from it (see package-info.java). */
final class WeightNormArrayLoops {
    private WeightNormArrayLoops() {}

    /** Forward: per slice, the norm (runs summed in f32 lanes, across runs in double), then w = v * (g / norm). */
    static void forward(float[] v, int vAt, float[] g, int gAt, float[] w, int wAt,
            float[] normOut, int normAt, int slices, int outer, int inner) {
        for (int d = 0; d < slices; d++) {
            double squares = 0;
            for (int o = 0; o < outer; o++) {
                int run = vAt + (o * slices + d) * inner;
                float runSquares = RowArrayLoops.sumOfSquares(v, run, inner);
                // f32 squares that overflowed or lost digits to underflow are summed again in double
                squares += RowLoops.squaresNeedDouble(runSquares, 0f)
                        ? RowArrayLoops.squaresInDouble(v, run, inner, 0.0) : runSquares;
            }
            double norm = Math.sqrt(squares);
            float factor = (float) (g[gAt + d] / norm);
            for (int o = 0; o < outer; o++) {
                int run = (o * slices + d) * inner;
                scale(v, vAt + run, w, wAt + run, factor, inner);
            }
            if (normOut != null) normOut[normAt + d] = (float) norm;
        }
    }

    /** {@code out = x * factor} over {@code count} floats (spectral norm's too). */
    static void scale(float[] x, int xAt, float[] out, int outAt, float factor, int count) {
        FloatVector f = FloatVector.broadcast(F, factor);
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += LANES) {
            fromArray(F, x, xAt + j).mul(f)
                    .intoArray(out, outAt + j);
        }
        for (; j < count; j++) {
            out[outAt + j] = x[xAt + j] * factor;
        }
    }

    /**
     * Backward: per slice, {@code sum(diffW * v)} (runs in f32 lanes, across runs in double), then
     * {@code diffV = diffW * a + v * b} with {@code a = g / norm}, {@code b = -a * diffG / norm}.
     */
    static void backward(float[] v, int vAt, float[] g, int gAt, float[] norm, int normAt,
            float[] diffW, int diffWAt, float[] diffV, int diffVAt, float[] diffG, int diffGAt,
            int slices, int outer, int inner) {
        for (int d = 0; d < slices; d++) {
            double dot = 0;
            for (int o = 0; o < outer; o++) {
                int run = (o * slices + d) * inner;
                dot += RowArrayLoops.dot(diffW, diffWAt + run, v, vAt + run, inner);
            }
            double n = norm[normAt + d];
            double dg = dot / n;
            double a = g[gAt + d] / n;
            float fa = (float) a;
            float fb = (float) (-a * dg / n);
            for (int o = 0; o < outer; o++) {
                int run = (o * slices + d) * inner;
                combine(diffW, diffWAt + run, v, vAt + run, diffV, diffVAt + run, fa, fb, inner);
            }
            diffG[diffGAt + d] = (float) dg;
        }
    }

    /** {@code out = x * a + y * b} over {@code count} floats, one fma (spectral norm's too). */
    static void combine(float[] x, int xAt, float[] y, int yAt, float[] out, int outAt, float a,
            float b, int count) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vb = FloatVector.broadcast(F, b);
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += LANES) {
            fromArray(F, x, xAt + j)
                    .fma(va, fromArray(F, y, yAt + j).mul(vb))
                    .intoArray(out, outAt + j);
        }
        for (; j < count; j++) {
            out[outAt + j] = Math.fma(x[xAt + j], a, y[yAt + j] * b);
        }
    }
}
