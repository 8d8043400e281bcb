package dev.normkit;

/**
 * The activations and their derivatives in double, written from the textbook formulas (the kernels' Javadoc and
 * docs/kernels.md), with only the rewrites needed to keep relative accuracy in the tails. Finite inputs only: tests
 * pin the values at infinities separately.
 */
public final class ActivationReference {
    private ActivationReference() {}

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_TANH_CUBIC = 0.044715;

    public static double forward(ActivationDesc d, double s) {
        double a = ReferenceParams.slope(d);
        return switch (d.activation()) {
            case RELU, LEAKY_RELU -> s > 0 ? s : a * s;
            case GELU_ERF -> 0.5 * s * ReferenceErf.erfc(-s / Math.sqrt(2.0)); // 0.5 s (1 + erf(s/sqrt2))
            case GELU_TANH -> 0.5 * s * onePlusTanh(tanhArgument(s));
            case SILU, SWISH -> s * logistic(a * s);
            default -> throw new IllegalArgumentException(d.kernelName() + ": not in this reference (the conformance "
                    + "suite's ActivationReference has every activation)");
        };
    }

    public static double derivative(ActivationDesc d, double s) {
        double a = ReferenceParams.slope(d);
        return switch (d.activation()) {
            case RELU, LEAKY_RELU -> s > 0 ? 1.0 : a;
            case GELU_ERF -> 0.5 * ReferenceErf.erfc(-s / Math.sqrt(2.0))
                    + s * Math.exp(-0.5 * s * s) / Math.sqrt(2.0 * Math.PI);
            case GELU_TANH -> {
                double u = tanhArgument(s);
                double sech = 1.0 / Math.cosh(u); // 1 - tanh^2 u without cancellation
                yield 0.5 * onePlusTanh(u)
                        + 0.5 * s * sech * sech * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_TANH_CUBIC * s * s);
            }
            case SILU, SWISH -> {
                double x = a * s;
                yield logistic(x) * (1.0 + x * logistic(-x)); // 1 - sigmoid(x) = sigmoid(-x)
            }
            default -> throw new IllegalArgumentException(d.kernelName() + ": not in this reference (the conformance "
                    + "suite's ActivationReference has every activation)");
        };
    }

    private static double tanhArgument(double s) {
        return SQRT_2_OVER_PI * (s + GELU_TANH_CUBIC * s * s * s);
    }

    /** 1 + tanh u; for u &lt; 0 as 2 e^(2u) / (1 + e^(2u)), which does not cancel. */
    private static double onePlusTanh(double u) {
        if (u >= 0) {
            return 1.0 + Math.tanh(u);
        }
        double e = Math.exp(2.0 * u);
        return 2.0 * e / (1.0 + e);
    }

    private static double logistic(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
