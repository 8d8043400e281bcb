package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.EXP;
import static jdk.incubator.vector.VectorOperators.EXPM1;
import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.F2I;
import static jdk.incubator.vector.VectorOperators.GE;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LOG;
import static jdk.incubator.vector.VectorOperators.LOG1P;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;
import static jdk.incubator.vector.VectorOperators.NE;
import static jdk.incubator.vector.VectorOperators.TANH;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;

/**
 * Transcendental functions on float vectors, written so that a loop calling them stays compiled by C2
 * (docs/vector-jit.md):
 *
 * <ul>
 *   <li>exp, expm1, log, log1p and tanh are the Vector API's lanewise operators: on x86 each is one call into the
 *       JDK's SVML stubs, which C2 never refuses (they are intrinsics, not Java code counted against the 18,000-node
 *       inlining budget). The operator is a constant at the call site, as the intrinsic requires.</li>
 *   <li>erf is a rational function of x with no exp; sigmoid and the normal tail take one exp each.</li>
 *   <li>No lane reinterpretation (float bits as ints): it has cost allocations and megamorphic calls in some JDK
 *       builds.</li>
 *   <li>Every method is a few dozen nodes. Loops call them directly; a loop method takes and returns only scalars
 *       and arrays or segments, so if a caller leaves the loop un-inlined it costs one call, never a boxed vector.</li>
 * </ul>
 *
 * <p>Accuracy is in ulps of the correctly rounded float result, measured against double ({@code Math.*}, a reference
 * erf) on every 2^12-th float bit pattern of both signs, every 2^8-th subnormal and the special values, with the code
 * compiled by C2, at 256 and 512 bits (VectorMathAccuracyTest holds each bound). The lanewise operators must be as
 * accurate as the matching {@code Math} method (their specification); SVML's are within 1 ulp. Where the Vector API
 * falls back to {@code Math} per lane (the interpreter, or a CPU without SVML), the results can differ from the
 * compiled ones in the last bit, within the same bounds.
 */
final class VectorMath {
    private VectorMath() {}

    /** e^x, at most 1 ulp (measured 0.74). e^-inf = +0, e^+inf = +inf, NaN gives NaN; subnormal results kept. */
    static FloatVector exp(FloatVector x) {
        return x.lanewise(EXP);
    }

    /**
     * e^x, within 1.5 ulp (measured 0.95 over VectorMathAccuracyTest's sweep, 1.003 at worst over 32M random
     * arguments: the final add's rounding on top of r's and the polynomial's), from exactly rounded operations only
     * (fma, mul, add, a float-to-int conversion), so an interpreted, a C1 and a C2 run give the same bits;
     * {@link #exp} does not (SVML in C2 code, {@code Math.exp} per lane before). The reductions use this one
     * (softmax: issue 10's same bits on every tier). The activations keep {@link #exp}: C2 parses this one as some
     * 680 inlined Vector API methods against SVML's one intrinsic, enough to push gelu_erf's loop past C2's node
     * cutoff (CompiledPathTest saw it), and a refused inline boxes vectors.
     *
     * <p>Cody and Waite: n = rint(x log2 e) by the 1.5 * 2^23 shifter, r = x - n ln 2 in two fma steps
     * (|r| &lt;= ln 2 / 2), e^r = 1 + r + r^2 q(r) with q a degree-4 relative minimax fit (0.05 u), then
     * e^x = e^r 2^n1 2^n2 with n1 + n2 = n: two normal scales, so a subnormal result is rounded once, by the last
     * multiply. x is clamped to [-104, 89] first (e^-104 rounds to +0 and e^89 overflows, so the clamp changes no
     * result and keeps n1, n2 in the normal exponent range). e^-inf = +0, e^+inf = +inf, NaN gives NaN (the clamp
     * propagates it).
     *
     * <p>The vector path's only lane reinterpretations are here and in {@link #logRepeatable}: the exponent field is
     * the only way to form 2^n (or read n) from exact operations in a few instructions (a compare ladder costs eight
     * blends). Each is one small method of the one species, inlined wherever CompiledPathTest looks.
     */
    static FloatVector expRepeatable(FloatVector x) {
        FloatVector xc = x.lanewise(MAX, EXP_LOW).lanewise(MIN, EXP_HIGH);
        FloatVector n = xc.fma(LOG2_E, SHIFTER).sub(SHIFTER);
        FloatVector r = n.fma(xc.broadcast(-LN2_HIGH), xc);
        r = n.fma(xc.broadcast(-LN2_LOW), r);
        FloatVector q = r.fma(EXP_Q4, EXP_Q3);
        q = q.fma(r, r.broadcast(EXP_Q2));
        q = q.fma(r, r.broadcast(EXP_Q1));
        q = q.fma(r, r.broadcast(EXP_Q0));
        FloatVector p = q.fma(r.mul(r), r).add(1f);
        IntVector k = (IntVector) n.convert(F2I, 0);
        IntVector k1 = k.lanewise(ASHR, 1);
        return p.mul(pow2(k1)).mul(pow2(k.sub(k1)));
    }

