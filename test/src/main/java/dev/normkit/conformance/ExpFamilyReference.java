package dev.normkit.conformance;

/**
 * The exponential-family activations in float64 for {@link ActivationReference}, from the formulas in docs/kernels.md
 * (PyTorch's definitions), each in a form that keeps double's relative accuracy in the tails (expm1 near 0, the two
 * sides of softplus written separately, the series of s - tanh s near 0), so the reference is exact to far below f32's
 * ulp. Limits at infinity are written out where a formula would form 0 * inf.
 */
final class ExpFamilyReference {
    private ExpFamilyReference() {}

    /** PyTorch's selu constants (torch.nn.SELU). */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    static final double SELU_SCALE = 1.0507009873554804934193349852946;

    /** scale (s > 0 ? s : alpha (e^s - 1)). */
    static double elu(double s, double alpha, double scale) {
        return scale * (s > 0 ? s : alpha * Math.expm1(s));
    }

    /** s > 0 ? scale : scale alpha e^s; at 0 the left side, scale alpha (PyTorch). */
    static double eluDerivative(double s, double alpha, double scale) {
        return s > 0 ? scale : scale * alpha * Math.exp(s);
    }

    /** s > 0 ? s : alpha (e^(s/alpha) - 1). */
    static double celu(double s, double alpha) {
        return s > 0 ? s : alpha * Math.expm1(s / alpha);
    }

    /** Whether PyTorch's softplus is linear at s: {@code beta s > threshold} with the product rounded to f32. */
    static boolean softplusLinear(double s, double beta, double threshold) {
        return (float) (beta * s) > threshold;
    }

    /** log(1 + e^(beta s)) / beta, or s where linear; x + log(1 + e^-x) for positive x, so e^x never overflows. */
    static double softplus(double s, double beta, double threshold) {
        if (softplusLinear(s, beta, threshold)) return s;
        double x = beta * s;
        if (x == Double.POSITIVE_INFINITY) return s;
        return (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) / beta;
    }

    static double softplusDerivative(double s, double beta, double threshold) {
        return softplusLinear(s, beta, threshold) ? 1.0 : sigmoid(beta * s);
    }

    /** 1/(1 + e^-s) for s >= 0, e^s/(1 + e^s) below: each form has e^(-|s|) only. */
    static double sigmoid(double s) {
        if (s >= 0) return 1 / (1 + Math.exp(-s));
        double e = Math.exp(s);
        return e / (1 + e);
    }

    /** sigmoid(s) sigmoid(-s). */
    static double sigmoidDerivative(double s) {
        return sigmoid(s) * sigmoid(-s);
    }

    /** log sigmoid(s): s - log(1 + e^s) below 0, -log(1 + e^-s) above. */
    static double logSigmoid(double s) {
        return s < 0 ? s - Math.log1p(Math.exp(s)) : -Math.log1p(Math.exp(-s));
    }

    /** 1 - tanh^2 s = 1 / cosh^2 s (cosh overflows to inf beyond 710, giving the limit 0). */
    static double sech2(double s) {
        double c = Math.cosh(s);
        return 1 / (c * c);
    }

    /**
     * s - tanh s: below |s| = 0.1 its Taylor series to s^13 (the next term is under 1e-17 relative), above the
     * subtraction in double (cancelling at most 3 / s^2 = 300x, still 1e-13 relative).
     */
    static double tanhshrink(double s) {
        if (Math.abs(s) < 0.1) {
            double z = s * s;
            double series = 1.0 / 3 + z * (-2.0 / 15 + z * (17.0 / 315 + z * (-62.0 / 2835
                    + z * (1382.0 / 155925 + z * (-21844.0 / 6081075)))));
            return s * z * series;
        }
        return Double.isInfinite(s) ? s : s - Math.tanh(s);
    }

    /** softplus(s) with beta 1 and no threshold. */
    private static double softplus1(double s) {
        return s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    }

    /** s tanh(softplus(s)); mish(-inf) = 0, the limit of s e^s. */
    static double mish(double s) {
        if (s == Double.NEGATIVE_INFINITY) return 0.0;
        return s * Math.tanh(softplus1(s));
    }

    /** tanh(sp) + s sech^2(sp) sigmoid(s), sp = softplus(s); 0 at -inf and 1 at +inf (the limits). */
    static double mishDerivative(double s) {
        if (Double.isInfinite(s)) return s > 0 ? 1.0 : 0.0;
        double sp = softplus1(s);
        return Math.tanh(sp) + s * sech2(sp) * sigmoid(s);
    }
}
