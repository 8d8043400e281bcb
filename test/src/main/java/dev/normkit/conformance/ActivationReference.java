package dev.normkit.conformance;

import dev.normkit.ActivationDesc;

/**
 * The elementwise activations and their derivatives in float64, from the formulas in docs/kernels.md.
 *
 * <p>Special values: NaN gives NaN (forward and every backward). At +-infinity the result is the mathematical limit,
 * which is what the f32 paths must produce too: e.g. {@code relu(-inf) = 0}, {@code gelu(-inf) = 0},
 * {@code silu(-inf) = 0}, and every derivative tends to 0 or 1 there. Where a formula would form {@code 0 * inf}
 * at infinity the limit is written out explicitly.
 */
public final class ActivationReference {
    private ActivationReference() {}

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_TANH_CUBIC = 0.044715;

    public static double[] forward(ActivationDesc d, double[] src) {
        double[] dst = new double[src.length];
        for (int i = 0; i < src.length; i++) dst[i] = value(d, src[i]);
        return dst;
    }

    /** {@code diffSrc = diffDst * f'(src)}. */
    public static double[] backward(ActivationDesc d, double[] src, double[] diffDst) {
        double[] diffSrc = new double[src.length];
        for (int i = 0; i < src.length; i++) diffSrc[i] = diffDst[i] * derivative(d, src[i]);
        return diffSrc;
    }

    /**
     * {@code diffSrc = diffDst * f'} read off the output {@code dst}, for the activations whose derivative is a
     * function of their output ({@link ActivationDesc#hasBackwardFromDst()}).
     *
     * @throws IllegalArgumentException for a descriptor without backward from dst
     */
    public static double[] backwardFromDst(ActivationDesc d, double[] dst, double[] diffDst) {
        if (!d.hasBackwardFromDst()) {
            throw new IllegalArgumentException("desc: " + d.kernelName() + " with alpha " + d.alpha()
                    + " has no backward from dst");
        }
        double[] diffSrc = new double[dst.length];
        for (int i = 0; i < dst.length; i++) diffSrc[i] = diffDst[i] * derivativeFromDst(d, dst[i]);
        return diffSrc;
    }

    /** f(s). */
    public static double value(ActivationDesc d, double s) {
        if (Double.isNaN(s)) return s;
        double a = d.alpha();
        return switch (d.activation()) {
            case RELU -> s > 0 ? s : 0.0;
            // alpha * s would make 0 * -inf = NaN for a zero slope; the limit is 0.
            case LEAKY_RELU -> s > 0 ? s : a == 0 ? 0.0 : a * s;
            case GELU_ERF -> s == Double.NEGATIVE_INFINITY ? 0.0 : s * normalCdf(s);
            // 0.5 (1 + tanh u) = 1 / (1 + e^(-2u)): no cancellation for negative s.
            case GELU_TANH -> s == Double.NEGATIVE_INFINITY ? 0.0 : s * sigmoid(2.0 * geluTanhArgument(s));
            case SILU -> swish(1.0, s);
            case SWISH -> swish(a, s);
            // ---- piecewise linear
            case RELU6 -> PiecewiseLinearReference.clamp(s, 0.0, 6.0);
            case HARDTANH, CLIP, CLIP_V2 -> PiecewiseLinearReference.clamp(s, a, d.beta());
            case LEAKY_HARDTANH -> PiecewiseLinearReference.leakyHardtanh(s, a);
            case LEAKY_HARDTANH_INVERSE -> PiecewiseLinearReference.leakyHardtanhInverse(s, a);
            case HARDSIGMOID -> PiecewiseLinearReference.hardsigmoid(s);
            // 0 at and below -3: -inf * hardsigmoid(-inf) would be -inf * 0
            case HARDSWISH -> s <= -3.0 ? 0.0 : s * PiecewiseLinearReference.hardsigmoid(s);
            case HARDSHRINK -> PiecewiseLinearReference.hardshrink(s, a);
            case SOFTSHRINK -> PiecewiseLinearReference.softshrink(s, a);
            case ABS -> Math.abs(s);
            case LINEAR -> PiecewiseLinearReference.linear(s, a, d.beta());
            case ROUND -> PiecewiseLinearReference.roundHalfEven(s);
            // ---- exponential family
            case ELU -> ExpFamilyReference.elu(s, a, 1.0);
            case SELU -> ExpFamilyReference.elu(s, ExpFamilyReference.SELU_ALPHA, ExpFamilyReference.SELU_SCALE);
            case CELU -> ExpFamilyReference.celu(s, a);
            case SOFTPLUS -> ExpFamilyReference.softplus(s, a, d.beta());
            case SIGMOID -> ExpFamilyReference.sigmoid(s);
            case LOG_SIGMOID -> ExpFamilyReference.logSigmoid(s);
            case TANH -> Math.tanh(s);
            case TANHSHRINK -> ExpFamilyReference.tanhshrink(s);
            case MISH -> ExpFamilyReference.mish(s);
            case EXP -> Math.exp(s);
            case LOG -> Math.log(s);
            // ---- others
            case SQRT -> Math.sqrt(s);
            case SQUARE -> s * s;
            // s / (1 + |s|) tends to +-1
            case SOFTSIGN -> Double.isInfinite(s) ? Math.signum(s) : s / (1.0 + Math.abs(s));
            // s^0 = 1 for every s but NaN (handled above); IEEE pow elsewhere, as torch.pow
            case POW -> d.beta() == 0 ? a : a * Math.pow(s, d.beta());
        };
    }

