package dev.normkit.scalar;

/**
 * The exponential-family activations (elu, selu, celu, softplus, sigmoid, log_sigmoid, tanh, tanhshrink, mish, exp,
 * log) and their derivatives in double, for {@link ScalarActivation}, which rounds each result once to float.
 *
 * <p>Each is written so that double keeps the float result's relative accuracy everywhere, tails included: e^s - 1
 * as expm1, log(1 + e^x) as max(x, 0) + log1p(e^-|x|) (no overflow, no cancellation), s - tanh s by its series near 0.
 * Conventions are PyTorch's: elu's derivative at 0 is alpha, softplus is s where {@code beta s > threshold} (the
 * product rounded to float, as PyTorch forms it), log's derivative is 1/s on the whole line. NaN gives NaN, infinite
 * inputs the limits.
 */
final class ExpFamilyFunctions {
    private ExpFamilyFunctions() {}

    /** PyTorch's selu constants (torch/nn/functional.py, to double precision). */
    static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    static final double SELU_SCALE = 1.0507009873554804934193349852946;
    /** mish: beyond this s, tanh(softplus(s)) = 1 - 2e^-2s + ... is 1 in double, and e^s must not overflow. */
    private static final double MISH_FLAT = 40.0;
    /** tanhshrink: below this |s|, s - tanh s is summed from its series (cancellation above costs under 2^-43). */
    private static final double TANHSHRINK_SERIES = 0.05;

    /** {@code s > 0 ? scale s : scale alpha (e^s - 1)}: elu with scale 1, selu with PyTorch's constants. */
    static double elu(double s, double alpha, double scale) {
        return s > 0 ? scale * s : scale * alpha * Math.expm1(s);
    }

    /** {@code s > 0 ? scale : scale alpha e^s}; at 0 the left branch (PyTorch). */
    static double eluDerivative(double s, double alpha, double scale) {
        return s > 0 ? scale : scale * alpha * Math.exp(s);
    }

    /** From d = elu(s) with alpha >= 0 (d > 0 exactly when s > 0): {@code d > 0 ? 1 : d + alpha}. */
    static double eluDerivativeFromDst(double d, double alpha) {
        if (Double.isNaN(d)) return d;
        return d > 0 ? 1.0 : d + alpha;
    }

    /** {@code s > 0 ? s : alpha (e^(s / alpha) - 1)}, alpha > 0. */
    static double celu(double s, double alpha) {
        return s > 0 ? s : alpha * Math.expm1(s / alpha);
    }

    /** {@code s > 0 ? 1 : e^(s / alpha)}; 1 at 0 from both sides. */
    static double celuDerivative(double s, double alpha) {
        return s > 0 ? 1.0 : Math.exp(s / alpha);
    }

    /**
     * {@code log(1 + e^(beta s)) / beta}, and s where the float product {@code beta s} exceeds the threshold
     * (strictly). Where it does not, computed as {@code (max(x, 0) + log1p(e^-|x|)) / beta} with the exact double
     * x = beta s: never overflows (PyTorch's log1p(exp(x)) does in float once x passes 88 with a large threshold) and
     * keeps the relative accuracy of e^x / beta far out on the negative side.
     */
    static double softplus(double s, double beta, double threshold) {
        if ((float) (beta * s) > threshold) return s;
        double x = beta * s;
        return (Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))) / beta;
    }

    /** {@code sigmoid(beta s)}, 1 where softplus is linear. */
    static double softplusDerivative(double s, double beta, double threshold) {
        if ((float) (beta * s) > threshold) return 1.0;
        return sigmoid(beta * s);
    }

    /** 1 / (1 + e^-s): e^-s overflows to infinity only where the exact result is below double's subnormals. */
    static double sigmoid(double s) {
        return 1.0 / (1.0 + Math.exp(-s));
    }

    /** sigmoid(s) sigmoid(-s) = e^-|s| / (1 + e^-|s|)^2: no cancellation, 0 at +-inf. */
    static double sigmoidDerivative(double s) {
        double e = Math.exp(-Math.abs(s));
        return e / ((1 + e) * (1 + e));
    }

    /** d (1 - d) from d = sigmoid(s). */
    static double sigmoidDerivativeFromDst(double d) {
        return d * (1 - d);
    }

    /** log sigmoid(s) = -softplus(-s) = min(s, 0) - log1p(e^-|s|): no overflow, and -e^-s accurate for large s. */
    static double logSigmoid(double s) {
        return Math.min(s, 0) - Math.log1p(Math.exp(-Math.abs(s)));
    }

    /** sigmoid(-s). */
    static double logSigmoidDerivative(double s) {
        return sigmoid(-s);
    }

    /** 1 - tanh^2 s = 4 e^-2|s| / (1 + e^-2|s|)^2: 1 - t^2 would cancel where t nears 1. */
    static double tanhDerivative(double s) {
        double e = Math.exp(-2 * Math.abs(s));
        return 4 * e / ((1 + e) * (1 + e));
    }

    /** 1 - d^2 from d = tanh s. */
    static double tanhDerivativeFromDst(double d) {
        return 1 - d * d;
    }

    /**
     * s - tanh s. Near 0 the difference cancels (it is s^3 / 3 + ...), so below {@value #TANHSHRINK_SERIES} it is the
     * Taylor series to s^11 (truncation under 1e-16 relative); above, the subtraction loses at most a factor
     * 3 / s^2 < 1200 of double's precision, far below float's.
     */
    static double tanhshrink(double s) {
        if (Math.abs(s) < TANHSHRINK_SERIES) {
            double z = s * s;
            return s * z * (1.0 / 3 + z * (-2.0 / 15 + z * (17.0 / 315 + z * (-62.0 / 2835
                    + z * (1382.0 / 155925)))));
        }
        if (Double.isInfinite(s)) return s; // s - tanh s tends to s
        return s - Math.tanh(s);
    }

    /** tanh^2 s: the derivative 1 - (1 - tanh^2 s), with nothing left to cancel. */
    static double tanhshrinkDerivative(double s) {
        double t = Math.tanh(s);
        return t * t;
    }

    /**
     * s tanh(softplus(s)) = s n (n + 2) / (n (n + 2) + 2), n = e^s: tanh(log(1 + n)) written out, no cancellation
     * for negative s. mish(-inf) = -0 (the limit of s e^s).
     */
    static double mish(double s) {
        if (s > MISH_FLAT) return s;
        if (s == Double.NEGATIVE_INFINITY) return -0.0;
        double n = Math.exp(s);
        double num = n * (n + 2);
        return s * num / (num + 2);
    }

    /**
     * t + s (1 - t^2) sigmoid(s) with t = tanh(softplus(s)): 1 - t^2 = 4 (n + 1)^2 / D^2 and sigmoid(s) = n / (n + 1),
     * D = n (n + 2) + 2, so the second term is {@code 4 s n (n + 1) / D^2}.
     */
    static double mishDerivative(double s) {
        if (s > MISH_FLAT) return 1.0;
        if (s == Double.NEGATIVE_INFINITY) return 0.0;
        double n = Math.exp(s);
        double num = n * (n + 2);
        double den = num + 2;
        return num / den + 4 * s * n * (n + 1) / (den * den);
    }

    /** 1 / s on the whole line, as PyTorch (grad / self): negative for negative s, +-inf at +-0. */
    static double logDerivative(double s) {
        return 1.0 / s;
    }
}
