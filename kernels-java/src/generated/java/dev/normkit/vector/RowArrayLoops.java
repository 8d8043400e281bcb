// GENERATED from RowSegmentLoops.java by kernels-java/src/build/java/GenerateArrayLoops.java.
// Do not edit: edit the template and rerun the generator.
package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.LANES;
import static jdk.incubator.vector.FloatVector.fromArray;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** The {@code float[]} variant of {@link RowSegmentLoops}, generated from it (see package-info.java). */
final class RowArrayLoops {
    private RowArrayLoops() {}

    /** Sum of {@code count} floats from {@code at}. */
    static float sum(float[] s, int at, int count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int j = 0;
        for (int end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            int i = at + j;
            a0 = a0.add(fromArray(F, s, i));
            a1 = a1.add(fromArray(F, s, i + LANES));
            a2 = a2.add(fromArray(F, s, i + 2 * LANES));
            a3 = a3.add(fromArray(F, s, i + 3 * LANES));
        }
        for (int end = F.loopBound(count); j < end; j += LANES) {
            a0 = a0.add(fromArray(F, s, at + j));
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            sum += s[at + j];
        }
        return sum;
    }

    /** Sum of squares of {@code count} floats from {@code at}. */
    static float sumOfSquares(float[] s, int at, int count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int j = 0;
        for (int end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            int i = at + j;
            FloatVector x0 = fromArray(F, s, i);
            FloatVector x1 = fromArray(F, s, i + LANES);
            FloatVector x2 = fromArray(F, s, i + 2 * LANES);
            FloatVector x3 = fromArray(F, s, i + 3 * LANES);
            a0 = x0.fma(x0, a0);
            a1 = x1.fma(x1, a1);
            a2 = x2.fma(x2, a2);
            a3 = x3.fma(x3, a3);
        }
        for (int end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = fromArray(F, s, at + j);
            a0 = x.fma(x, a0);
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            float x = s[at + j];
            sum = Math.fma(x, x, sum);
        }
        return sum;
    }

    /**
     * {@code sum(d)} and {@code sum(d^2)} with {@code d = x - center}, as a {@link FloatPair}. Centring keeps the
     * squares exact where {@code sum(x^2)} would cancel against a large mean.
     */
    static long centeredMoments(float[] s, int at, int count, float center) {
        FloatVector c = FloatVector.broadcast(F, center);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        FloatVector q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        int j = 0;
        for (int end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            int i = at + j;
            FloatVector d0 = fromArray(F, s, i).sub(c);
            FloatVector d1 = fromArray(F, s, i + LANES).sub(c);
            FloatVector d2 = fromArray(F, s, i + 2 * LANES).sub(c);
            FloatVector d3 = fromArray(F, s, i + 3 * LANES).sub(c);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            q2 = d2.fma(d2, q2);
            q3 = d3.fma(d3, q3);
        }
        for (int end = F.loopBound(count); j < end; j += LANES) {
            FloatVector d = fromArray(F, s, at + j).sub(c);
            s0 = s0.add(d);
            q0 = d.fma(d, q0);
        }
        FloatVector sumLanes = s0.add(s1).add(s2.add(s3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector squaresLanes = q0.add(q1).add(q2.add(q3));
        float squares = squaresLanes.lane(0);
        for (int l = 1; l < LANES; l++) squares += squaresLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            float d = s[at + j] - center;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    /** Sum of {@code a[i] * b[i]} over {@code count} floats from {@code aAt} in a and {@code bAt} in b. */
    static float dot(float[] a, int aAt, float[] b, int bAt, int count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int j = 0;
        for (int end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            int i = aAt + j;
            int k = bAt + j;
            a0 = fromArray(F, a, i)
                    .fma(fromArray(F, b, k), a0);
            a1 = fromArray(F, a, i + LANES)
                    .fma(fromArray(F, b, k + LANES), a1);
            a2 = fromArray(F, a, i + 2 * LANES)
                    .fma(fromArray(F, b, k + 2 * LANES), a2);
            a3 = fromArray(F, a, i + 3 * LANES)
                    .fma(fromArray(F, b, k + 3 * LANES), a3);
        }
        for (int end = F.loopBound(count); j < end; j += LANES) {
            a0 = fromArray(F, a, aAt + j)
                    .fma(fromArray(F, b, bAt + j), a0);
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            sum = Math.fma(a[aAt + j], b[bAt + j], sum);
        }
        return sum;
    }

    /**
     * Largest of {@code count} floats from {@code at}, NaN skipped (compare-and-blend is cheaper than Java's
     * NaN-propagating max; callers let NaN reach a sum instead). -inf when every element is NaN or -inf.
     */
    static float maxSkippingNaN(float[] s, int at, int count) {
        FloatVector a0 = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY), a1 = a0, a2 = a0, a3 = a0;
        int j = 0;
        for (int end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            int i = at + j;
            FloatVector x0 = fromArray(F, s, i);
            FloatVector x1 = fromArray(F, s, i + LANES);
            FloatVector x2 = fromArray(F, s, i + 2 * LANES);
            FloatVector x3 = fromArray(F, s, i + 3 * LANES);
            a0 = a0.blend(x0, x0.compare(VectorOperators.GT, a0));
            a1 = a1.blend(x1, x1.compare(VectorOperators.GT, a1));
            a2 = a2.blend(x2, x2.compare(VectorOperators.GT, a2));
            a3 = a3.blend(x3, x3.compare(VectorOperators.GT, a3));
        }
        for (int end = F.loopBound(count); j < end; j += LANES) {
            FloatVector x = fromArray(F, s, at + j);
            a0 = a0.blend(x, x.compare(VectorOperators.GT, a0));
        }
        a0 = a0.blend(a1, a1.compare(VectorOperators.GT, a0));
        a2 = a2.blend(a3, a3.compare(VectorOperators.GT, a2));
        float max = a0.blend(a2, a2.compare(VectorOperators.GT, a0)).reduceLanes(VectorOperators.MAX);
        for (; j < count; j++) {
            float x = s[at + j];
            if (x > max) max = x;
        }
        return max;
    }

    /** Sets {@code count} floats from {@code at} to zero. */
    static void zero(float[] s, int at, int count) {
        FloatVector z = FloatVector.zero(F);
        int j = 0;
        for (int end = F.loopBound(count); j < end; j += LANES) {
            z.intoArray(s, at + j);
        }
        for (; j < count; j++) {
            s[at + j] = 0f;
        }
    }

    /** Mean of {@code count} floats from {@code at}, summed in double: the rare-case fallback. */
    static double meanInDouble(float[] s, int at, int count) {
        double sum = 0;
        for (int j = 0; j < count; j++) {
            sum += s[at + j];
        }
        return sum / count;
    }

    /** Sum of (x - center)^2 in double: the rare-case fallback. */
    static double squaresInDouble(float[] s, int at, int count, double center) {
        double sum = 0;
        for (int j = 0; j < count; j++) {
            double d = s[at + j] - center;
            sum += d * d;
        }
        return sum;
    }
}
