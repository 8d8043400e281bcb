package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The lane functions of the piecewise-linear activations (relu6, hardtanh, clip, clip_v2, leaky hardtanh and its
 * inverse, hardsigmoid, hardswish, the shrinks, abs, linear, round), in the signatures
 * {@link VectorActivationFunctions} documents; the generator writes their loops.
 *
 * <p>Each is a few compares and blends and at most one or two multiplies per lane, so the loops stay bound by memory,
 * as ReLU's. Conventions are the scalar path's ({@code scalar/PiecewiseLinearFunctions}): NaN propagates in forward
 * and backward (a blend mask that compares false on NaN leaves the NaN in place, or the NaN lanes are put back from
 * s), infinite inputs give the limits, derivatives at kinks are PyTorch's, bounds map -0 to +0 as ReLU does.
 */
final class PiecewiseLinearActivationFunctions {
    private PiecewiseLinearActivationFunctions() {}

    private static final float ONE_SIXTH = 1f / 6f;
    /** 2^23: floats of at least this magnitude are integers; below it, (|s| + 2^23) - 2^23 rounds |s| half to even. */
    private static final float TWO_23 = 8388608f;

    // ---- forward ---------------------------------------------------------------------------------------------------

    /** min(max(s, lo), hi), lo = p, hi = q: relu6, hardtanh, clip, clip_v2. NaN fails both compares and stays. */
    static FloatVector clamp(FloatVector s, float p, float q) {
        return s.blend(p, s.compare(LE, p)).blend(q, s.compare(GE, q));
    }

    /** hardtanh(s) + k s, k = p: one fused multiply-add on the clamped s, so one rounding. */
    static FloatVector leakyHardtanh(FloatVector s, float p, float q) {
        FloatVector clamped = s.blend(-1f, s.compare(LE, -1f)).blend(1f, s.compare(GE, 1f));
        return s.fma(s.broadcast(p), clamped);
    }

    /**
     * The inverse of leaky hardtanh at s = y, k = p, q = {@link #inverseThreshold}(k): (y - c) m with c = 0, m = 1/(1+k)
     * strictly inside (-(1+k), 1+k), c = +-1, m = 1/k at and beyond. y - 1 is exact near the kink (Sterbenz), so the
     * outer branch does not cancel. The reciprocals are loop invariants (C2 computes them once).
     */
    static FloatVector leakyHardtanhInverse(FloatVector s, float p, float q) {
        float inner = (float) (1.0 / (1.0 + p));
        float outer = (float) (1.0 / p);
        VectorMask<Float> outside = s.abs().compare(GE, q);
        FloatVector shift = s.broadcast(0f).blend(1f, s.compare(GE, q)).blend(-1f, s.compare(LE, -q));
        return s.sub(shift).mul(s.broadcast(inner).blend(outer, outside));
    }

    /** min(max(s + 3, 0), 6) / 6: s + 3 is exact near -3, so the small values keep their relative accuracy. */
    static FloatVector hardsigmoid(FloatVector s, float p, float q) {
        return s.add(3f).mul(ONE_SIXTH).blend(0f, s.compare(LE, -3f)).blend(1f, s.compare(GE, 3f));
    }

    /** s (s + 3) / 6 on (-3, 3), 0 at and below -3 (-inf included), s at and above 3. */
    static FloatVector hardswish(FloatVector s, float p, float q) {
        return s.mul(s.add(3f).mul(ONE_SIXTH)).blend(0f, s.compare(LE, -3f)).blend(s, s.compare(GE, 3f));
    }

    /** |s| &gt; lambd ? s : +0, lambd = p. */
    static FloatVector hardshrink(FloatVector s, float p, float q) {
        return s.blend(0f, s.abs().compare(LE, p));
    }

    /** s -+ lambd outside the band [-lambd, lambd], +0 inside, lambd = p: one subtraction, correctly rounded. */
    static FloatVector softshrink(FloatVector s, float p, float q) {
        FloatVector shift = s.broadcast(p).blend(-p, s.compare(LT, 0f));
        return s.sub(shift).blend(0f, s.abs().compare(LE, p));
    }

    /** |s|. */
    static FloatVector abs(FloatVector s, float p, float q) {
        return s.abs();
    }

    /** a s + b, a = p != 0, b = q, fused: one rounding. */
    static FloatVector linear(FloatVector s, float p, float q) {
        return s.fma(p, q);
    }

    /** Linear with a = 0: the constant b = q, also at +-infinity (the limit); NaN stays. */
    static FloatVector linearConstant(FloatVector s, float p, float q) {
        return s.broadcast(q).blend(s, s.compare(NE, s));
    }

