package dev.normkit.conformance;

/**
 * The piecewise-linear activations in float64, from their definitions (PyTorch's where PyTorch has the function):
 * the values and the derivatives at the kinks that {@link ActivationReference} returns for them. NaN is handled by
 * the caller. At +-infinity each gives its limit.
 */
final class PiecewiseLinearReference {
    private PiecewiseLinearReference() {}

    /** min(max(s, lo), hi) (Java's max orders -0 below +0, so -0 clamped at lo = 0 is +0, as ReLU gives). */
    static double clamp(double s, double lo, double hi) {
        return Math.min(Math.max(s, lo), hi);
    }

    /** 1 strictly inside (lo, hi), else 0: PyTorch's derivative of hardtanh and clamp. */
    static double insideOpen(double s, double lo, double hi) {
        return lo < s && s < hi ? 1.0 : 0.0;
    }

    /** hardtanh on [-1, 1] plus k s; its limits at +-infinity are +-infinity for k &gt; 0. */
    static double leakyHardtanh(double s, double k) {
        if (Double.isInfinite(s)) return s;
        return clamp(s, -1.0, 1.0) + k * s;
    }

    /**
     * The inverse of {@link #leakyHardtanh}: leaky hardtanh maps [-1, 1] onto [-(1 + k), 1 + k] with slope 1 + k, and
     * the rest with slope k through (+-1, +-(1 + k)); solving y = f(s) for s on each piece gives the branches.
     */
    static double leakyHardtanhInverse(double y, double k) {
        if (Double.isInfinite(y)) return y;
        double corner = 1.0 + k;
        if (y >= corner) return 1.0 + (y - corner) / k;
        if (y <= -corner) return -1.0 + (y + corner) / k;
        return y / corner;
    }

    /**
     * 1 / f'(f^-1(y)): 1 / (1 + k) strictly inside (-(1 + k), 1 + k), 1 / k at and beyond, since the forward takes
     * the outer slope k at its kinks +-1, which map to +-(1 + k).
     */
    static double leakyHardtanhInverseDerivative(double y, double k) {
        double corner = 1.0 + k;
        return -corner < y && y < corner ? 1.0 / corner : 1.0 / k;
    }

    /** relu6(s + 3) / 6 (PyTorch's definition). */
    static double hardsigmoid(double s) {
        if (s == Double.POSITIVE_INFINITY) return 1.0;
        if (s == Double.NEGATIVE_INFINITY) return 0.0;
        return clamp(s + 3.0, 0.0, 6.0) / 6.0;
    }

    /** d/ds of s relu6(s + 3) / 6: 0 below -3, (2s + 3) / 6 on the closed [-3, 3] (PyTorch), 1 above. */
    static double hardswishDerivative(double s) {
        if (s < -3.0) return 0.0;
        if (s > 3.0) return 1.0;
        return (2.0 * s + 3.0) / 6.0;
    }

    /** s outside the closed band [-lambd, lambd], 0 on it. */
    static double hardshrink(double s, double lambd) {
        return s < -lambd || s > lambd ? s : 0.0;
    }

    /** s moved lambd towards 0, and 0 on the band. */
    static double softshrink(double s, double lambd) {
        if (s > lambd) return s - lambd;
        if (s < -lambd) return s + lambd;
        return 0.0;
    }

    /** a s + b; for a = 0 the constant b, its limit at +-infinity too. */
    static double linear(double s, double a, double b) {
        return a == 0 ? b : a * s + b;
    }

    /**
     * The nearest integer, ties to the even one, keeping the sign (a result of 0 from a negative s is -0, as IEEE
     * rounding gives). Written from floor, not rint: s - floor(s) is exact for |s| &lt; 2^52.
     */
    static double roundHalfEven(double s) {
        if (Double.isInfinite(s) || Math.abs(s) >= 0x1p52) return s;
        double f = Math.floor(s);
        double frac = s - f;
        double r = frac < 0.5 ? f : frac > 0.5 ? f + 1.0 : (f % 2.0 == 0.0 ? f : f + 1.0);
        return r == 0.0 ? Math.copySign(0.0, s) : r;
    }
}
