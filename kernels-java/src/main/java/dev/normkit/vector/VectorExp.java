package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;

/**
 * e^x for {@link VectorNormalTail}, its only user, with the contract it was written against: results below about
 * 2^-126 (x &lt; -87.33) flush to +0. New code calls {@link VectorMath#exp}, which keeps subnormal results. Both are
 * the Vector API's {@code EXP} (SVML on x86, within 1 ulp) with no lane reinterpretation; the former hand-written
 * polynomial here built 2^n from exponent bits.
 */
final class VectorExp {
    private VectorExp() {}

    /** Below this, e^x &lt; 1.2e-38 and is flushed to +0. */
    private static final float UNDERFLOW = -87.33f;

    /** e^x lanewise, within 1 ulp; NaN gives NaN, x &gt; 88.73 gives +inf, x &lt; -87.33 gives +0. */
    static FloatVector exp(FloatVector x) {
        return VectorMath.exp(x).blend(0f, x.compare(LT, UNDERFLOW));
    }

    /**
     * e^(hi + lo) for a finite correction {@code lo} below an ulp of {@code hi} (an unevaluated sum): e^hi (1 + lo),
     * exact to first order, so the bits of lo that hi + lo would round away are kept. Flushes as {@link #exp} does,
     * decided by hi.
     */
    static FloatVector expOfSum(FloatVector hi, FloatVector lo) {
        FloatVector e = exp(hi);
        return e.fma(lo, e);
    }
}
