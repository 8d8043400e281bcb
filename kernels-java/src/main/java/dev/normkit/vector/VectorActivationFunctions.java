package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.EQ;
import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LE;
import static jdk.incubator.vector.VectorOperators.LT;
import static jdk.incubator.vector.VectorOperators.NE;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The per-element functions of the vector activations, one vector of lanes at a time. This file is the one place an
 * activation's arithmetic lives: {@code kernels-java/src/build/java/GenerateActivationLoops.java} reads the signatures
 * below and writes the loops that run them (src/generated/java/.../ActivationLoops.java), one per function and per
 * memory placement.
 *
 * <p>Signatures the generator recognises (exactly these, {@code static}, package-private):
 * <ul>
 *   <li>forward: {@code FloatVector name(FloatVector s, float p, float q)};</li>
 *   <li>backward: {@code FloatVector name(FloatVector s, FloatVector dy, float p, float q)}, returning diffSrc;</li>
 *   <li>a forward or backward that needs one e^x takes it as {@code FloatVector e} after its vector arguments, and
 *       comes with {@code FloatVector nameExponent(FloatVector s, float p, float q)} giving x: the generated loop
 *       computes e = {@link VectorMath#exp}(x) in a pass of its own, so no loop body holds a call (see
 *       {@link ActivationLoops}).</li>
 * </ul>
 * {@code p} and {@code q} are per-kernel constants (alpha and the like); a function ignores those it does not need.
 * Lanes are independent: a function never looks across lanes, so the loops may pad a short tail with zeros.
 *
 * <p>Conventions, the scalar path's: NaN propagates (forward and backward, even where the slope is 0), infinite
 * inputs give the limits, ReLU'(0) = 0, ReLU maps every non-positive input (-0 included) to +0.
 */
final class VectorActivationFunctions {
    private VectorActivationFunctions() {}

    /** GELU tanh: 0.5 (1 + tanh u) = sigmoid(2u), with 2u = g(s) = s (G1 + G3 s^2). */
    private static final float G1 = (float) (2.0 * Math.sqrt(2.0 / Math.PI));
    private static final float G3 = (float) (2.0 * Math.sqrt(2.0 / Math.PI) * 0.044715);
    private static final float ONE_OVER_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
    /**
     * GELU tanh derivative: beyond this |s|, e^-|g(s)| is 0 in float and the derivative is exactly 0 or 1, so clamping
     * here changes nothing and keeps s g'(s) finite.
     */
    private static final float GELU_TANH_FLAT = 16f;
    /** SiLU derivative: beyond this |alpha s|, e^-|alpha s| is 0 in float. */
    private static final float SIGMOID_FLAT = 104f;
    /** GELU erf: Q(y) and y e^(-y^2/2) are 0 in float beyond this; clamping keeps |s| Q(|s|) from being inf * 0. */
    private static final float GELU_ERF_FLAT = 15f;

    // ---- forward ---------------------------------------------------------------------------------------------------

    /** s &gt; 0 ? s : +0; a NaN fails {@code s <= 0} and stays; -0 &lt;= 0, so it becomes +0. A compare and a blend. */
    static FloatVector relu(FloatVector s, float p, float q) {
        return s.blend(0f, s.compare(LE, 0f));
    }

    /** s &gt; 0 ? s : alpha s, alpha = p != 0 (so -inf maps to an infinity, not NaN). */
    static FloatVector leakyRelu(FloatVector s, float p, float q) {
        return s.blend(s.mul(p), s.compare(LE, 0f));
    }

    /** k s, k = p: SiLU with alpha 0 is s sigmoid(0) = s / 2. */
    static FloatVector scale(FloatVector s, float p, float q) {
        return s.mul(p);
    }

    /**
     * s Phi(s) = max(s, 0) - |s| Q(|s|), Q the normal upper tail ({@link VectorMath#normalTail}): no cancellation on
     * either side, which 0.5 s (1 + erf(s / sqrt 2)) would suffer for negative s. Negative s start from -0 so that
     * gelu(-inf) = -0.
     */
    static FloatVector geluErf(FloatVector s, FloatVector e, float p, float q) {
        FloatVector y = geluErfClampedAbs(s);
        FloatVector tail = VectorMath.normalTail(y, VectorMath.halfGaussian(y, e));
        return s.blend(-0f, s.compare(LT, 0f)).sub(y.mul(tail));
    }

    /** -y^2/2 rounded to float, y = min(|s|, 15): the exponent of e^(-y^2/2). */
    static FloatVector geluErfExponent(FloatVector s, float p, float q) {
        return VectorMath.halfGaussianExponent(geluErfClampedAbs(s));
    }

    private static FloatVector geluErfClampedAbs(FloatVector s) {
        FloatVector y = s.abs();
        return y.blend(GELU_ERF_FLAT, y.compare(GT, GELU_ERF_FLAT));
    }

    /** s sigmoid(g(s)) = s / (1 + e^-g(s)); -inf is replaced by -MAX_VALUE so that the quotient is -0, not NaN. */
    static FloatVector geluTanh(FloatVector s, FloatVector e, float p, float q) {
        FloatVector finiteS = s.blend(-Float.MAX_VALUE, s.compare(EQ, Float.NEGATIVE_INFINITY));
        return finiteS.div(e.add(1f));
    }

