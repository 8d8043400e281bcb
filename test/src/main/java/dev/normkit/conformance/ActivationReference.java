package dev.normkit.conformance;

import dev.normkit.ActivationDesc;

/**
 * The slice's elementwise activations and their derivatives in float64, from the formulas in docs/kernels.md.
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
     * {@code diffSrc = diffDst * f'} read off the output: for ReLU with slope alpha >= 0, {@code d > 0 ? 1 : alpha}.
     *
     * @throws IllegalArgumentException for a descriptor without backward from dst
     */
    public static double[] backwardFromDst(ActivationDesc d, double[] dst, double[] diffDst) {
        if (!d.hasBackwardFromDst()) {
            throw new IllegalArgumentException("desc: " + d.kernelName() + " with alpha " + d.alpha()
                    + " has no backward from dst");
        }
        double[] diffSrc = new double[dst.length];
        for (int i = 0; i < dst.length; i++) {
            double y = dst[i];
            double slope = Double.isNaN(y) ? Double.NaN : y > 0 ? 1.0 : d.alpha();
            diffSrc[i] = diffDst[i] * slope;
        }
        return diffSrc;
    }

    /** f(s). */
    public static double value(ActivationDesc d, double s) {
        if (Double.isNaN(s)) return s;
        double a = d.alpha();
        return switch (d.activation()) {
            // alpha * s would make 0 * -inf = NaN for plain ReLU; the limit is 0.
            case RELU -> s > 0 ? s : a == 0 ? 0.0 : a * s;
            case GELU_ERF -> s == Double.NEGATIVE_INFINITY ? 0.0 : s * normalCdf(s);
            // 0.5 (1 + tanh u) = 1 / (1 + e^(-2u)): no cancellation for negative s.
            case GELU_TANH -> s == Double.NEGATIVE_INFINITY ? 0.0 : s * sigmoid(2.0 * geluTanhArgument(s));
            case SILU -> {
                double sig = sigmoid(siluArgument(a, s));
                yield Double.isInfinite(s) && sig == 0 ? 0.0 : s * sig;
            }
        };
    }

    /** f'(s); at a kink (ReLU at 0) the PyTorch convention, the left slope alpha. */
    public static double derivative(ActivationDesc d, double s) {
        if (Double.isNaN(s)) return s;
        double a = d.alpha();
        return switch (d.activation()) {
            case RELU -> s > 0 ? 1.0 : a;
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
            case SILU -> {
                double z = siluArgument(a, s);
                double sig = sigmoid(z);
                if (Double.isInfinite(s)) yield a == 0 ? 0.5 : sig;
                yield sig + a * s * sig * sigmoid(-z);
            }
        };
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
