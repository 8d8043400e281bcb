package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;

import jdk.incubator.vector.FloatVector;

/**
 * The lane functions of the exponential-family activations (elu, selu, celu, softplus, sigmoid, log_sigmoid, tanh,
 * tanhshrink, mish, exp, log), with the signatures {@link VectorActivationFunctions} documents; the generator writes
 * their loops. Where a function needs e^x it takes it as {@code e} (computed by the loop in a pass of its own, one
 * exp per element); expm1, log1p, log and tanh are the Vector API's lanewise operators ({@link VectorMath}), used
 * where e^x alone would cancel. No lane reinterpretation, lanes independent.
 *
 * <p>Conventions, the scalar path's: NaN propagates (forward and backward), infinite inputs give the limits, elu's
 * derivative at 0 is alpha (PyTorch), softplus is s where the f32 product beta s exceeds the threshold (strictly).
 */
final class ExpFamilyActivationFunctions {
    private ExpFamilyActivationFunctions() {}

    /** Beyond this |x|, e^-|x| is 0 in f32 (e^-104 is below MIN_VALUE / 2): the correction term is dropped there. */
    private static final float EXP_UNDERFLOWS = 104f;
    /**
     * mish: from s = 20 on, tanh(softplus(s)) = 1 - 2e^-2s is 1 in f32 and the derivative's second term
     * (4 s e^-s) is below an ulp of 1; clamping s there keeps n^2 = e^2s finite. Below -120, e^s is 0 in f32.
     */
    private static final float MISH_HIGH = 20f;
    private static final float MISH_LOW = -120f;
    /** tanhshrink: below this |s| the polynomial, above it s - tanh s (cancelling at most a factor 4.2). */
    private static final float TANHSHRINK_POLY = 1f;
    /**
     * (s - tanh s) / s^3 as a polynomial in z = s^2 on [0, 1]: a relative least-squares fit of degree 8 on Chebyshev
     * nodes (mpmath reference), 0.52 u relative with these f32 coefficients; its leading terms are the Taylor
     * series' 1/3, -2/15, 17/315.
     */
    private static final float TS0 = 0.3333333432674408f;
    private static final float TS1 = -0.13333331048488617f;
    private static final float TS2 = 0.053967565298080444f;
    private static final float TS3 = -0.02186233550310135f;
    private static final float TS4 = 0.008825329132378101f;
    private static final float TS5 = -0.003476453712210059f;
    private static final float TS6 = 0.001239905832335353f;
    private static final float TS7 = -0.00033632098347879946f;
    private static final float TS8 = 4.812848783330992e-05f;

    // ---- elu, selu, celu ----------------------------------------------------------------------------------------

    /**
     * s &gt; 0 ? p s : q expm1(s): elu (p = 1, q = alpha) and selu (p = scale, q = scale alpha). expm1 keeps the
     * relative accuracy near 0 that e^s - 1 would lose. NaN fails {@code s > 0} and propagates through expm1.
     */
    static FloatVector elu(FloatVector s, float p, float q) {
        return VectorMath.expm1(s).mul(q).blend(s.mul(p), s.compare(GT, 0f));
    }

