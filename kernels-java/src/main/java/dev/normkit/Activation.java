package dev.normkit;

import static dev.normkit.ActivationParam.UNUSED;
import static dev.normkit.ActivationParam.above;
import static dev.normkit.ActivationParam.any;
import static dev.normkit.ActivationParam.atLeast;

import java.util.Arrays;

/**
 * The catalogue of elementwise activations: every name the API, the command line and the reports use, what
 * {@code alpha} and {@code beta} mean for each ({@link ActivationParam}: PyTorch's name, default and valid range), and
 * which backward variants each has. {@code s} is the input, {@code d} the output. The formulas, derivatives at kinks
 * and oneDNN mappings are in docs/kernels.md; the conventions are PyTorch's wherever PyTorch has the function.
 */
public enum Activation {
    // ---- piecewise linear --------------------------------------------------------------------------------------------
    /** {@code max(s, 0)}; derivative 0 at 0 (PyTorch). */
    RELU("relu", Backward.FROM_SRC_AND_DST, UNUSED, UNUSED),
    /** {@code s > 0 ? s : alpha s}. Backward from dst only for alpha >= 0 (else the sign of s is lost). */
    LEAKY_RELU("leaky_relu", Backward.FROM_SRC_AND_DST,
            any("negative_slope", "slope where s <= 0", 0.01f), UNUSED),
    /** {@code min(max(s, 0), 6)}; derivative 0 at both kinks (PyTorch's hardtanh backward). */
    RELU6("relu6", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code min(max(s, lo), hi)}; derivative 1 strictly inside (lo, hi), 0 at and beyond the bounds (PyTorch). */
    HARDTANH("hardtanh", Backward.FROM_SRC,
            any("min_val", "lower bound", -1f), any("max_val", "upper bound, >= min_val", 1f)),
    /** {@code hardtanh(s) + k s} on [-1, 1], k = alpha; derivative k + 1 strictly inside (-1, 1), else k. */
    LEAKY_HARDTANH("leaky_hardtanh", Backward.FROM_SRC,
            above("slope", "k of hardtanh(s) + k s", 0.03f, 0f), UNUSED),
    /**
     * The inverse of {@link #LEAKY_HARDTANH} with the same k: {@code |s| <= 1 + k ? s / (1 + k) : (s -+ 1) / k};
     * derivative 1 / (1 + k) strictly inside (-(1 + k), 1 + k), 1 / k at and beyond (the forward's slope k at +-1).
     */
    LEAKY_HARDTANH_INVERSE("leaky_hardtanh_inverse", Backward.FROM_SRC,
            above("slope", "k of the leaky hardtanh it inverts", 0.03f, 0f), UNUSED),
    /** {@code min(max(s / 6 + 1/2, 0), 1)}; derivative 1/6 strictly inside (-3, 3) (PyTorch). */
    HARDSIGMOID("hardsigmoid", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code s hardsigmoid(s)}; derivative 0 below -3, s/3 + 1/2 on [-3, 3], 1 above 3 (PyTorch, kinks included). */
    HARDSWISH("hardswish", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code |s| > lambd ? s : 0}. */
    HARDSHRINK("hardshrink", Backward.FROM_SRC, atLeast("lambd", "half-width of the zeroed band", 0.5f, 0f), UNUSED),
    /** {@code s > lambd ? s - lambd : s < -lambd ? s + lambd : 0}. */
    SOFTSHRINK("softshrink", Backward.FROM_SRC, atLeast("lambd", "half-width of the zeroed band", 0.5f, 0f), UNUSED),
    /** {@code |s|}; derivative sign(s), 0 at 0. */
    ABS("abs", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code a s + b}. */
    LINEAR("linear", Backward.FROM_SRC, any("a", "scale", 1f), any("b", "shift", 0f)),
    /** oneDNN's clip: {@code min(max(s, lo), hi)}, derivative 1 on (lo, hi] (the upper bound included). */
    CLIP("clip", Backward.FROM_SRC, any("lo", "lower bound", -1f), any("hi", "upper bound, >= lo", 1f)),
    /** oneDNN's clip_v2: as {@link #CLIP}, derivative 1 on (lo, hi) (PyTorch's clamp); backward from dst too. */
    CLIP_V2("clip_v2", Backward.FROM_SRC_AND_DST, any("lo", "lower bound", -1f), any("hi", "upper bound, >= lo", 1f)),
    /** Round half to even; forward only. */
    ROUND("round", Backward.NONE, UNUSED, UNUSED),

