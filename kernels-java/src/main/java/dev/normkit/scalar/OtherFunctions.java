package dev.normkit.scalar;

/**
 * sqrt, square, softsign and pow in double, for {@link ScalarActivation} (which rounds each result once to float).
 * NaN in gives NaN out; infinite inputs give the limits. pow follows C's {@code pow} (IEEE 754, as PyTorch's
 * {@code torch.pow}) at 0 and for negative bases, except that b = 0 keeps NaN a NaN (C gives {@code pow(NaN, 0) = 1}):
 * the library's NaN policy wins.
 */
final class OtherFunctions {
    private OtherFunctions() {}

    /** 1 / (2 sqrt s): +inf at +0, -inf at -0 (PyTorch's {@code grad / (2 result)}), NaN below 0, 0 at +inf. */
    static double sqrtDerivative(double s) {
        return 0.5 / Math.sqrt(s);
    }

    /** 1 / (2 d) from d = sqrt s. */
    static double sqrtDerivativeFromDst(double d) {
        return 0.5 / d;
    }

    /** s / (1 + |s|), +-1 at +-inf (where the quotient would be inf / inf). */
    static double softsign(double s) {
        if (Double.isInfinite(s)) return Math.signum(s);
        return s / (1.0 + Math.abs(s));
    }

    /** 1 / (1 + |s|)^2; 0 at +-inf. */
    static double softsignDerivative(double s) {
        double t = 1.0 + Math.abs(s);
        return 1.0 / (t * t);
    }

    /** a s^b: a for b = 0 (every s but NaN), else a pow(s, b). */
    static double pow(double s, double a, double b) {
        if (Double.isNaN(s)) return s;
        if (b == 0) return a;
        return a * Math.pow(s, b);
    }

    /** a b s^(b-1); 0 for b = 0 (PyTorch masks it so, even at s = 0), NaN kept. */
    static double powDerivative(double s, double a, double b) {
        if (Double.isNaN(s)) return s;
        if (b == 0) return 0.0;
        return a * b * Math.pow(s, b - 1);
    }
}