    /**
     * ln x, at most 1 ulp (measured in VectorMathAccuracyTest), from exactly rounded operations only, so every JIT
     * tier gives the same bits ({@link #log} is SVML in C2 code only): for the powers inside reductions (the p-norms'
     * |x|^(p-1)). x = 2^k m with m in [sqrt 1/2, sqrt 2) read from the bits (musl's logf split), f = m - 1, and
     * ln(1 + f) = f - f^2/2 + f^3 P(f) with P a degree-7 relative minimax fit (0.1 u); k ln 2 is added in two parts
     * (Cody and Waite) so that it adds no rounding of its own. Subnormal x is scaled by 2^23 first. ln 0 = -inf,
     * ln of a negative number = NaN, ln +inf = +inf, NaN gives NaN.
     */
    static FloatVector logRepeatable(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(LT, Float.MIN_NORMAL);
        FloatVector xs = x.blend(x.mul(TWO_TO_23), subnormal);
        IntVector bits = exponentSplit(xs);
        FloatVector k = ((FloatVector) bits.lanewise(ASHR, 23).sub(127).convert(I2F, 0))
                .add(x.broadcast(0f).blend(-23f, subnormal));
        FloatVector f = mantissaOf(bits).sub(1f);
        FloatVector z = f.mul(f);
        FloatVector p = f.fma(LOG_P7, LOG_P6);
        p = p.fma(f, f.broadcast(LOG_P5));
        p = p.fma(f, f.broadcast(LOG_P4));
        p = p.fma(f, f.broadcast(LOG_P3));
        p = p.fma(f, f.broadcast(LOG_P2));
        p = p.fma(f, f.broadcast(LOG_P1));
        p = p.fma(f, f.broadcast(LOG_P0));
        FloatVector y = k.fma(k.broadcast(LN2_LOW_LOG), p.mul(f).mul(z));
        y = z.fma(z.broadcast(-0.5f), y);
        FloatVector r = f.add(y).add(k.mul(LN2_HIGH_LOG));
        r = r.blend(Float.NEGATIVE_INFINITY, x.compare(EQ, 0f));
        r = r.blend(Float.POSITIVE_INFINITY, x.compare(EQ, Float.POSITIVE_INFINITY));
        return r.blend(Float.NaN, x.compare(LT, 0f).or(x.compare(NE, x)));
    }

    /**
     * The bits of x (normal, positive) with sqrt(1/2)'s bits subtracted from the exponent-and-mantissa field, so that
     * {@code bits >> 23} is k with x = 2^k m, m in [sqrt 1/2, sqrt 2); {@link #mantissaOf} gives m.
     */
    private static IntVector exponentSplit(FloatVector x) {
        return x.reinterpretAsInts().add(ONE_BITS - SQRT_HALF_BITS);
    }

    /** m of {@link #exponentSplit}: the mantissa bits under sqrt(1/2)'s exponent. */
    private static FloatVector mantissaOf(IntVector split) {
        return split.and(MANTISSA_BITS).add(SQRT_HALF_BITS).reinterpretAsFloats();
    }

