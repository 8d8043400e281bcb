package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;
import static dev.normkit.vector.RowLoops.BYTE_ORDER;
import static dev.normkit.vector.RowLoops.LANES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static jdk.incubator.vector.FloatVector.fromMemorySegment;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The p-norm normalizations' rows on native segments (see {@link VectorPNorm} for the method): {@code y = gain * x /
 * (max(n, floor) + sigma)} and its backward, n the row's p-norm. Template of the generated {@code PNormArrayLoops};
 * written to the rules in package-info.java. Each tensor comes with its base index in floats; {@code scratch} holds
 * {@link #scratchFloats} floats and is used for p other than 1, 2 and infinity only.
 */
final class PNormSegmentLoops {
    private PNormSegmentLoops() {}

    private static final float INF = Float.POSITIVE_INFINITY;

    /** Forward over {@code rows} rows: the norm, then one scaling pass. */
    static void forward(MemorySegment src, long srcAt, MemorySegment dst, long dstAt, MemorySegment scratch,
            long rows, long cols, float p, float floor, float sigma, float gain) {
        for (long r = 0; r < rows; r++) {
            long row = srcAt + r * cols;
            double n = norm(src, row, scratch, cols, p);
            double k = gain / (Math.max(n, floor) + sigma);
            float pre = prescale(k);
            scale(src, row, dst, dstAt + r * cols, pre, (float) (k / pre), cols);
        }
    }

    /**
     * Backward over {@code rows} rows: {@code dx = a (dy - q w)}, {@code a = gain / D}, {@code q = s / D},
     * {@code s = sum dy x}, {@code w = dn/dx}; the norm term only where D' = 1 ({@code n >= floor}) and the row is not
     * zero. Returns {@code sum over rows s / D} (d loss / d gain).
     */
    static double backward(MemorySegment src, long srcAt, MemorySegment diffDst, long diffDstAt,
            MemorySegment diffSrc, long diffSrcAt, MemorySegment scratch, long rows, long cols, float p, float floor,
            float sigma, float gain) {
        double diffGain = 0;
        for (long r = 0; r < rows; r++) {
            long x = srcAt + r * cols;
            long dy = diffDstAt + r * cols;
            long dx = diffSrcAt + r * cols;
            double n = norm(src, x, scratch, cols, p);
            double d = Math.max(n, floor) + sigma;
            double s = RowSegmentLoops.dot(diffDst, dy, src, x, cols);
            if (!(Math.abs(s) < INF)) s = dotInDouble(diffDst, dy, src, x, cols);
            diffGain += s / d;
            double a = gain / d;
            float preA = prescale(a);
            float kA = (float) (a / preA);
            if (n == 0 || !(n >= floor)) {
                scale(diffDst, dy, diffSrc, dx, preA, kA, cols);
            } else if (Double.isNaN(s / d)) {
                // q w is NaN even where w = 0 (PyTorch multiplies by its masks): the whole row is NaN
                scale(diffDst, dy, diffSrc, dx, 1f, Float.NaN, cols);
            } else if (p == 2f) {
                double c = -s / d / n; // w = x / n
                float preC = prescale(c);
                backwardLinear(src, x, diffDst, dy, diffSrc, dx, preC, (float) (c / preC), preA, kA, cols);
            } else if (p == 1f) {
                backwardSign(src, x, diffDst, dy, diffSrc, dx, (float) (s / d), preA, kA, cols);
            } else if (p == INF) {
                float m = (float) n;
                backwardMax(src, x, diffDst, dy, diffSrc, dx, m, (float) (s / d / ties(src, x, m, cols)), preA, kA,
                        cols);
            } else if (p < 1f && minAbsNonzero(src, x, cols) / n < 0x1p-120) {
                // |x|/n leaves f32's range, and for p < 1 its power is huge (times a small q): the row in double
                backwardPowersInDouble(src, x, diffDst, dy, diffSrc, dx, n, p, s / d, a, cols);
            } else {
                // |q| (|x|/n)^(p-1) as one exp, so that a power past f32's range (p < 1, |x| << n) times a small q
                // stays finite
                double q = s / d;
                double rn = 1 / n;
                float preN = prescale(rn);
                ratioPowers(src, x, scratch, preN, (float) (rn / preN), p - 1f, (float) Math.log(Math.abs(q)), cols);
                backwardPowers(src, x, diffDst, dy, diffSrc, dx, scratch, (float) Math.signum(q), preA, kA, cols);
            }
        }
        return diffGain;
    }

    /** Floats the scratch needs for rows of {@code cols}: whole vectors, the tail padded. */
    static int scratchFloats(long cols) {
        return (int) ((cols + LANES - 1) / LANES * LANES);
    }

    /**
     * A power of two that splits {@code k} into two f32 factors ({@code pre * (k / pre)}), both normal, where k itself
     * would lose bits to f32's subnormal range or overflow it (a norm of a huge or a tiny row); 1 otherwise.
     */
    static float prescale(double k) {
        double a = Math.abs(k);
        if (!(a > 0) || a == Double.POSITIVE_INFINITY || a >= 0x1p-60 && a <= 0x1p60) return 1f;
        return Math.scalb(1f, Math.getExponent(k) / 2);
    }

    /**
     * The row's p-norm: p = 2 and 1 from f32 sums, recomputed in double where the f32 sum overflowed (or, for p = 2,
     * underflowed); p = inf the max |x|; other p from {@code (|x| / max)^p <= 1}, so nothing overflows.
     */
    static double norm(MemorySegment src, long row, MemorySegment scratch, long cols, float p) {
        if (p == 2f) {
            float squares = RowSegmentLoops.sumOfSquares(src, row, cols);
            if (!(squares < INF) || squares < 0x1p-90f) {
                return Math.sqrt(RowSegmentLoops.squaresInDouble(src, row, cols, 0.0));
            }
            return Math.sqrt(squares);
        }
        if (p == 1f) {
            float sum = sumAbs(src, row, cols);
            return sum < INF ? sum : absInDouble(src, row, cols);
        }
        float max = maxAbs(src, row, cols);
        if (p == INF || max == 0f || !(max < INF)) return max;
        // Any factor f near 1 / max will do: n = (sum (f |x|)^p)^(1/p) / f, with f exactly the f32 product used.
        double rm = 1.0 / max;
        float pre = prescale(rm);
        float k = (float) (rm / pre);
        ratioPowers(src, row, scratch, pre, k, p, 0f, cols);
        float sum = RowSegmentLoops.sum(scratch, 0, scratchFloats(cols));
        return Math.pow(sum, 1.0 / p) / ((double) pre * k);
    }

    /** Sum of |x| of {@code count} floats from {@code at}. */
    private static float sumAbs(MemorySegment s, long at, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        long j = 0;
        for (long end = count - count % (4 * LANES); j < end; j += 4 * LANES) {
            long i = at + j;
            a0 = a0.add(fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER).abs());
            a1 = a1.add(fromMemorySegment(F, s, Float.BYTES * (i + LANES), BYTE_ORDER).abs());
            a2 = a2.add(fromMemorySegment(F, s, Float.BYTES * (i + 2 * LANES), BYTE_ORDER).abs());
            a3 = a3.add(fromMemorySegment(F, s, Float.BYTES * (i + 3 * LANES), BYTE_ORDER).abs());
        }
        for (long end = F.loopBound(count); j < end; j += LANES) {
            a0 = a0.add(fromMemorySegment(F, s, Float.BYTES * (at + j), BYTE_ORDER).abs());
        }
        FloatVector sumLanes = a0.add(a1).add(a2.add(a3));
        float sum = sumLanes.lane(0);
        for (int l = 1; l < LANES; l++) sum += sumLanes.lane(l); // in lane order: see package-info
        for (; j < count; j++) {
            sum += Math.abs(s.getAtIndex(JAVA_FLOAT, at + j));
        }
        return sum;
    }

    /** Largest |x| of {@code count} floats from {@code at}; NaN if any is NaN (Java's max keeps NaN). */
    private static float maxAbs(MemorySegment s, long at, long count) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0;
        long j = 0;
        for (long end = count - count % (2 * LANES); j < end; j += 2 * LANES) {
            long i = at + j;
            a0 = a0.max(fromMemorySegment(F, s, Float.BYTES * i, BYTE_ORDER).abs());
            a1 = a1.max(fromMemorySegment(F, s, Float.BYTES * (i + LANES), BYTE_ORDER).abs());
        }
        FloatVector maxLanes = a0.max(a1);
        float max = maxLanes.lane(0);
        for (int l = 1; l < LANES; l++) max = Math.max(max, maxLanes.lane(l));
        for (; j < count; j++) {
            max = Math.max(max, Math.abs(s.getAtIndex(JAVA_FLOAT, at + j)));
        }
        return max;
    }

    /**
     * {@code scratch[j] = (|x_j| * pre * k)^e * exp(c)} as {@code exp(e * log(.) + c)}, with VectorMath's repeatable
     * log and exp, so the bits do not depend on the JIT tier (the Vector API's LOG and EXP are SVML in C2 code only).
     * Two passes over the scratch row, each its own method: one loop inlining both the vector log and exp passes C2's
     * node cutoff (CompiledPathTest). The tail takes Math.log and Math.exp in double, which every tier computes
     * alike, and the padding up to {@link #scratchFloats} is zeroed: {@link #norm} sums whole vectors.
     */
    private static void ratioPowers(MemorySegment src, long row, MemorySegment scratch, float pre, float k, float e,
            float c, long cols) {
        long bulk = F.loopBound(cols);
        scaledLogs(src, row, scratch, pre, k, e, c, bulk);
        expInPlace(scratch, bulk);
        long j = bulk;
        for (; j < cols; j++) {
            float a = Math.abs(src.getAtIndex(JAVA_FLOAT, row + j)) * pre * k;
            scratch.setAtIndex(JAVA_FLOAT, j, (float) Math.exp(Math.fma(e, Math.log(a), c)));
        }
        for (long end = scratchFloats(cols); j < end; j++) {
            scratch.setAtIndex(JAVA_FLOAT, j, 0f);
        }
    }

    /** {@code scratch[j] = e * log(|x_j| * pre * k) + c} over {@code bulk}, a multiple of the lane count. */
    private static void scaledLogs(MemorySegment src, long row, MemorySegment scratch, float pre, float k, float e,
            float c, long bulk) {
        FloatVector preV = FloatVector.broadcast(F, pre);
        FloatVector kV = FloatVector.broadcast(F, k);
        FloatVector eV = FloatVector.broadcast(F, e);
        FloatVector cV = FloatVector.broadcast(F, c);
        for (long j = 0; j < bulk; j += LANES) {
            FloatVector a = fromMemorySegment(F, src, Float.BYTES * (row + j), BYTE_ORDER).abs().mul(preV).mul(kV);
            VectorMath.logRepeatable(a).fma(eV, cV).intoMemorySegment(scratch, Float.BYTES * j, BYTE_ORDER);
        }
    }

    /** {@code scratch[j] = exp(scratch[j])} over {@code bulk}, a multiple of the lane count. */
    private static void expInPlace(MemorySegment scratch, long bulk) {
        for (long j = 0; j < bulk; j += LANES) {
            VectorMath.expRepeatable(fromMemorySegment(F, scratch, Float.BYTES * j, BYTE_ORDER))
                    .intoMemorySegment(scratch, Float.BYTES * j, BYTE_ORDER);
        }
    }

    /** {@code out = in * pre * k}. */
    private static void scale(MemorySegment in, long inAt, MemorySegment out, long outAt, float pre, float k,
            long cols) {
        FloatVector preV = FloatVector.broadcast(F, pre);
        FloatVector kV = FloatVector.broadcast(F, k);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            fromMemorySegment(F, in, Float.BYTES * (inAt + j), BYTE_ORDER).mul(preV).mul(kV)
                    .intoMemorySegment(out, Float.BYTES * (outAt + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            out.setAtIndex(JAVA_FLOAT, outAt + j, in.getAtIndex(JAVA_FLOAT, inAt + j) * pre * k);
        }
    }

    /** p = 2: {@code dx = (dy + x * preC * kC) * preA * kA}, {@code preC * kC = -s / (D n)}. */
    private static void backwardLinear(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float preC, float kC, float preA, float kA, long cols) {
        FloatVector preCV = FloatVector.broadcast(F, preC);
        FloatVector kCV = FloatVector.broadcast(F, kC);
        FloatVector preAV = FloatVector.broadcast(F, preA);
        FloatVector kAV = FloatVector.broadcast(F, kA);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).mul(preCV)
                    .fma(kCV, fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER)).mul(preAV).mul(kAV)
                    .intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float v = Math.fma(src.getAtIndex(JAVA_FLOAT, x + j) * preC, kC, diffDst.getAtIndex(JAVA_FLOAT, dy + j));
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, v * preA * kA);
        }
    }

    /** p = 1: {@code dx = (dy - q sign(x)) * preA * kA}. */
    private static void backwardSign(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float q, float preA, float kA, long cols) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector minusQ = FloatVector.broadcast(F, -q);
        FloatVector plusQ = FloatVector.broadcast(F, q);
        FloatVector preAV = FloatVector.broadcast(F, preA);
        FloatVector kAV = FloatVector.broadcast(F, kA);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector v = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER);
            FloatVector qw = zero.blend(plusQ, v.compare(VectorOperators.GT, 0f))
                    .blend(minusQ, v.compare(VectorOperators.LT, 0f));
            fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER).sub(qw).mul(preAV).mul(kAV)
                    .intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float v = src.getAtIndex(JAVA_FLOAT, x + j);
            float qw = v > 0f ? q : v < 0f ? -q : 0f;
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, (diffDst.getAtIndex(JAVA_FLOAT, dy + j) - qw) * preA * kA);
        }
    }

    /** How many |x| equal the max norm m (at least 1): p = inf's gradient is split evenly among them. */
    private static long ties(MemorySegment src, long x, float m, long cols) {
        long count = 0;
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            count += fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER).abs()
                    .compare(VectorOperators.EQ, m).trueCount();
        }
        for (; j < cols; j++) {
            if (Math.abs(src.getAtIndex(JAVA_FLOAT, x + j)) == m) count++;
        }
        return Math.max(count, 1);
    }

    /** p = inf: {@code dx = (dy - q sign(x) [|x| == m]) * preA * kA}, q already divided by the ties. */
    private static void backwardMax(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, float m, float q, float preA, float kA, long cols) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector minusQ = FloatVector.broadcast(F, -q);
        FloatVector plusQ = FloatVector.broadcast(F, q);
        FloatVector preAV = FloatVector.broadcast(F, preA);
        FloatVector kAV = FloatVector.broadcast(F, kA);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector v = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER);
            VectorMask<Float> top = v.abs().compare(VectorOperators.EQ, m);
            FloatVector qw = zero.blend(plusQ, v.compare(VectorOperators.GT, 0f).and(top))
                    .blend(minusQ, v.compare(VectorOperators.LT, 0f).and(top));
            fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER).sub(qw).mul(preAV).mul(kAV)
                    .intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float v = src.getAtIndex(JAVA_FLOAT, x + j);
            float qw = Math.abs(v) != m ? 0f : v > 0f ? q : v < 0f ? -q : 0f;
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, (diffDst.getAtIndex(JAVA_FLOAT, dy + j) - qw) * preA * kA);
        }
    }

    /**
     * Other p: {@code dx = (dy - sign(q) sign(x) scratch) * preA * kA}, scratch holding {@code |q| (|x|/n)^(p-1)}; 0
     * where x = 0 (where that power is infinite for {@code p < 1}), as PyTorch's norm backward masks it.
     */
    private static void backwardPowers(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, MemorySegment scratch, float q, float preA, float kA, long cols) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector qV = FloatVector.broadcast(F, q);
        FloatVector preAV = FloatVector.broadcast(F, preA);
        FloatVector kAV = FloatVector.broadcast(F, kA);
        long j = 0;
        for (long end = F.loopBound(cols); j < end; j += LANES) {
            FloatVector v = fromMemorySegment(F, src, Float.BYTES * (x + j), BYTE_ORDER);
            FloatVector w = fromMemorySegment(F, scratch, Float.BYTES * j, BYTE_ORDER);
            FloatVector signed = zero.blend(w, v.compare(VectorOperators.GT, 0f))
                    .blend(w.neg(), v.compare(VectorOperators.LT, 0f));
            signed.neg().fma(qV, fromMemorySegment(F, diffDst, Float.BYTES * (dy + j), BYTE_ORDER)).mul(preAV)
                    .mul(kAV).intoMemorySegment(diffSrc, Float.BYTES * (dx + j), BYTE_ORDER);
        }
        for (; j < cols; j++) {
            float v = src.getAtIndex(JAVA_FLOAT, x + j);
            float w = scratch.getAtIndex(JAVA_FLOAT, j);
            float signed = v > 0f ? w : v < 0f ? -w : 0f;
            float d = Math.fma(-signed, q, diffDst.getAtIndex(JAVA_FLOAT, dy + j));
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, d * preA * kA);
        }
    }

    /** Smallest nonzero |x| of {@code count} floats from {@code at}; +inf when all are zero. */
    private static double minAbsNonzero(MemorySegment s, long at, long count) {
        FloatVector inf = FloatVector.broadcast(F, INF);
        FloatVector m = inf;
        long j = 0;
        for (long end = F.loopBound(count); j < end; j += LANES) {
            FloatVector a = fromMemorySegment(F, s, Float.BYTES * (at + j), BYTE_ORDER).abs();
            m = m.min(a.blend(inf, a.compare(VectorOperators.EQ, 0f)));
        }
        float min = m.lane(0);
        for (int l = 1; l < LANES; l++) min = Math.min(min, m.lane(l));
        for (; j < count; j++) {
            float a = Math.abs(s.getAtIndex(JAVA_FLOAT, at + j));
            if (a != 0f) min = Math.min(min, a);
        }
        return min;
    }

    /** Other p, in double: {@code dx = a (dy - q sign(x) (|x|/n)^(p-1))}, 0 where x = 0; the rare-case fallback. */
    private static void backwardPowersInDouble(MemorySegment src, long x, MemorySegment diffDst, long dy,
            MemorySegment diffSrc, long dx, double n, float p, double q, double a, long cols) {
        for (long j = 0; j < cols; j++) {
            double v = src.getAtIndex(JAVA_FLOAT, x + j);
            double w = v == 0 ? 0 : Math.signum(v) * Math.pow(Math.abs(v) / n, p - 1.0);
            diffSrc.setAtIndex(JAVA_FLOAT, dx + j, (float) (a * (diffDst.getAtIndex(JAVA_FLOAT, dy + j) - q * w)));
        }
    }

    /** Sum of |x| in double: the rare-case fallback when the f32 sum overflows. */
    private static double absInDouble(MemorySegment s, long at, long count) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            sum += Math.abs(s.getAtIndex(JAVA_FLOAT, at + j));
        }
        return sum;
    }

    /** Sum of a * b in double: the rare-case fallback when the f32 dot product overflows (or meets NaN). */
    private static double dotInDouble(MemorySegment a, long aAt, MemorySegment b, long bAt, long count) {
        double sum = 0;
        for (long j = 0; j < count; j++) {
            sum += (double) a.getAtIndex(JAVA_FLOAT, aAt + j) * b.getAtIndex(JAVA_FLOAT, bAt + j);
        }
        return sum;
    }
}