    /** dy (s &gt; 0 ? p : q e^s); at s = 0 the left branch, q (PyTorch). */
    static FloatVector eluGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        return dy.mul(e.mul(q).blend(p, s.compare(GT, 0f)));
    }

    /** s. */
    static FloatVector eluGradientExponent(FloatVector s, float p, float q) {
        return s;
    }

    /** From s = d = elu(src), alpha = q &gt;= 0: dy (d &gt; 0 ? 1 : d + alpha). */
    static FloatVector eluGradientFromDst(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s.add(q).blend(1f, s.compare(GT, 0f)));
    }

    /** s &gt; 0 ? s : alpha expm1(s / alpha), alpha = p &gt; 0. */
    static FloatVector celu(FloatVector s, float p, float q) {
        return VectorMath.expm1(s.div(p)).mul(p).blend(s, s.compare(GT, 0f));
    }

    /** dy (s &gt; 0 ? 1 : e^(s / alpha)); 1 at 0 from both sides. */
    static FloatVector celuGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        return dy.mul(e.blend(1f, s.compare(GT, 0f)));
    }

    /** s / alpha. */
    static FloatVector celuGradientExponent(FloatVector s, float p, float q) {
        return s.div(p);
    }

    // ---- softplus, log_sigmoid, sigmoid --------------------------------------------------------------------------

    /**
     * Softplus, beta = p, threshold = q: s where x = beta s (rounded to f32, as PyTorch) exceeds q, else
     * {@code (max(x, 0) + log1p(e^-|x|)) / beta}: no overflow, no cancellation. The rounding of x would cost
     * |x| u of relative accuracy in the negative tail (e^x / beta), so e^-|x| is corrected by x's rounding error
     * (an fma gives it): e^-|x + lo| = e^-|x| (1 -+ lo).
     */
    static FloatVector softplus(FloatVector s, FloatVector e, float p, float q) {
        FloatVector x = s.mul(p);
        FloatVector small = VectorMath.log1p(correctedExpMinusAbs(s, x, e, p));
        return x.lanewise(MAX, 0f).add(small).div(p).blend(s, x.compare(GT, q));
    }

    /** -|beta s|. */
    static FloatVector softplusExponent(FloatVector s, float p, float q) {
        return s.mul(p).abs().neg();
    }

    /** dy sigmoid(beta s), dy where softplus is linear; sigmoid from the corrected e^-|x| as {@link #sigmoid}. */
    static FloatVector softplusGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector x = s.mul(p);
        FloatVector t = correctedExpMinusAbs(s, x, e, p);
        FloatVector r = t.add(1f);
        r = r.broadcast(1f).div(r);
        return dy.mul(r.blend(t.mul(r), x.compare(LT, 0f)).blend(1f, x.compare(GT, q)));
    }

    /** As {@link #softplusExponent}. */
    static FloatVector softplusGradientExponent(FloatVector s, float p, float q) {
        return softplusExponent(s, p, q);
    }

    /**
     * e^-|beta s| from e = e^-|x|, x = beta s rounded: with lo = fma(s, beta, -x), the exact -|beta s| is
     * {@code -|x| - sign(x) lo}. lo is NaN at infinite x, where e is 0 and the correction is dropped.
     */
    private static FloatVector correctedExpMinusAbs(FloatVector s, FloatVector x, FloatVector e, float p) {
        FloatVector lo = s.fma(s.broadcast(p), x.neg());
        lo = lo.neg().blend(lo, x.compare(LT, 0f)).blend(0f, x.abs().compare(GT, EXP_UNDERFLOWS));
        return e.fma(lo, e);
    }

    /** log sigmoid(s) = min(s, 0) - log1p(e^-|s|): no overflow, and -e^-s keeps its relative accuracy for large s. */
    static FloatVector logSigmoid(FloatVector s, FloatVector e, float p, float q) {
        return s.lanewise(MIN, 0f).sub(VectorMath.log1p(e));
    }

    /** -|s|. */
    static FloatVector logSigmoidExponent(FloatVector s, float p, float q) {
        return s.abs().neg();
    }

    /** dy sigmoid(-s): with e = e^-|s| and r = 1 / (1 + e), sigmoid(-s) is e r for s &gt; 0, else r. */
    static FloatVector logSigmoidGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        return dy.mul(r.blend(e.mul(r), s.compare(GT, 0f)));
    }

    /** -|s|. */
    static FloatVector logSigmoidGradientExponent(FloatVector s, float p, float q) {
        return s.abs().neg();
    }

    /**
     * 1 / (1 + e^-s) from e = e^-|s| (never overflows), r = 1 / (1 + e): r for s &gt;= 0, e r below, so the tiny
     * results of negative s keep their relative accuracy. NaN gives NaN through e.
     */
    static FloatVector sigmoid(FloatVector s, FloatVector e, float p, float q) {
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        return r.blend(e.mul(r), s.compare(LT, 0f));
    }

    /** -|s|. */
    static FloatVector sigmoidExponent(FloatVector s, float p, float q) {
        return s.abs().neg();
    }

    /** dy sigmoid(s) sigmoid(-s) = dy e r^2, e = e^-|s|, r = 1 / (1 + e): the same for both signs. */
    static FloatVector sigmoidGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        return dy.mul(e.mul(r).mul(r));
    }

    /** -|s|. */
    static FloatVector sigmoidGradientExponent(FloatVector s, float p, float q) {
        return s.abs().neg();
    }

    /** From d = sigmoid(s): dy d (1 - d); 1 - d is exact for d &gt;= 1/2 and relatively accurate below. */
    static FloatVector sigmoidGradientFromDst(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s.mul(s.neg().add(1f)));
    }

    // ---- tanh, tanhshrink --------------------------------------------------------------------------------------

    /** tanh s, lanewise (SVML on x86, within 1 ulp). */
    static FloatVector tanh(FloatVector s, float p, float q) {
        return VectorMath.tanh(s);
    }

    /** dy (1 - tanh^2 s) = dy 4e / (1 + e)^2, e = e^-2|s|: 1 - t^2 would cancel where t nears 1. */
    static FloatVector tanhGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        return dy.mul(e.mul(4f).mul(r).mul(r));
    }

    /** -2|s|. */
    static FloatVector tanhGradientExponent(FloatVector s, float p, float q) {
        return s.abs().mul(-2f);
    }

    /** From d = tanh s: dy (1 - d^2), the fma rounding 1 - d^2 once. */
    static FloatVector tanhGradientFromDst(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s.fma(s.neg(), s.broadcast(1f)));
    }

    /**
     * s - tanh s. Below |s| = 1, where the difference cancels (it is s^3 / 3 + ...), s^3 P(s^2) with the fitted
     * polynomial; above, the subtraction, which loses at most a factor tanh(1) / (1 - tanh 1) = 3.2 on tanh's ulp.
     * tanhshrink(+-inf) = +-inf; NaN propagates through both branches.
     */
    static FloatVector tanhshrink(FloatVector s, float p, float q) {
        FloatVector z = s.mul(s);
        FloatVector poly = z.fma(TS8, TS7);
        poly = poly.fma(z, z.broadcast(TS6));
        poly = poly.fma(z, z.broadcast(TS5));
        poly = poly.fma(z, z.broadcast(TS4));
        poly = poly.fma(z, z.broadcast(TS3));
        poly = poly.fma(z, z.broadcast(TS2));
        poly = poly.fma(z, z.broadcast(TS1));
        poly = poly.fma(z, z.broadcast(TS0));
        FloatVector small = poly.mul(z).mul(s);
        return s.sub(VectorMath.tanh(s)).blend(small, s.abs().compare(LT, TANHSHRINK_POLY));
    }

    /** dy tanh^2 s: 1 - (1 - tanh^2 s), with nothing left to cancel. */
    static FloatVector tanhshrinkGradient(FloatVector s, FloatVector dy, float p, float q) {
        FloatVector t = VectorMath.tanh(s);
        return dy.mul(t.mul(t));
    }

    // ---- mish ------------------------------------------------------------------------------------------------

    /**
     * s tanh(softplus(s)) = s n (n + 2) / (n (n + 2) + 2), n = e^s with s clamped to 20 (from there the fraction is
     * 1 in f32). -inf becomes -MAX_VALUE, so that the product with the fraction 0 is the limit -0, not NaN.
     */
    static FloatVector mish(FloatVector s, FloatVector e, float p, float q) {
        FloatVector num = e.add(2f).mul(e);
        FloatVector finiteS = s.blend(-Float.MAX_VALUE, s.compare(EQ, Float.NEGATIVE_INFINITY));
        return finiteS.mul(num.div(num.add(2f)));
    }

    /** s clamped to at most 20 (NaN stays). */
    static FloatVector mishExponent(FloatVector s, float p, float q) {
        return s.blend(MISH_HIGH, s.compare(GT, MISH_HIGH));
    }

    /**
     * dy (t + 4 s n (n + 1) / D^2), D = n (n + 2) + 2, t = n (n + 2) / D (see the scalar path): with s clamped to
     * [-120, 20], where the second term is 0 below an ulp of t, so every intermediate stays finite.
     */
    static FloatVector mishGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector c = mishClamped(s);
        FloatVector num = e.add(2f).mul(e);
        FloatVector den = num.add(2f);
        FloatVector rden = den.broadcast(1f).div(den);
        FloatVector second = c.mul(4f).mul(e).mul(e.add(1f)).mul(rden).mul(rden);
        return dy.mul(num.mul(rden).add(second));
    }

    /** s clamped to [-120, 20]. */
    static FloatVector mishGradientExponent(FloatVector s, float p, float q) {
        return mishClamped(s);
    }

    private static FloatVector mishClamped(FloatVector s) {
        return s.blend(MISH_HIGH, s.compare(GT, MISH_HIGH)).blend(MISH_LOW, s.compare(LT, MISH_LOW));
    }

    // ---- exp, log ----------------------------------------------------------------------------------------------

    /** e^s: the loop's exp pass computes it. */
    static FloatVector exponential(FloatVector s, FloatVector e, float p, float q) {
        return e;
    }

    /** s. */
    static FloatVector exponentialExponent(FloatVector s, float p, float q) {
        return s;
    }

    /**
     * dy e^s as (dy h) h with h = e^(s/2): e^s alone overflows beyond s = 88.7 (and goes subnormal below -87.3) where
     * the product with a small (or large) dy is still a normal float.
     */
    static FloatVector exponentialGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        return dy.mul(e).mul(e);
    }

    /** s / 2 (exact but for subnormal s, where e^(s/2) is 1 either way). */
    static FloatVector exponentialGradientExponent(FloatVector s, float p, float q) {
        return s.mul(0.5f);
    }

    /** From d = e^s: dy d. */
    static FloatVector exponentialGradientFromDst(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s);
    }

    /** ln s, lanewise: NaN below 0, -inf at +-0. */
    static FloatVector logarithm(FloatVector s, float p, float q) {
        return VectorMath.log(s);
    }

    /** dy / s on the whole line (PyTorch's grad / self), one rounding. */
    static FloatVector logarithmGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.div(s);
    }
}
