package dev.normkit;

/**
 * The elementwise activations, with what {@code alpha} and {@code beta} mean for each and their PyTorch defaults.
 * {@code s} is the input, {@code d} the output.
 */
public enum Activation {
    /** {@code d = s > 0 ? s : alpha * s}; alpha 0 is ReLU, 0.01 PyTorch's leaky ReLU. dReLU/ds at 0 is 0 (PyTorch). */
    RELU("relu", 0f, 0f),
    /** {@code d = 0.5 s (1 + erf(s / sqrt 2))}. */
    GELU_ERF("gelu_erf", 0f, 0f),
    /** {@code d = 0.5 s (1 + tanh(sqrt(2/pi) (s + 0.044715 s^3)))}. */
    GELU_TANH("gelu_tanh", 0f, 0f),
    /** SiLU / swish: {@code d = s * sigmoid(alpha * s)}; alpha 1 is SiLU. */
    SILU("silu", 1f, 0f);

    private final String kernelName;
    private final float defaultAlpha;
    private final float defaultBeta;

    Activation(String kernelName, float defaultAlpha, float defaultBeta) {
        this.kernelName = kernelName;
        this.defaultAlpha = defaultAlpha;
        this.defaultBeta = defaultBeta;
    }

    /** Stable name used in reports and on the command line. */
    public String kernelName() {
        return kernelName;
    }

    public float defaultAlpha() {
        return defaultAlpha;
    }

    public float defaultBeta() {
        return defaultBeta;
    }

    /**
     * Whether backward can be computed exactly from the output instead of the input for these parameters (oneDNN's
     * {@code _use_dst_for_bwd} variants). ReLU qualifies only for a non-negative slope: with a negative one the sign
     * of the input cannot be read off the output.
     */
    public boolean hasBackwardFromDst(float alpha, float beta) {
        return this == RELU && alpha >= 0f;
    }

    /** The activation with this {@link #kernelName()}. */
    public static Activation byName(String name) {
        for (Activation a : values()) {
            if (a.kernelName.equals(name)) return a;
        }
        throw new IllegalArgumentException("activation: unknown name '" + name + "'");
    }
}
