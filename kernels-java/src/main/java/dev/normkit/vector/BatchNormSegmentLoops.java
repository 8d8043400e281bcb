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
 * The loops of {@link VectorBatchNorm} on native segments; {@code BatchNormArrayLoops}, their {@code float[]} twin, is
 * generated from this file (see package-info.java). Each tensor comes with the index of its first float
 * ({@code x, xo}); indices are in floats. The rules of this package: unrolled independent accumulators, scalar tails
 * that compute what a lane would, no masks, only scalars and segments in and out.
 */
final class BatchNormSegmentLoops {
    private BatchNormSegmentLoops() {}

    // ---- contiguous runs of one channel (NCHW) ----

    /** Moments of {@code count} floats from {@code at} about {@code k}: {@code sum(x - k)}, {@code sum((x - k)^2)}. */
    static long runMoments(MemorySegment x, long xo, int at, int count, float k) {
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        int j = 0;
        for (int end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            int i = at + j;
            FloatVector d0 = fromMemorySegment(F, x, Float.BYTES * (xo + i), BYTE_ORDER).sub(kv);
            FloatVector d1 = fromMemorySegment(F, x, Float.BYTES * (xo + i + LANES), BYTE_ORDER).sub(kv);
            FloatVector d2 = fromMemorySegment(F, x, Float.BYTES * (xo + i + 2 * LANES), BYTE_ORDER).sub(kv);
            FloatVector d3 = fromMemorySegment(F, x, Float.BYTES * (xo + i + 3 * LANES), BYTE_ORDER).sub(kv);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            q2 = d2.fma(d2, q2);
            q3 = d3.fma(d3, q3);
        }
        for (int end = count - count % LANES; j < end; j += LANES) {
            FloatVector d = fromMemorySegment(F, x, Float.BYTES * (xo + at + j), BYTE_ORDER).sub(kv);
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
            float d = x.getAtIndex(JAVA_FLOAT, xo + at + j) - k;
            sum += d;
            squares = Math.fma(d, d, squares);
        }
        return FloatPair.of(sum, squares);
    }

    /** {@code y = max((x - m) * a + b, lo)} over a run; lo is -inf without the fused ReLU. */
    static void runWrite(MemorySegment x, long xo, MemorySegment y, long yo, int at, int count, float m, float a,
            float b, float lo) {
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector bv = FloatVector.broadcast(F, b);
        FloatVector lov = FloatVector.broadcast(F, lo);
        int j = 0;
        for (int end = count - count % LANES; j < end; j += LANES) {
            fromMemorySegment(F, x, Float.BYTES * (xo + at + j), BYTE_ORDER).sub(mv).fma(av,
                    bv).max(lov).intoMemorySegment(y, Float.BYTES * (yo + at + j), BYTE_ORDER);
        }
        for (; j < count; j++) {
            y.setAtIndex(JAVA_FLOAT, yo + at + j, Math.max(Math.fma(x.getAtIndex(JAVA_FLOAT, xo + at + j) - m, a, b),
                    lo));
        }
    }

