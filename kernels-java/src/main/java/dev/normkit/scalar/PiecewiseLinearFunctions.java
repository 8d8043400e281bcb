package dev.normkit.scalar;

/**
 * The piecewise-linear activations and their derivatives in double (the scalar path rounds each result once). The
 * conventions are PyTorch's: a derivative at a kink is the one PyTorch's backward returns there (hardtanh 0 at its
 * bounds, hardswish s/3 + 1/2 on the closed [-3, 3], the shrinks 0 at |s| = lambd); NaN in gives NaN out (forward
 * and derivative); a bound or a zeroed band maps -0 to +0, as ReLU does.
 */
final class PiecewiseLinearFunctions {
    private PiecewiseLinearFunctions() {}

    /** min(max(s, lo), hi): s at or below lo gives lo, at or above hi gives hi. */
    static double hardtanh(double s, double lo, double hi) {
        if (Double.isNaN(s)) return s;
        return s <= lo ? lo : s >= hi ? hi : s;
    }

    /** 1 strictly inside (lo, hi), 0 at and beyond the bounds (PyTorch's hardtanh and clamp backward). */
    static double hardtanhDerivative(double s, double lo, double hi) {
        if (Double.isNaN(s)) return s;
        return s > lo && s < hi ? 1.0 : 0.0;
    }

    /** oneDNN's clip backward: 1 on (lo, hi], the upper bound included. */
    static double clipDerivative(double s, double lo, double hi) {
        if (Double.isNaN(s)) return s;
        return s > lo && s <= hi ? 1.0 : 0.0;
    }

    /** hardtanh(s) + k s, hardtanh on [-1, 1]. */
    static double leakyHardtanh(double s, double k) {
        if (Double.isInfinite(s)) return s;
        return hardtanh(s, -1.0, 1.0) + k * s;
    }

    /** k + 1 strictly inside (-1, 1), k at and beyond (hardtanh's convention plus k). */
    static double leakyHardtanhDerivative(double s, double k) {
        return k + hardtanhDerivative(s, -1.0, 1.0);
    }

    /**
     * The inverse of {@link #leakyHardtanh}: y / (1 + k) strictly inside (-(1 + k), 1 + k), (y -+ 1) / k at and
     * beyond (both give +-1 at the kink, so the value is continuous). 1 + k is exact in double for a float k.
     */
    static double leakyHardtanhInverse(double y, double k) {
        if (Double.isNaN(y) || Double.isInfinite(y)) return y;
        double t = 1.0 + k;
        if (Math.abs(y) < t) return y / t;
        return (y > 0 ? y - 1.0 : y + 1.0) / k;
    }

    /**
     * 1 / (1 + k) strictly inside (-(1 + k), 1 + k), 1 / k at and beyond: the reciprocal of the forward's slope at
     * the preimage, whose kink ±1 maps to ±(1 + k) and takes the outer slope k there.
     */
    static double leakyHardtanhInverseDerivative(double y, double k) {
        if (Double.isNaN(y)) return y;
        return Math.abs(y) < 1.0 + k ? 1.0 / (1.0 + k) : 1.0 / k;
    }

    /** min(max(s + 3, 0), 6) / 6 (PyTorch's formula; s + 3 is exact near -3, so no cancellation). */
    static double hardsigmoid(double s) {
        if (Double.isNaN(s)) return s;
        return s <= -3.0 ? 0.0 : s >= 3.0 ? 1.0 : (s + 3.0) / 6.0;
    }

    /** 1/6 strictly inside (-3, 3), else 0 (PyTorch's hardsigmoid_backward). */
    static double hardsigmoidDerivative(double s) {
        if (Double.isNaN(s)) return s;
        return s > -3.0 && s < 3.0 ? 1.0 / 6.0 : 0.0;
    }

    /** s min(max(s + 3, 0), 6) / 6: 0 at and below -3, s at and above 3. */
    static double hardswish(double s) {
        if (Double.isNaN(s)) return s;
        return s <= -3.0 ? 0.0 : s >= 3.0 ? s : s * (s + 3.0) / 6.0;
    }

    /** 0 below -3, s/3 + 1/2 on the closed [-3, 3] (-1/2 at -3, 3/2 at 3), 1 above 3 (PyTorch's hardswish_backward). */
    static double hardswishDerivative(double s) {
        if (Double.isNaN(s)) return s;
        return s < -3.0 ? 0.0 : s <= 3.0 ? s / 3.0 + 0.5 : 1.0;
    }

    /** |s| > lambd ? s : 0; 0 at |s| = lambd (PyTorch). */
    static double hardshrink(double s, double lambd) {
        if (Double.isNaN(s)) return s;
        return Math.abs(s) > lambd ? s : 0.0;
    }

    /** s - lambd above lambd, s + lambd below -lambd, else 0. */
    static double softshrink(double s, double lambd) {
        if (Double.isNaN(s)) return s;
        return s > lambd ? s - lambd : s < -lambd ? s + lambd : 0.0;
    }

    /** Both shrinks: 1 where |s| > lambd, 0 on the closed band [-lambd, lambd] (PyTorch's shrink backward). */
    static double shrinkDerivative(double s, double lambd) {
        if (Double.isNaN(s)) return s;
        return Math.abs(s) > lambd ? 1.0 : 0.0;
    }

    /** sign(s), 0 at +-0. */
    static double absDerivative(double s) {
        if (Double.isNaN(s)) return s;
        return s > 0 ? 1.0 : s < 0 ? -1.0 : 0.0;
    }

    /** a s + b; with a = 0 the function is the constant b, also at +-infinity (its limit, not 0 * inf). */
    static double linear(double s, double a, double b) {
        if (Double.isNaN(s)) return s;
        return a == 0 ? b : a * s + b;
    }

    /** a; NaN at NaN. */
    static double linearDerivative(double s, double a) {
        return Double.isNaN(s) ? s : a;
    }
}