    /** 2^k for an integer k in [-126, 127]: k + 127 in the exponent field, a zero mantissa. */
    private static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(LSHL, 23).reinterpretAsFloats();
    }

    /** e^x - 1, at most 1 ulp (measured 0.57); exact near 0 where e^x - 1 would cancel. -inf gives -1. */
    static FloatVector expm1(FloatVector x) {
        return x.lanewise(EXPM1);
    }

    /**
     * ln x, at most 1 ulp (measured 0.85 at 256 bits, 0.50 at 512). ln 0 = -inf, ln of a negative number = NaN,
     * ln +inf = +inf.
     */
    static FloatVector log(FloatVector x) {
        return x.lanewise(LOG);
    }

    /** ln(1 + x), at most 1 ulp (measured 0.57); exact near 0. log1p(-1) = -inf, below -1 NaN. */
    static FloatVector log1p(FloatVector x) {
        return x.lanewise(LOG1P);
    }

    /** tanh x, at most 1 ulp (measured 0.55). tanh(+-inf) = +-1, tanh(-0) = -0. */
    static FloatVector tanh(FloatVector x) {
        return x.lanewise(TANH);
    }

    /**
     * 1 / (1 + e^-x), at most 3 ulp (measured 2.28). With e = e^-|x| (never
     * overflows) and r = 1/(1+e): sigmoid(|x|) = r and sigmoid(-|x|) = e r, so the tiny results of negative x keep
     * their relative accuracy down to the subnormals. sigmoid(+inf) = 1, sigmoid(-inf) = +0, NaN gives NaN.
     */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = x.abs().neg().lanewise(EXP);
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        return r.blend(e.mul(r), x.compare(LT, 0f));
    }

    /**
     * erf x, at most 4 ulp (measured 3.70 near x = 2.8), by the odd 9/12 rational interpolant of Eigen's
     * {@code generic_fast_erf_float} (also XLA's): x P(x^2) / Q(x^2), no exp. From |x| &gt;= 3.8325 (erf x within half
     * an ulp of 1) it returns +-1 exactly. erf(+-0) = +-0, erf(+-inf) = +-1, NaN gives NaN.
     */
    static FloatVector erf(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(ERF_A9, ERF_A7);
        p = p.fma(x2, x2.broadcast(ERF_A5));
        p = p.fma(x2, x2.broadcast(ERF_A3));
        p = p.fma(x2, x2.broadcast(ERF_A1));
        FloatVector q = x2.fma(ERF_B12, ERF_B10);
        q = q.fma(x2, x2.broadcast(ERF_B8));
        q = q.fma(x2, x2.broadcast(ERF_B6));
        q = q.fma(x2, x2.broadcast(ERF_B4));
        q = q.fma(x2, x2.broadcast(ERF_B2));
        q = q.fma(x2, x2.broadcast(1f));
        FloatVector one = x.broadcast(1f).blend(-1f, x.compare(LT, 0f));
        return x.mul(p).div(q).blend(one, x.abs().compare(GE, ERF_SATURATES));
    }

    /**
     * Q(y) = P(Z &gt; y) = erfc(y / sqrt 2) / 2, the upper tail of the standard normal, for y &gt;= 0 (NaN gives
     * NaN), with relative accuracy all the way down: Q(y) = e^(-y^2/2) R(y), R a 4/5 rational. Written with
     * {@link #halfGaussian}: it returns {@code g R(y)} given g = e^(-y^2/2), so a caller that needs the density too
     * computes the exp once. At most 5 ulp (measured 4.48 near y = 9.6);
     * 0 from about y = 14.3 on.
     */
    static FloatVector normalTail(FloatVector y, FloatVector halfGaussian) {
        FloatVector yc = y.blend(TAIL_END, y.compare(GT, TAIL_END)); // keeps the rational finite; g is 0 there
        FloatVector num = yc.fma(TN4, TN3);
        num = num.fma(yc, yc.broadcast(TN2));
        num = num.fma(yc, yc.broadcast(TN1));
        num = num.fma(yc, yc.broadcast(TN0));
        FloatVector den = yc.fma(TD5, TD4);
        den = den.fma(yc, yc.broadcast(TD3));
        den = den.fma(yc, yc.broadcast(TD2));
        den = den.fma(yc, yc.broadcast(TD1));
        den = den.fma(yc, yc.broadcast(1f));
        return halfGaussian.mul(num).div(den);
    }

    /**
     * e^(-y^2/2), at most 1 ulp (measured 0.69). y^2/2 is split exactly into hi + lo (an fma gives hi's rounding
     * error), and e^(hi + lo) = e^hi (1 + lo) to first order since |lo| is under an ulp of hi: rounding y^2/2 alone
     * would cost up to 2e-6 relative at y = 8. +-inf gives +0.
     */
    static FloatVector halfGaussian(FloatVector y) {
        return halfGaussian(y, exp(halfGaussianExponent(y)));
    }

    /** hi, the float nearest -y^2/2: a loop that computes its exps in a separate pass takes e^hi of this. */
    static FloatVector halfGaussianExponent(FloatVector y) {
        return y.mul(-0.5f).mul(y);
    }

    /** e^(-y^2/2) from {@code e} = e^hi, hi = {@link #halfGaussianExponent}(y): e^hi (1 + lo). */
    static FloatVector halfGaussian(FloatVector y, FloatVector e) {
        FloatVector minusHalfY = y.mul(-0.5f);
        FloatVector hi = minusHalfY.mul(y);
        FloatVector lo = minusHalfY.fma(y, hi.neg());
        return e.fma(lo.blend(0f, hi.compare(LT, -104f)), e); // lo is NaN where y is infinite, and e is 0 there
    }

    /** exp: below EXP_LOW e^x rounds to +0, above EXP_HIGH it overflows; SHIFTER = 1.5 * 2^23 rounds to an integer. */
    private static final float EXP_LOW = -104f;
    private static final float EXP_HIGH = 89f;
    private static final float SHIFTER = 12582912f;
    private static final float LOG2_E = 1.44269504088896341f;
    /** ln 2 = LN2_HIGH + LN2_LOW, LN2_HIGH with 12 trailing zero bits so that n LN2_HIGH is exact. */
    private static final float LN2_HIGH = 0.693145751953125f;
    private static final float LN2_LOW = 1.428606765330187045e-6f;
    /** e^r = 1 + r + r^2 (Q0 + Q1 r + ... + Q4 r^4) on |r| &lt;= ln 2 / 2: relative minimax fit, 0.05 u. */
    private static final float EXP_Q0 = 0.4999999403953552f;
    private static final float EXP_Q1 = 0.1666652113199234f;
    private static final float EXP_Q2 = 0.04166838899254799f;
    private static final float EXP_Q3 = 0.008368730545043945f;
    private static final float EXP_Q4 = 0.0013814570847898722f;

    /** logRepeatable: the bits of 1 and of sqrt(1/2) rounded down, the mantissa field, 2^23 for subnormals. */
    private static final int ONE_BITS = 0x3f800000;
    private static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final int MANTISSA_BITS = 0x007fffff;
    private static final float TWO_TO_23 = 8388608f;
    /** ln 2 = LN2_HIGH_LOG + LN2_LOW_LOG (Cephes' split: the high part has 9 significant bits). */
    private static final float LN2_HIGH_LOG = 0.693359375f;
    private static final float LN2_LOW_LOG = -2.12194440e-4f;
    /** ln(1 + f) = f - f^2/2 + f^3 (P0 + ... + P7 f^7) on [sqrt 1/2 - 1, sqrt 2 - 1]: relative minimax, 0.1 u. */
    private static final float LOG_P0 = 0.3333333134651184f;
    private static final float LOG_P1 = -0.250008225440979f;
    private static final float LOG_P2 = 0.20001234114170074f;
    private static final float LOG_P3 = -0.16623298823833466f;
    private static final float LOG_P4 = 0.14201553165912628f;
    private static final float LOG_P5 = -0.1316058188676834f;
    private static final float LOG_P6 = 0.12763327360153198f;
    private static final float LOG_P7 = -0.07635655254125595f;

    /** erf saturates to +-1 in float beyond erfinv(1 - 2^-24) (Eigen rounds this down so as never to exceed 1). */
    private static final float ERF_SATURATES = 3.832506856900711f;
    private static final float ERF_A1 = 1.128379143519084f;
    private static final float ERF_A3 = 0.18520832239976145f;
    private static final float ERF_A5 = 0.050955695062380861f;
    private static final float ERF_A7 = 0.0034082910107109506f;
    private static final float ERF_A9 = 0.00022905065861350646f;
    private static final float ERF_B2 = 0.49746925110067538f;
    private static final float ERF_B4 = 0.11098505178285362f;
    private static final float ERF_B6 = 0.014070470171167667f;
    private static final float ERF_B8 = 0.0010179625278914885f;
    private static final float ERF_B10 = 0.000023547966471313185f;
    private static final float ERF_B12 = -1.1791602954361697e-7f;

    /**
     * R(y) = Q(y) e^(y^2/2) = N(y)/D(y): a relative-minimax fit on [0, 13.5], fit error 5.1e-9.
     */
    private static final float TAIL_END = 15f;
    private static final float TN0 = 0.5000000025635901f;
    private static final float TN1 = 0.43614621718178925f;
    private static final float TN2 = 0.18164581887725417f;
    private static final float TN3 = 0.04009805896735111f;
    private static final float TN4 = 0.004036998943674819f;
    private static final float TD1 = 1.67017736381029f;
    private static final float TD2 = 1.1958961239991954f;
    private static final float TD3 = 0.46527519552690705f;
    private static final float TD4 = 0.10051813819564936f;
    private static final float TD5 = 0.01011911685488133f;
}
