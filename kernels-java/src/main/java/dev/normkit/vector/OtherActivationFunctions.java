package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.POW;
import static jdk.incubator.vector.VectorOperators.SQRT;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The lane functions of sqrt, square, softsign and pow (signatures as {@link VectorActivationFunctions} explains; the
 * generator writes their loops). Conventions, the scalar path's: NaN propagates, infinities give the limits, and pow
 * follows IEEE 754 / C {@code pow} at 0 and for negative bases (as {@code torch.pow}) except that b = 0 keeps NaN.
 *
 * <p>pow picks one of four forms per kernel ({@link VectorActivation#plan}): b = 0 (the constant a), b = 1 (a s, the
 * generic scale), an integer b with {@code |b| <=} {@value #MAX_MULTIPLIED} (repeated multiplication or division: a
 * few roundings, no call), and any other b through the Vector API's lanewise {@code POW}, on x86 one call into the
 * JDK's SVML stub (an intrinsic, so it stays compiled like {@code EXP} does, docs/vector-jit.md), held by its
 * specification to {@code Math.pow}'s accuracy (1 ulp). Every form starts from the scale (a, or dy a b backward) so
 * that no power of s overflows or underflows on its own where the result would not.
 */
final class OtherActivationFunctions {
    private OtherActivationFunctions() {}

    /** The largest |b| pow computes by multiplication; beyond, repeated roundings would cost more than POW's 1 ulp. */
    static final int MAX_MULTIPLIED = 4;

    // ---- forward ---------------------------------------------------------------------------------------------------

    /** sqrt s, correctly rounded (one instruction): NaN below 0, sqrt(-0) = -0. */
    static FloatVector sqrt(FloatVector s, float p, float q) {
        return s.lanewise(SQRT);
    }

    /** s^2, correctly rounded. */
    static FloatVector square(FloatVector s, float p, float q) {
        return s.mul(s);
    }

    /** s / (1 + |s|); +-inf give +-1 (the quotient alone would be inf / inf). */
    static FloatVector softsign(FloatVector s, float p, float q) {
        FloatVector y = s.div(s.abs().add(1f));
        return y.blend(1f, s.compare(EQ, Float.POSITIVE_INFINITY)).blend(-1f, s.compare(EQ, Float.NEGATIVE_INFINITY));
    }

    /** pow with b = 0: the constant a = p for every s but NaN. */
    static FloatVector powZero(FloatVector s, float p, float q) {
        return s.broadcast(p).blend(s, s.compare(NE, s));
    }

    /** a s^b, a = p, b = q an integer, 2 &lt;= |b| &lt;= {@value #MAX_MULTIPLIED} or b = -1 (b = 0 and 1 have their own forms). */
    static FloatVector powInteger(FloatVector s, float p, float q) {
        return integerPower(s, s.broadcast(p), (int) q);
    }

    /** a s^b by lanewise POW, a = p, b = q (see {@link #scaledPower}). */
    static FloatVector powReal(FloatVector s, float p, float q) {
        return scaledPower(s, s.broadcast(p), q);
    }

    // ---- backward --------------------------------------------------------------------------------------------------

    /** dy / (2 sqrt s): +inf dy at +0, -inf dy at -0, NaN below 0. 2 sqrt s is exact. */
    static FloatVector sqrtGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.div(s.lanewise(SQRT).mul(2f));
    }

    /** dy / (2 d) from d = sqrt s (backward from dst: the loops pass dst as s). */
    static FloatVector sqrtDstGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.div(s.mul(2f));
    }

    /** dy * 2s, multiplied in the order that overflows only where the result does. */
    static FloatVector squareGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s).mul(2f);
    }

    /** dy / (1 + |s|)^2 as two divisions, so that (1 + |s|)^2 never overflows: 0 at +-inf (NaN for infinite dy). */
    static FloatVector softsignGradient(FloatVector s, FloatVector dy, float p, float q) {
        FloatVector t = s.abs().add(1f);
        return dy.div(t).div(t);
    }

    /** pow with b = 0: dy * 0 (a plain product, so infinite dy gives NaN), NaN where s is NaN. */
    static FloatVector powZeroGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s.broadcast(0f).blend(s, s.compare(NE, s)));
    }

    /** dy a b s^(b-1), a = p, b = q an integer as for {@link #powInteger}: b - 1 is in [-5, 3], not 0. */
    static FloatVector powIntegerGradient(FloatVector s, FloatVector dy, float p, float q) {
        return integerPower(s, dy.mul(q).mul(p), (int) q - 1);
    }

    /** dy a b s^(b-1) by lanewise POW; b - 1 is formed in float (exact for b with few mantissa bits, e.g. halves). */
    static FloatVector powRealGradient(FloatVector s, FloatVector dy, float p, float q) {
        return scaledPower(s, dy.mul(q).mul(p), q - 1f);
    }

    /**
     * c s^m for an integer 1 &lt;= |m| &lt;= 5, as c s s ... or c / s / s ...: starting from c, no intermediate
     * overflows or underflows where the result does not (s^m alone would, for a small c), and every step is one
     * correctly rounded operation, so the error is at most |m| half-ulps. The branches test the kernel's constant m.
     */
    private static FloatVector integerPower(FloatVector s, FloatVector c, int m) {
        FloatVector r = c;
        if (m > 0) {
            r = r.mul(s);
            if (m > 1) r = r.mul(s);
            if (m > 2) r = r.mul(s);
            if (m > 3) r = r.mul(s);
            if (m > 4) r = r.mul(s);
        } else {
            r = r.div(s);
            if (m < -1) r = r.div(s);
            if (m < -2) r = r.div(s);
            if (m < -3) r = r.div(s);
            if (m < -4) r = r.div(s);
        }
        return r;
    }

    /**
     * c s^e by lanewise POW on |s|, as (c u) u with u = |s|^(e/2): the halves keep |s|^e from overflowing (or
     * underflowing) where c s^e does not, which one POW followed by the product by c would. A negative base then takes
     * IEEE pow's result: NaN for a non-integer e (but pow(-inf, e) is |.|^e), the sign of s for an odd integer e (-0
     * included, told apart by 1/s &lt; 0 where e &lt; 0 makes it -inf). The branches test the kernel's constant e.
     */
    private static FloatVector scaledPower(FloatVector s, FloatVector c, float e) {
        FloatVector u = s.abs().lanewise(POW, e * 0.5f);
        FloatVector r = c.mul(u).mul(u);
        if (e != Math.rint(e)) {
            return r.blend(Float.NaN, s.compare(LT, 0f).and(s.compare(NE, Float.NEGATIVE_INFINITY)));
        }
        if (Math.abs(e) % 2f != 1f) return r;
        VectorMask<Float> negative = s.compare(LT, 0f);
        if (e < 0) negative = negative.or(s.broadcast(1f).div(s).compare(LT, 0f));
        return r.blend(r.neg(), negative);
    }
}