    /**
     * {@code sum(g)} and {@code sum(g * (x - m))} over a run, {@code g = dy}, or 0 where {@code y <= 0} when
     * {@code relu}.
     */
    static long runGradSums(MemorySegment x, long xo, MemorySegment dy, long dyo, MemorySegment y, long yo, int at,
            int count, float m, boolean relu) {
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector zero = FloatVector.zero(F);
        FloatVector s0 = zero, s1 = zero, q0 = zero, q1 = zero;
        int j = 0;
        for (int end = count - count % (2 * LANES); j < end; j += 2 * LANES) {
            int i = at + j;
            FloatVector g0 = fromMemorySegment(F, dy, Float.BYTES * (dyo + i), BYTE_ORDER);
            FloatVector g1 = fromMemorySegment(F, dy, Float.BYTES * (dyo + i + LANES), BYTE_ORDER);
            if (relu) {
                g0 = g0.blend(zero, fromMemorySegment(F, y, Float.BYTES * (yo + i),
                        BYTE_ORDER).compare(VectorOperators.LE, 0f));
                g1 = g1.blend(zero, fromMemorySegment(F, y, Float.BYTES * (yo + i + LANES),
                        BYTE_ORDER).compare(VectorOperators.LE, 0f));
            }
            s0 = s0.add(g0);
            s1 = s1.add(g1);
            q0 = g0.fma(fromMemorySegment(F, x, Float.BYTES * (xo + i), BYTE_ORDER).sub(mv), q0);
            q1 = g1.fma(fromMemorySegment(F, x, Float.BYTES * (xo + i + LANES), BYTE_ORDER).sub(mv), q1);
        }
        FloatVector sumLanes = s0.add(s1);
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        FloatVector dotLanes = q0.add(q1);
        float dot = dotLanes.lane(0);
        for (int l = 1; l < LANES; l++) dot += dotLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            float g = relu && y.getAtIndex(JAVA_FLOAT, yo + at + j) <= 0f ? 0f : dy.getAtIndex(JAVA_FLOAT,
                    dyo + at + j);
            sum += g;
            dot = Math.fma(g, x.getAtIndex(JAVA_FLOAT, xo + at + j) - m, dot);
        }
        return FloatPair.of(sum, dot);
    }

    /** {@code dx = (x - m) * p + (g * a + q)} over a run, g as in runGradSums. */
    static void runGradWrite(MemorySegment x, long xo, MemorySegment dy, long dyo, MemorySegment y, long yo,
            MemorySegment dx, long dxo, int at, int count, float m, float a,
            float p, float q, boolean relu) {
        FloatVector mv = FloatVector.broadcast(F, m);
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector pv = FloatVector.broadcast(F, p);
        FloatVector qv = FloatVector.broadcast(F, q);
        FloatVector zero = FloatVector.zero(F);
        int j = 0;
        for (int end = count - count % LANES; j < end; j += LANES) {
            int i = at + j;
            FloatVector g = fromMemorySegment(F, dy, Float.BYTES * (dyo + i), BYTE_ORDER);
            if (relu) g = g.blend(zero, fromMemorySegment(F, y, Float.BYTES * (yo + i),
                    BYTE_ORDER).compare(VectorOperators.LE, 0f));
            fromMemorySegment(F, x, Float.BYTES * (xo + i), BYTE_ORDER).sub(mv).fma(pv, g.fma(av,
                    qv)).intoMemorySegment(dx, Float.BYTES * (dxo + i), BYTE_ORDER);
        }
        for (; j < count; j++) {
            int i = at + j;
            float g = relu && y.getAtIndex(JAVA_FLOAT, yo + i) <= 0f ? 0f : dy.getAtIndex(JAVA_FLOAT, dyo + i);
            dx.setAtIndex(JAVA_FLOAT, dxo + i, Math.fma(x.getAtIndex(JAVA_FLOAT, xo + i) - m, p, Math.fma(g, a, q)));
        }
    }

    // ---- rows of C channels (NHWC, N x C): vectors across channels ----

    /**
     * Moments about {@code k[c]} of rows {@code [r0, r1)} for the four channel vectors from {@code c0}, into
     * {@code sum} and {@code squares}: eight accumulators in registers, each row's {@code 4 * LANES} floats read
     * together, the rows in order (so each lane adds its values in the same order as one accumulator per channel).
     * On 8x56x56x256 (C = 256), a pass took 0.94 ms this way, 1.10 ms with the accumulators in L1 arrays (every
     * channel of a row in turn) and 1.3 ms one channel vector at a time.
     */
    static void rowMoments4(MemorySegment x, long xo, int channels, int r0, int r1, int c0, float[] k, float[] sum,
            float[] squares) {
        FloatVector k0 = FloatVector.fromArray(F, k, c0);
        FloatVector k1 = FloatVector.fromArray(F, k, c0 + LANES);
        FloatVector k2 = FloatVector.fromArray(F, k, c0 + 2 * LANES);
        FloatVector k3 = FloatVector.fromArray(F, k, c0 + 3 * LANES);
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, q0 = s0, q1 = s0, q2 = s0, q3 = s0;
        for (int r = r0; r < r1; r++) {
            int i = r * channels + c0;
            FloatVector d0 = fromMemorySegment(F, x, Float.BYTES * (xo + i), BYTE_ORDER).sub(k0);
            FloatVector d1 = fromMemorySegment(F, x, Float.BYTES * (xo + i + LANES), BYTE_ORDER).sub(k1);
            FloatVector d2 = fromMemorySegment(F, x, Float.BYTES * (xo + i + 2 * LANES), BYTE_ORDER).sub(k2);
            FloatVector d3 = fromMemorySegment(F, x, Float.BYTES * (xo + i + 3 * LANES), BYTE_ORDER).sub(k3);
            s0 = s0.add(d0);
            s1 = s1.add(d1);
            s2 = s2.add(d2);
            s3 = s3.add(d3);
            q0 = d0.fma(d0, q0);
            q1 = d1.fma(d1, q1);
            q2 = d2.fma(d2, q2);
            q3 = d3.fma(d3, q3);
        }
        s0.intoArray(sum, c0);
        s1.intoArray(sum, c0 + LANES);
        s2.intoArray(sum, c0 + 2 * LANES);
        s3.intoArray(sum, c0 + 3 * LANES);
        q0.intoArray(squares, c0);
        q1.intoArray(squares, c0 + LANES);
        q2.intoArray(squares, c0 + 2 * LANES);
        q3.intoArray(squares, c0 + 3 * LANES);
    }

    /** rowMoments4 for the one channel vector at {@code c0} (the whole vectors past the last group of four). */
    static void rowMoments1(MemorySegment x, long xo, int channels, int r0, int r1, int c0, float[] k, float[] sum,
            float[] squares) {
        FloatVector kv = FloatVector.fromArray(F, k, c0);
        FloatVector s = FloatVector.zero(F), q = s;
        for (int r = r0; r < r1; r++) {
            FloatVector d = fromMemorySegment(F, x, Float.BYTES * (xo + r * channels + c0), BYTE_ORDER).sub(kv);
            s = s.add(d);
            q = d.fma(d, q);
        }
        s.intoArray(sum, c0);
        q.intoArray(squares, c0);
    }

    /** rowMoments4 for one channel past the last whole vector, in scalars. */
    static void rowMomentsTail(MemorySegment x, long xo, int channels, int r0, int r1, int c, float[] k, float[] sum,
            float[] squares) {
        float s = 0f;
        float q = 0f;
        for (int r = r0; r < r1; r++) {
            float d = x.getAtIndex(JAVA_FLOAT, xo + r * channels + c) - k[c];
            s += d;
            q = Math.fma(d, d, q);
        }
        sum[c] = s;
        squares[c] = q;
    }

    /** {@code y = max((x - m[c]) * a[c] + b[c], lo)} over rows {@code [r0, r1)}. */
    static void rowWrite(MemorySegment x, long xo, MemorySegment y, long yo, int channels, int r0, int r1, float[] m,
            float[] a, float[] b,
            float lo) {
        FloatVector lov = FloatVector.broadcast(F, lo);
        int whole = channels - channels % LANES;
        for (int r = r0; r < r1; r++) {
            int row = r * channels;
            int c = 0;
            for (; c < whole; c += LANES) {
                FloatVector v = fromMemorySegment(F, x, Float.BYTES * (xo + row + c),
                        BYTE_ORDER).sub(FloatVector.fromArray(F, m, c))
                        .fma(FloatVector.fromArray(F, a, c), FloatVector.fromArray(F, b, c));
                v.max(lov).intoMemorySegment(y, Float.BYTES * (yo + row + c), BYTE_ORDER);
            }
            for (; c < channels; c++) {
                y.setAtIndex(JAVA_FLOAT, yo + row + c, Math.max(Math.fma(x.getAtIndex(JAVA_FLOAT,
                        xo + row + c) - m[c], a[c], b[c]), lo));
            }
        }
    }

    /**
     * runGradSums for every channel of a whole vector, rows {@code [r0, r1)}, into sum and dot: row after row in
     * memory order, the accumulators in those arrays.
     */
    static void rowsGradSums(MemorySegment x, long xo, MemorySegment dy, long dyo, MemorySegment y, long yo,
            int channels, int r0, int r1, float[] m, boolean relu, float[] sum, float[] dot) {
        FloatVector zero = FloatVector.zero(F);
        int whole = channels - channels % LANES;
        for (int c = 0; c < whole; c += LANES) {
            zero.intoArray(sum, c);
            zero.intoArray(dot, c);
        }
        for (int r = r0; r < r1; r++) {
            int row = r * channels;
            for (int c = 0; c < whole; c += LANES) {
                int i = row + c;
                FloatVector g = fromMemorySegment(F, dy, Float.BYTES * (dyo + i), BYTE_ORDER);
                if (relu) g = g.blend(zero, fromMemorySegment(F, y, Float.BYTES * (yo + i),
                        BYTE_ORDER).compare(VectorOperators.LE, 0f));
                FloatVector.fromArray(F, sum, c).add(g).intoArray(sum, c);
                g.fma(fromMemorySegment(F, x, Float.BYTES * (xo + i), BYTE_ORDER).sub(FloatVector.fromArray(F, m, c)),
                        FloatVector.fromArray(F, dot, c)).intoArray(dot, c);
            }
        }
    }

    /** rowsGradSums for one channel past the last whole vector, in scalars. */
    static void rowGradSumsTail(MemorySegment x, long xo, MemorySegment dy, long dyo, MemorySegment y, long yo,
            int channels, int r0, int r1, int c, float[] m,
            boolean relu, float[] sum, float[] dot) {
        float s = 0f;
        float q = 0f;
        for (int r = r0; r < r1; r++) {
            int i = r * channels + c;
            float g = relu && y.getAtIndex(JAVA_FLOAT, yo + i) <= 0f ? 0f : dy.getAtIndex(JAVA_FLOAT, dyo + i);
            s += g;
            q = Math.fma(g, x.getAtIndex(JAVA_FLOAT, xo + i) - m[c], q);
        }
        sum[c] = s;
        dot[c] = q;
    }

    /** {@code dx = (x - m[c]) * p[c] + (g * a[c] + q[c])} over rows {@code [r0, r1)}. */
    static void rowGradWrite(MemorySegment x, long xo, MemorySegment dy, long dyo, MemorySegment y, long yo,
            MemorySegment dx, long dxo, int channels, int r0, int r1, float[] m,
            float[] a, float[] p, float[] q, boolean relu) {
        FloatVector zero = FloatVector.zero(F);
        int whole = channels - channels % LANES;
        for (int r = r0; r < r1; r++) {
            int row = r * channels;
            int c = 0;
            for (; c < whole; c += LANES) {
                int i = row + c;
                FloatVector g = fromMemorySegment(F, dy, Float.BYTES * (dyo + i), BYTE_ORDER);
                if (relu) g = g.blend(zero, fromMemorySegment(F, y, Float.BYTES * (yo + i),
                        BYTE_ORDER).compare(VectorOperators.LE, 0f));
                FloatVector v = fromMemorySegment(F, x, Float.BYTES * (xo + i),
                        BYTE_ORDER).sub(FloatVector.fromArray(F, m, c)).fma(FloatVector.fromArray(F, p, c),
                        g.fma(FloatVector.fromArray(F, a, c), FloatVector.fromArray(F, q, c)));
                v.intoMemorySegment(dx, Float.BYTES * (dxo + i), BYTE_ORDER);
            }
            for (; c < channels; c++) {
                int i = row + c;
                float g = relu && y.getAtIndex(JAVA_FLOAT, yo + i) <= 0f ? 0f : dy.getAtIndex(JAVA_FLOAT, dyo + i);
                dx.setAtIndex(JAVA_FLOAT, dxo + i, Math.fma(x.getAtIndex(JAVA_FLOAT, xo + i) - m[c], p[c], Math.fma(g,
                        a[c], q[c])));
            }
        }
    }
}