    /** -g(s). */
    static FloatVector geluTanhExponent(FloatVector s, float p, float q) {
        return s.mul(s).fma(-G3, -G1).mul(s);
    }

    /**
     * s sigmoid(alpha s) = s / (1 + e^(-alpha s)), alpha = p != 0. q is the infinite input at which alpha s is -inf
     * and the quotient would be inf/inf: it is replaced by the largest finite float of its sign, which gives the
     * limit (a signed zero).
     */
    static FloatVector silu(FloatVector s, FloatVector e, float p, float q) {
        FloatVector finiteS = s.blend(Math.copySign(Float.MAX_VALUE, q), s.compare(EQ, q));
        return finiteS.div(e.add(1f));
    }

    /** -alpha s. */
    static FloatVector siluExponent(FloatVector s, float p, float q) {
        return s.mul(-p);
    }

    // ---- backward --------------------------------------------------------------------------------------------------

    /** dy * (s &gt; 0 ? 1 : alpha), alpha = p; NaN where s is NaN (the slope starts as s: NaN survives the blends). */
    static FloatVector reluGradient(FloatVector s, FloatVector dy, float p, float q) {
        FloatVector slope = s.blend(1f, s.compare(GT, 0f)).blend(p, s.compare(LE, 0f));
        return dy.mul(slope);
    }

    /** dy * k, k = p; NaN where s is NaN (the derivative of k s at NaN). */
    static FloatVector scaleGradient(FloatVector s, FloatVector dy, float p, float q) {
        return dy.mul(s.broadcast(p).blend(s, s.compare(NE, s)));
    }

    /** dy * (Phi(s) + s phi(s)), with s clamped to +-15, where phi is 0 anyway. */
    static FloatVector geluErfGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector y = geluErfClampedAbs(s);
        FloatVector g = VectorMath.halfGaussian(y, e);
        FloatVector tail = VectorMath.normalTail(y, g);
        VectorMask<Float> negative = s.compare(LT, 0f);
        FloatVector phi = tail.neg().add(1f).blend(tail, negative);
        FloatVector clampedS = y.blend(y.neg(), negative);
        return dy.mul(clampedS.mul(g).fma(g.broadcast(ONE_OVER_SQRT_2PI), phi));
    }

    /** As {@link #geluErfExponent}. */
    static FloatVector geluErfGradientExponent(FloatVector s, float p, float q) {
        return geluErfExponent(s, p, q);
    }

    /** dy * (sigmoid(g) + s g'(s) sigmoid(g) sigmoid(-g)), g'(s) = G1 + 3 G3 s^2. */
    static FloatVector geluTanhGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector a = geluTanhClampedAbs(s);
        FloatVector sgPrimeAbs = a.mul(a).fma(3f * G3, G1).mul(a);
        return dy.mul(gatedSlope(e, sgPrimeAbs, s.compare(LT, 0f)));
    }

    /** -|g(s)|, with |s| clamped (see {@link #GELU_TANH_FLAT}). */
    static FloatVector geluTanhGradientExponent(FloatVector s, float p, float q) {
        FloatVector a = geluTanhClampedAbs(s);
        return a.mul(a).fma(-G3, -G1).mul(a);
    }

    private static FloatVector geluTanhClampedAbs(FloatVector s) {
        FloatVector a = s.abs();
        return a.blend(GELU_TANH_FLAT, a.compare(GT, GELU_TANH_FLAT));
    }

    /** dy * (sigmoid(x) + x sigmoid(x) sigmoid(-x)), x = alpha s, alpha = p. */
    static FloatVector siluGradient(FloatVector s, FloatVector dy, FloatVector e, float p, float q) {
        FloatVector x = s.mul(p);
        return dy.mul(gatedSlope(e, siluClampedAbs(x), x.compare(LT, 0f)));
    }

    /** -|alpha s|, clamped (see {@link #SIGMOID_FLAT}). */
    static FloatVector siluGradientExponent(FloatVector s, float p, float q) {
        return siluClampedAbs(s.mul(p)).neg();
    }

    private static FloatVector siluClampedAbs(FloatVector x) {
        FloatVector xAbs = x.abs();
        return xAbs.blend(SIGMOID_FLAT, xAbs.compare(GT, SIGMOID_FLAT));
    }

    /**
     * The derivative of s sigmoid(g(s)) for an odd g, from e = e^-|g| (never overflows) and |s g'(s)|: sigmoid(g) +
     * s g' sigmoid(g) sigmoid(-g). With r = 1/(1+e): sigmoid(|g|) = r, sigmoid(-|g|) = e r, and the product of the two
     * sigmoids is e r^2 whatever the sign. |s g'| must be finite (callers clamp |g| where e is 0).
     */
    private static FloatVector gatedSlope(FloatVector e, FloatVector sgPrimeAbs, VectorMask<Float> negative) {
        FloatVector r = e.add(1f);
        r = r.broadcast(1f).div(r);
        FloatVector er = e.mul(r);
        FloatVector t = sgPrimeAbs.mul(er).mul(r);
        return r.add(t).blend(er.sub(t), negative);
    }
}
