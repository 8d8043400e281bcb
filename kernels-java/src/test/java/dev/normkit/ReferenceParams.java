package dev.normkit;

/** The one parameter of the activations {@link ActivationReference} covers, with the fixed ones written out. */
final class ReferenceParams {
    private ReferenceParams() {}

    /** ReLU's slope (0), leaky ReLU's, SiLU's beta (1), swish's; 0 for the rest. */
    static float slope(ActivationDesc d) {
        return switch (d.activation()) {
            case SILU -> 1f;
            case LEAKY_RELU, SWISH -> d.alpha();
            default -> 0f;
        };
    }
}