    /**
     * Round half to even: the Vector API has no rint, so |s| + 2^23 rounds |s| to an integer in the FPU's
     * round-to-nearest-even mode and - 2^23 takes it back exactly; the sign is put back by a blend. |s| &gt;= 2^23
     * (infinities included) is already an integer and +-0 must keep its sign: those lanes keep s. NaN stays NaN.
     */
    static FloatVector roundHalfEven(FloatVector s, float p, float q) {
        FloatVector a = s.abs();
        FloatVector r = a.add(TWO_23).sub(TWO_23);
        return r.blend(r.neg(), s.compare(LT, 0f)).blend(s, a.compare(GE, TWO_23).or(s.compare(EQ, 0f)));
    }

    // ---- backward --------------------------------------------------------------------------------------------------

    /** dy * (lo &lt; s &lt; hi ? 1 : 0), lo = p, hi = q: hardtanh, relu6, clip_v2 (also from dst). */
    static FloatVector clampGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(indicator(s, s.compare(GT, p).and(s.compare(LT, q))));
    }

    /** dy * (lo &lt; s &lt;= hi ? 1 : 0): oneDNN's clip, the upper bound included. */
    static FloatVector clipGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(indicator(s, s.compare(GT, p).and(s.compare(LE, q))));
    }

    /** dy (k + 1) strictly inside (-1, 1), dy k elsewhere, k = p: dy k + (inside ? dy : 0), one fused rounding. */
    static FloatVector leakyHardtanhGradient(FloatVector s, FloatVector dy, float p, float q) {
        VectorMask<Float> inside = s.compare(GT, -1f).and(s.compare(LT, 1f));
        FloatVector addend = dy.broadcast(0f).blend(dy, inside);
        return dy.fma(dy.broadcast(p), addend).blend(s, s.compare(NE, s));
    }

    /** dy / (1 + k) strictly inside (-(1+k), 1+k), dy / k at and beyond (k = p, q the threshold). */
    static FloatVector leakyHardtanhInverseGradient(FloatVector s, FloatVector dy, float p, float q) {
        float inner = (float) (1.0 / (1.0 + p));
        float outer = (float) (1.0 / p);
        FloatVector a = s.abs();
        FloatVector slope = a.blend(inner, a.compare(LT, q)).blend(outer, a.compare(GE, q)); // NaN stays
        return dy.mul(slope);
    }

    /** dy / 6 strictly inside (-3, 3), else 0. */
    static FloatVector hardsigmoidGradient(FloatVector s, FloatVector dy, float p, float q) {
        VectorMask<Float> inside = s.compare(GT, -3f).and(s.compare(LT, 3f));
        return dy.mul(s.broadcast(0f).blend(ONE_SIXTH, inside).blend(s, s.compare(NE, s)));
    }

    /**
     * dy * (2s + 3) / 6 on [-3, 3], 0 below, dy above. 2s + 3 is exact where the slope nears 0 (s near -1.5), so the
     * slope is exactly 0 at -1.5 and accurate around it (s/3 + 1/2 with a rounded 1/3 is not). NaN s gives a NaN slope
     * that no blend catches.
     */
    static FloatVector hardswishGradient(FloatVector s, FloatVector dy, float p, float q) {
        FloatVector slope = s.fma(2f, 3f).mul(ONE_SIXTH).blend(0f, s.compare(LT, -3f)).blend(1f, s.compare(GT, 3f));
        return dy.mul(slope);
    }

    /** hardshrink and softshrink: dy * (|s| &gt; lambd ? 1 : 0), lambd = p. */
    static FloatVector shrinkGradient(FloatVector s, FloatVector dy, float p, float q) {
        FloatVector a = s.abs();
        return dy.mul(s.blend(1f, a.compare(GT, p)).blend(0f, a.compare(LE, p)));
    }

    /** dy * sign(s): the +-0 and NaN lanes keep s, so 0 * dy at zero and NaN at NaN. */
    static FloatVector absGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s.blend(1f, s.compare(GT, 0f)).blend(-1f, s.compare(LT, 0f)));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /** 1 where {@code inside}, 0 elsewhere, NaN where s is NaN. */
    private static FloatVector indicator(FloatVector s, VectorMask<Float> inside) {
        return s.broadcast(0f).blend(1f, inside).blend(s, s.compare(NE, s));
    }

    /**
     * The float threshold q of {@link #leakyHardtanhInverse} for slope k: the smallest float at or above 1 + k (exact
     * in double), so that {@code |y| < q} is exactly {@code |y| < 1 + k} for every float y.
     */
    static float inverseThreshold(float k) {
        double t = 1.0 + k;
        float f = (float) t;
        return f < t ? Math.nextUp(f) : f;
    }
}
