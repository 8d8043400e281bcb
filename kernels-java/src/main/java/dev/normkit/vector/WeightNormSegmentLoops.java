package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.BYTE_ORDER;
import static dev.normkit.vector.RowLoops.LANES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * Weight norm's slices on native segments (see {@link VectorWeightNorm} for the method). Template of the generated
 * {@code WeightNormArrayLoops}; written to the rules in package-info.java. Each tensor comes with its base index in
 * floats; slice d is {@code outer} runs of {@code inner} floats, run o at {@code (o * slices + d) * inner}.
 */
final class WeightNormSegmentLoops {
    private WeightNormSegmentLoops() {}

    /** Forward: per slice, the norm (runs summed in f32 lanes, across runs in double), then w = v * (g / norm). */
    static void forward(MemorySegment v, long vAt, MemorySegment g, long gAt, MemorySegment w, long wAt,
            MemorySegment normOut, long normAt, long slices, long outer, long inner) {
        for (long d = 0; d < slices; d++) {
            double squares = 0;
            for (long o = 0; o < outer; o++) {
                long run = vAt + (o * slices + d) * inner;
                float runSquares = RowSegmentLoops.sumOfSquares(v, run, inner);
                // f32 squares that overflowed or lost digits to underflow are summed again in double
                squares += RowLoops.squaresNeedDouble(runSquares, 0f)
                        ? RowSegmentLoops.squaresInDouble(v, run, inner, 0.0) : runSquares;
            }
            double norm = Math.sqrt(squares);
            float factor = (float) (g.getAtIndex(JAVA_FLOAT, gAt + d) / norm);
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                scale(v, vAt + run, w, wAt + run, factor, inner);
            }
            if (normOut != null) normOut.setAtIndex(JAVA_FLOAT, normAt + d, (float) norm);
        }
    }

    /** {@code out = x * factor} over {@code count} floats (spectral norm's too). */
    static void scale(MemorySegment x, long xAt, MemorySegment out, long outAt, float factor, long count) {
        FloatVector f = FloatVector.broadcast(F, factor);
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            fromMemorySegment(F, x, Float.BYTES * (xAt + j), BYTE_ORDER).mul(f)
                    .intoMemorySegment(out, Float.BYTES * (outAt + j), BYTE_ORDER);
        }
        for (; j < count; j++) {
            out.setAtIndex(JAVA_FLOAT, outAt + j, x.getAtIndex(JAVA_FLOAT, xAt + j) * factor);
        }
    }

    /**
     * Backward: per slice, {@code sum(diffW * v)} (runs in f32 lanes, across runs in double), then
     * {@code diffV = diffW * a + v * b} with {@code a = g / norm}, {@code b = -a * diffG / norm}.
     */
    static void backward(MemorySegment v, long vAt, MemorySegment g, long gAt, MemorySegment norm, long normAt,
            MemorySegment diffW, long diffWAt, MemorySegment diffV, long diffVAt, MemorySegment diffG, long diffGAt,
            long slices, long outer, long inner) {
        for (long d = 0; d < slices; d++) {
            double dot = 0;
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                dot += RowSegmentLoops.dot(diffW, diffWAt + run, v, vAt + run, inner);
            }
            double n = norm.getAtIndex(JAVA_FLOAT, normAt + d);
            double dg = dot / n;
            double a = g.getAtIndex(JAVA_FLOAT, gAt + d) / n;
            float fa = (float) a;
            float fb = (float) (-a * dg / n);
            for (long o = 0; o < outer; o++) {
                long run = (o * slices + d) * inner;
                combine(diffW, diffWAt + run, v, vAt + run, diffV, diffVAt + run, fa, fb, inner);
            }
            diffG.setAtIndex(JAVA_FLOAT, diffGAt + d, (float) dg);
        }
    }

    /** {@code out = x * a + y * b} over {@code count} floats, one fma (spectral norm's too). */
    static void combine(MemorySegment x, long xAt, MemorySegment y, long yAt, MemorySegment out, long outAt, float a,
            float b, long count) {
        FloatVector va = FloatVector.broadcast(F, a);
        FloatVector vb = FloatVector.broadcast(F, b);
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            fromMemorySegment(F, x, Float.BYTES * (xAt + j), BYTE_ORDER)
                    .fma(va, fromMemorySegment(F, y, Float.BYTES * (yAt + j), BYTE_ORDER).mul(vb))
                    .intoMemorySegment(out, Float.BYTES * (outAt + j), BYTE_ORDER);
        }
        for (; j < count; j++) {
            out.setAtIndex(JAVA_FLOAT, outAt + j,
                    Math.fma(x.getAtIndex(JAVA_FLOAT, xAt + j), a, y.getAtIndex(JAVA_FLOAT, yAt + j) * b));
        }
    }
}
