package dev.normkit.scalar;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Elementwise activations in plain Java: each element is computed in double and rounded once to float, so results
 * are the float nearest the exact value (within an ulp).
 *
 * <p>Conventions (the same on the vector path): ReLU's derivative at 0 is 0, as PyTorch; ReLU with alpha = 0 maps
 * every non-positive input to +0; NaN in gives NaN out, in forward and in backward (so {@code diffDst * f'} is a plain
 * product: an infinite or NaN {@code diffDst} times a zero derivative is NaN). At +-infinity every function and
 * derivative takes its limit: gelu(-inf) = -0, gelu(+inf) = +inf, silu(-inf) = -0 (alpha > 0), and the derivatives
 * tend to 0 or 1.
 */
final class ScalarActivation implements ActivationKernel {

    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double ONE_OVER_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    /** GELU tanh: tanh(u) with u = sqrt(2/pi) (s + 0.044715 s^3), written as sigmoid(2u), 2u = s (G1 + G3 s^2). */
    private static final double G1 = 2.0 * Math.sqrt(2.0 / Math.PI);
    private static final double G3 = G1 * 0.044715;

    private final ActivationDesc desc;
    private final double alpha;
    private final double beta;
    private final long n;

    ScalarActivation(ActivationDesc desc) {
        this.desc = desc;
        this.alpha = desc.alpha();
        this.beta = desc.beta();
        this.n = desc.shape().elementCount();
    }

    @Override
    public ActivationDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.activationForward(desc, src, dst);
        for (long i = 0; i < n; i++) {
            double s = src.getAtIndex(JAVA_FLOAT, i);
            dst.setAtIndex(JAVA_FLOAT, i, (float) value(s));
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackward(desc, src, diffDst, diffSrc);
        for (long i = 0; i < n; i++) {
            double s = src.getAtIndex(JAVA_FLOAT, i);
            double dy = diffDst.getAtIndex(JAVA_FLOAT, i);
            diffSrc.setAtIndex(JAVA_FLOAT, i, (float) (dy * derivative(s)));
        }
    }

    /** The activations whose derivative is a function of their output ({@link ActivationDesc#hasBackwardFromDst()}). */
    @Override
    public void backwardFromDst(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackwardFromDst(desc, dst, diffDst, diffSrc);
        for (long i = 0; i < n; i++) {
            double d = dst.getAtIndex(JAVA_FLOAT, i);
            double dy = diffDst.getAtIndex(JAVA_FLOAT, i);
            diffSrc.setAtIndex(JAVA_FLOAT, i, (float) (dy * derivativeFromDst(d)));
        }
    }

    private double value(double s) {
        return switch (desc.activation()) {
            case RELU -> relu(s, 0.0);
            case LEAKY_RELU -> relu(s, alpha);
            case GELU_ERF -> geluErf(s);
            case GELU_TANH -> geluTanh(s);
            case SILU -> swish(s, 1.0);
            case SWISH -> swish(s, alpha);
            // ---- piecewise linear
            case RELU6 -> PiecewiseLinearFunctions.hardtanh(s, 0.0, 6.0);
            case HARDTANH, CLIP, CLIP_V2 -> PiecewiseLinearFunctions.hardtanh(s, alpha, beta);
            case LEAKY_HARDTANH -> PiecewiseLinearFunctions.leakyHardtanh(s, alpha);
            case LEAKY_HARDTANH_INVERSE -> PiecewiseLinearFunctions.leakyHardtanhInverse(s, alpha);
            case HARDSIGMOID -> PiecewiseLinearFunctions.hardsigmoid(s);
            case HARDSWISH -> PiecewiseLinearFunctions.hardswish(s);
            case HARDSHRINK -> PiecewiseLinearFunctions.hardshrink(s, alpha);
            case SOFTSHRINK -> PiecewiseLinearFunctions.softshrink(s, alpha);
            case ABS -> Math.abs(s);
            case LINEAR -> PiecewiseLinearFunctions.linear(s, alpha, beta);
            case ROUND -> Math.rint(s); // half to even; -0, NaN and +-inf stay
            // ---- exponential family
            case ELU -> ExpFamilyFunctions.elu(s, alpha, 1.0);
            case SELU -> ExpFamilyFunctions.elu(s, ExpFamilyFunctions.SELU_ALPHA, ExpFamilyFunctions.SELU_SCALE);
            case CELU -> ExpFamilyFunctions.celu(s, alpha);
            case SOFTPLUS -> ExpFamilyFunctions.softplus(s, alpha, beta);
            case SIGMOID -> ExpFamilyFunctions.sigmoid(s);
            case LOG_SIGMOID -> ExpFamilyFunctions.logSigmoid(s);
            case TANH -> Math.tanh(s);
            case TANHSHRINK -> ExpFamilyFunctions.tanhshrink(s);
            case MISH -> ExpFamilyFunctions.mish(s);
            case EXP -> Math.exp(s);
            case LOG -> Math.log(s);
            // ---- others
            case SQRT -> Math.sqrt(s);
            case SQUARE -> s * s;
            case SOFTSIGN -> OtherFunctions.softsign(s);
            case POW -> OtherFunctions.pow(s, alpha, beta);
        };
    }

    private double derivative(double s) {
        return switch (desc.activation()) {
            case RELU -> reluDerivative(s, 0.0);
            case LEAKY_RELU -> reluDerivative(s, alpha);
            case GELU_ERF -> geluErfDerivative(s);
            case GELU_TANH -> geluTanhDerivative(s);
            case SILU -> swishDerivative(s, 1.0);
            case SWISH -> swishDerivative(s, alpha);
            // ---- piecewise linear
            case RELU6 -> PiecewiseLinearFunctions.hardtanhDerivative(s, 0.0, 6.0);
            case HARDTANH, CLIP_V2 -> PiecewiseLinearFunctions.hardtanhDerivative(s, alpha, beta);
            case CLIP -> PiecewiseLinearFunctions.clipDerivative(s, alpha, beta);
            case LEAKY_HARDTANH -> PiecewiseLinearFunctions.leakyHardtanhDerivative(s, alpha);
            case LEAKY_HARDTANH_INVERSE -> PiecewiseLinearFunctions.leakyHardtanhInverseDerivative(s, alpha);
            case HARDSIGMOID -> PiecewiseLinearFunctions.hardsigmoidDerivative(s);
            case HARDSWISH -> PiecewiseLinearFunctions.hardswishDerivative(s);
            case HARDSHRINK, SOFTSHRINK -> PiecewiseLinearFunctions.shrinkDerivative(s, alpha);
            case ABS -> PiecewiseLinearFunctions.absDerivative(s);
            case LINEAR -> PiecewiseLinearFunctions.linearDerivative(s, alpha);
            case ROUND -> throw new IllegalStateException("round has no backward");
            // ---- exponential family
            case ELU -> ExpFamilyFunctions.eluDerivative(s, alpha, 1.0);
            case SELU -> ExpFamilyFunctions.eluDerivative(s, ExpFamilyFunctions.SELU_ALPHA,
                    ExpFamilyFunctions.SELU_SCALE);
            case CELU -> ExpFamilyFunctions.celuDerivative(s, alpha);
            case SOFTPLUS -> ExpFamilyFunctions.softplusDerivative(s, alpha, beta);
            case SIGMOID -> ExpFamilyFunctions.sigmoidDerivative(s);
            case LOG_SIGMOID -> ExpFamilyFunctions.logSigmoidDerivative(s);
            case TANH -> ExpFamilyFunctions.tanhDerivative(s);
            case TANHSHRINK -> ExpFamilyFunctions.tanhshrinkDerivative(s);
            case MISH -> ExpFamilyFunctions.mishDerivative(s);
            case EXP -> Math.exp(s);
            case LOG -> ExpFamilyFunctions.logDerivative(s);
            // ---- others
            case SQRT -> OtherFunctions.sqrtDerivative(s);
            case SQUARE -> 2.0 * s;
            case SOFTSIGN -> OtherFunctions.softsignDerivative(s);
            case POW -> OtherFunctions.powDerivative(s, alpha, beta);
        };
    }

    /** f' from the output d, for the activations {@link ActivationDesc#hasBackwardFromDst()} admits. */
    private double derivativeFromDst(double d) {
        return switch (desc.activation()) {
            // with a slope >= 0, d > 0 exactly when s > 0
            case RELU -> reluDerivative(d, 0.0);
            case LEAKY_RELU -> reluDerivative(d, alpha);
            // ---- piecewise linear (clip_v2)
            // d is in [lo, hi] and equals a bound exactly when s is at or beyond it: the same (lo, hi) test
            case CLIP_V2 -> PiecewiseLinearFunctions.hardtanhDerivative(d, alpha, beta);
            // ---- exponential family (elu, sigmoid, tanh, exp)
            case ELU -> ExpFamilyFunctions.eluDerivativeFromDst(d, alpha);
            case SIGMOID -> ExpFamilyFunctions.sigmoidDerivativeFromDst(d);
            case TANH -> ExpFamilyFunctions.tanhDerivativeFromDst(d);
            case EXP -> d;
            // ---- others (sqrt)
            case SQRT -> OtherFunctions.sqrtDerivativeFromDst(d);
            default -> throw new IllegalStateException(desc.kernelName() + " has no backward from dst");
        };
    }

    private static double relu(double s, double slope) {
        if (s > 0 || Double.isNaN(s)) {
            return s;
        }
        return slope == 0 ? 0.0 : slope * s; // not 0 * s: that is NaN at -inf and -0 elsewhere
    }

    private static double reluDerivative(double s, double slope) {
        if (Double.isNaN(s)) {
            return s;
        }
        return s > 0 ? 1.0 : slope;
    }

    /** s Phi(s) with Phi(s) = erfc(-s/sqrt 2)/2, which keeps its relative accuracy for negative s. */
    private static double geluErf(double s) {
        if (s == Double.NEGATIVE_INFINITY) {
            return -0.0; // the limit; -inf * Phi(-inf) would be -inf * 0
        }
        return s * 0.5 * ErrorFunction.erfc(-s * SQRT_HALF);
    }

    /** Phi(s) + s phi(s), phi the standard normal density. */
    private static double geluErfDerivative(double s) {
        if (Double.isInfinite(s)) {
            return s > 0 ? 1.0 : 0.0;
        }
        return 0.5 * ErrorFunction.erfc(-s * SQRT_HALF) + s * ONE_OVER_SQRT_2PI * Math.exp(-0.5 * s * s);
    }

    /**
     * 0.5 s (1 + tanh u) computed as s sigmoid(2u): the same value, without the cancellation of 1 + tanh u for
     * negative s.
     */
    private static double geluTanh(double s) {
        if (s == Double.NEGATIVE_INFINITY) {
            return -0.0;
        }
        return s * sigmoid(s * (G1 + G3 * s * s));
    }

    /** With g = 2u: sigmoid(g) + s g' sigmoid(g) sigmoid(-g), g' = G1 + 3 G3 s^2. */
    private static double geluTanhDerivative(double s) {
        if (Double.isInfinite(s)) {
            return s > 0 ? 1.0 : 0.0;
        }
        double g = s * (G1 + G3 * s * s);
        double gPrime = G1 + 3.0 * G3 * s * s;
        return sigmoid(g) + s * gPrime * sigmoid(g) * sigmoid(-g);
    }

    /** s sigmoid(beta s). */
    private static double swish(double s, double alpha) {
        if (Double.isInfinite(s)) {
            // sigmoid(alpha s) tends to 1, 1/2 (alpha = 0) or 0, where s times it tends to a signed zero
            return alpha == 0 || (alpha > 0) == (s > 0) ? s : Math.copySign(0.0, s);
        }
        return s * sigmoid(alpha * s);
    }

    /** With x = alpha s: sigmoid(x) (1 + x sigmoid(-x)). */
    private static double swishDerivative(double s, double alpha) {
        if (Double.isInfinite(s)) {
            return alpha == 0 ? 0.5 : (alpha > 0) == (s > 0) ? 1.0 : 0.0;
        }
        double x = alpha * s;
        return sigmoid(x) * (1.0 + x * sigmoid(-x));
    }

    /** 1/(1 + e^-x); exact 0 or 1 in the far tails, never NaN for finite x. */
    private static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