    /** f'(s); at a kink the PyTorch convention (ReLU at 0: the left slope). */
    public static double derivative(ActivationDesc d, double s) {
        if (Double.isNaN(s)) return s;
        double a = d.alpha();
        return switch (d.activation()) {
            case RELU -> s > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> s > 0 ? 1.0 : a;
            case GELU_ERF -> Double.isInfinite(s) ? (s > 0 ? 1.0 : 0.0)
                    : normalCdf(s) + s * INV_SQRT_2PI * Math.exp(-0.5 * s * s);
            case GELU_TANH -> {
                if (Double.isInfinite(s)) yield s > 0 ? 1.0 : 0.0;
                // With t = tanh u: 0.5 (1 + t) = sig(2u) and 0.5 (1 - t^2) = 2 sig(2u) sig(-2u).
                double u = geluTanhArgument(s);
                double up = sigmoid(2.0 * u);
                double du = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_CUBIC * s * s);
                yield up + 2.0 * s * up * sigmoid(-2.0 * u) * du;
            }
            case SILU -> swishDerivative(1.0, s);
            case SWISH -> swishDerivative(a, s);
            // ---- piecewise linear
            case RELU6 -> PiecewiseLinearReference.insideOpen(s, 0.0, 6.0);
            case HARDTANH, CLIP_V2 -> PiecewiseLinearReference.insideOpen(s, a, d.beta());
            // oneDNN's clip: 1 on (lo, hi], the upper bound included
            case CLIP -> s > a && s <= d.beta() ? 1.0 : 0.0;
            case LEAKY_HARDTANH -> a + PiecewiseLinearReference.insideOpen(s, -1.0, 1.0);
            case LEAKY_HARDTANH_INVERSE -> PiecewiseLinearReference.leakyHardtanhInverseDerivative(s, a);
            case HARDSIGMOID -> PiecewiseLinearReference.insideOpen(s, -3.0, 3.0) / 6.0;
            case HARDSWISH -> PiecewiseLinearReference.hardswishDerivative(s);
            // PyTorch's shrink backward: 0 on the closed band [-lambd, lambd]
            case HARDSHRINK, SOFTSHRINK -> s > a || s < -a ? 1.0 : 0.0;
            case ABS -> Math.signum(s);
            case LINEAR -> a;
            case ROUND -> throw new IllegalArgumentException("desc: round has no backward");
            // ---- exponential family
            case ELU -> ExpFamilyReference.eluDerivative(s, a, 1.0);
            case SELU -> ExpFamilyReference.eluDerivative(s, ExpFamilyReference.SELU_ALPHA,
                    ExpFamilyReference.SELU_SCALE);
            case CELU -> s > 0 ? 1.0 : Math.exp(s / a);
            case SOFTPLUS -> ExpFamilyReference.softplusDerivative(s, a, d.beta());
            case SIGMOID -> ExpFamilyReference.sigmoidDerivative(s);
            case LOG_SIGMOID -> ExpFamilyReference.sigmoid(-s);
            case TANH -> ExpFamilyReference.sech2(s);
            case TANHSHRINK -> Math.tanh(s) * Math.tanh(s);
            case MISH -> ExpFamilyReference.mishDerivative(s);
            case EXP -> Math.exp(s);
            case LOG -> 1.0 / s;
            // ---- others
            // 1 / (2 sqrt s): +inf at +0, -inf at -0 (torch: grad / (2 result)), 0 at +inf
            case SQRT -> 1.0 / (2.0 * Math.sqrt(s));
            case SQUARE -> 2.0 * s;
            case SOFTSIGN -> {
                double t = 1.0 + Math.abs(s);
                yield 1.0 / (t * t);
            }
            // b = 0: 0 everywhere (torch masks the exponent-0 gradient to 0)
            case POW -> d.beta() == 0 ? 0.0 : a * d.beta() * Math.pow(s, d.beta() - 1.0);
        };
    }

    /** f' as a function of the output y = f(s), where {@link ActivationDesc#hasBackwardFromDst()}. */
    public static double derivativeFromDst(ActivationDesc d, double y) {
        if (Double.isNaN(y)) return y;
        return switch (d.activation()) {
            // y > 0 exactly when s > 0 for a slope >= 0
            case RELU -> y > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> y > 0 ? 1.0 : d.alpha();
            // ---- piecewise linear (clip_v2)
            // y = lo exactly when s <= lo, y = hi exactly when s >= hi
            case CLIP_V2 -> PiecewiseLinearReference.insideOpen(y, d.alpha(), d.beta());
            // ---- exponential family (elu, sigmoid, tanh, exp)
            // elu with alpha >= 0: y > 0 exactly when s > 0, and alpha e^s = y + alpha below
            case ELU -> y > 0 ? 1.0 : y + d.alpha();
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case EXP -> y;
            // ---- others (sqrt)
            // y = sqrt s: 1 / (2 y)
            case SQRT -> 1.0 / (2.0 * y);
            default -> throw new IllegalArgumentException("desc: " + d.kernelName() + " has no backward from dst");
        };
    }

    /** s sigmoid(beta s), with the limits at infinity (a signed zero or s) written out. */
    static double swish(double beta, double s) {
        double sig = sigmoid(siluArgument(beta, s));
        return Double.isInfinite(s) && sig == 0 ? 0.0 : s * sig;
    }

    static double swishDerivative(double beta, double s) {
        double z = siluArgument(beta, s);
        double sig = sigmoid(z);
        if (Double.isInfinite(s)) return beta == 0 ? 0.5 : sig;
        return sig + beta * s * sig * sigmoid(-z);
    }

    /** Phi(s) = 0.5 erfc(-s / sqrt 2): the erfc form keeps the negative tail accurate. */
    static double normalCdf(double s) {
        return 0.5 * Erf.erfc(-s * SQRT_HALF);
    }

    /** u = sqrt(2/pi) (s + 0.044715 s^3), the argument of tanh in gelu tanh. */
    static double geluTanhArgument(double s) {
        return SQRT_2_OVER_PI * (s + GELU_TANH_CUBIC * s * s * s);
    }

    /** alpha * s, with alpha = 0 giving 0 even at infinite s. */
    static double siluArgument(double a, double s) {
        return a == 0 ? 0.0 : a * s;
    }

    static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }
}