    // ---- exponential family ------------------------------------------------------------------------------------------
    /** {@code s > 0 ? s : alpha (e^s - 1)}; derivative alpha e^s at 0 (PyTorch). Backward from dst for alpha >= 0. */
    ELU("elu", Backward.FROM_SRC_AND_DST, any("alpha", "scale of the negative part", 1f), UNUSED),
    /** {@code scale (s > 0 ? s : alpha (e^s - 1))} with PyTorch's alpha 1.6732632 and scale 1.0507010. */
    SELU("selu", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code s > 0 ? s : alpha (e^(s / alpha) - 1)}. */
    CELU("celu", Backward.FROM_SRC, above("alpha", "scale of the negative part", 1f, 0f), UNUSED),
    /**
     * {@code log(1 + e^(beta s)) / beta}, and s itself where {@code beta s > threshold} (strictly, as PyTorch);
     * derivative sigmoid(beta s), 1 where linear.
     */
    SOFTPLUS("softplus", Backward.FROM_SRC, above("beta", "sharpness", 1f, 0f),
            any("threshold", "beta s above which softplus is s", 20f)),
    /** {@code 1 / (1 + e^-s)}; backward from dst too: d (1 - d). */
    SIGMOID("sigmoid", Backward.FROM_SRC_AND_DST, UNUSED, UNUSED),
    /** {@code log sigmoid(s) = -softplus(-s)}. */
    LOG_SIGMOID("log_sigmoid", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code tanh s}; backward from dst too: 1 - d^2. */
    TANH("tanh", Backward.FROM_SRC_AND_DST, UNUSED, UNUSED),
    /** {@code s - tanh s}. */
    TANHSHRINK("tanhshrink", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code s tanh(softplus(s))}. */
    MISH("mish", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code s sigmoid(beta s)}. */
    SWISH("swish", Backward.FROM_SRC, any("beta", "gate sharpness", 1f), UNUSED),
    /** SiLU: {@code s sigmoid(s)}, swish with beta 1. */
    SILU("silu", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code e^s}; backward from dst too: d. */
    EXP("exp", Backward.FROM_SRC_AND_DST, UNUSED, UNUSED),
    /** {@code ln s}: NaN below 0, -inf at 0. */
    LOG("log", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code 0.5 s (1 + erf(s / sqrt 2))}. */
    GELU_ERF("gelu_erf", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code 0.5 s (1 + tanh(sqrt(2/pi) (s + 0.044715 s^3)))}. */
    GELU_TANH("gelu_tanh", Backward.FROM_SRC, UNUSED, UNUSED),

    // ---- others -------------------------------------------------------------------------------------------------------
    /** {@code sqrt s}: NaN below 0; backward from dst too: 1 / (2 d). */
    SQRT("sqrt", Backward.FROM_SRC_AND_DST, UNUSED, UNUSED),
    /** {@code s^2}. */
    SQUARE("square", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code s / (1 + |s|)}. */
    SOFTSIGN("softsign", Backward.FROM_SRC, UNUSED, UNUSED),
    /** {@code a s^b}: NaN for negative s unless b is an integer. */
    POW("pow", Backward.FROM_SRC, any("a", "scale", 1f), any("b", "exponent", 3f));

    /** Which backward calls an activation has. */
    private enum Backward { NONE, FROM_SRC, FROM_SRC_AND_DST }

    private final String kernelName;
    private final Backward backward;
    private final ActivationParam alpha;
    private final ActivationParam beta;

    Activation(String kernelName, Backward backward, ActivationParam alpha, ActivationParam beta) {
        this.kernelName = kernelName;
        this.backward = backward;
        this.alpha = alpha;
        this.beta = beta;
    }

    /** Stable name used in reports, JSON and on the command line. */
    public String kernelName() {
        return kernelName;
    }

    /** What the {@code alpha} slot holds for this activation ({@link ActivationParam#UNUSED} if nothing). */
    public ActivationParam alpha() {
        return alpha;
    }

    /** What the {@code beta} slot holds for this activation ({@link ActivationParam#UNUSED} if nothing). */
    public ActivationParam beta() {
        return beta;
    }

    public float defaultAlpha() {
        return alpha.defaultValue();
    }

    public float defaultBeta() {
        return beta.defaultValue();
    }

    /** Whether {@link ActivationKernel#backward} exists ({@link #ROUND} is forward only). */
    public boolean hasBackward() {
        return backward != Backward.NONE;
    }

    /**
     * Whether backward can be computed exactly from the output instead of the input for these parameters (oneDNN's
     * {@code _use_dst_for_bwd} variants): leaky ReLU and ELU only for a non-negative alpha, where the output still
     * tells the sign of the input.
     */
    public boolean hasBackwardFromDst(float alpha, float beta) {
        if (backward != Backward.FROM_SRC_AND_DST) return false;
        return switch (this) {
            case LEAKY_RELU, ELU -> alpha >= 0f;
            default -> true;
        };
    }

    /**
     * Throws unless {@code alpha} and {@code beta} are valid for this activation: each in its parameter's range, an
     * unused slot 0, and ordered bounds where there are two.
     *
     * @throws IllegalArgumentException naming the slot, the parameter and the range
     */
    public void checkParams(float alpha, float beta) {
        this.alpha.check(this, "alpha", alpha);
        this.beta.check(this, "beta", beta);
        if ((this == HARDTANH || this == CLIP || this == CLIP_V2) && alpha > beta) {
            throw new IllegalArgumentException("beta (" + this.beta.name() + ") of " + kernelName + ": must be >= alpha ("
                    + this.alpha.name() + " = " + alpha + "), got " + beta);
        }
    }

    /** The activation with this {@link #kernelName()}. */
    public static Activation byName(String name) {
        for (Activation a : values()) {
            if (a.kernelName.equals(name)) return a;
        }
        throw new IllegalArgumentException("activation: unknown name '" + name + "'; known: "
                + Arrays.stream(values()).map(Activation::kernelName).toList());
    }
}
