package dev.normkit;

/**
 * An elementwise activation over every element of {@code shape}; {@code alpha} and {@code beta} as
 * {@link Activation} defines them for the kind ({@link Activation#alpha()}, {@link Activation#beta()}: name, meaning,
 * range). Parameters are checked here: out of range, or non-zero in a slot the activation does not use, is an
 * {@link IllegalArgumentException} naming the slot.
 */
public record ActivationDesc(Activation activation, Shape shape, float alpha, float beta)
        implements KernelDesc<ActivationKernel> {

    public ActivationDesc {
        if (activation == null) {
            throw new IllegalArgumentException("activation: must not be null");
        }
        if (shape == null) {
            throw new IllegalArgumentException("shape: must not be null");
        }
        activation.checkParams(alpha, beta);
    }

    /** The activation with its default parameters. */
    public static ActivationDesc of(Activation activation, Shape shape) {
        if (activation == null) {
            throw new IllegalArgumentException("activation: must not be null");
        }
        return new ActivationDesc(activation, shape, activation.defaultAlpha(), activation.defaultBeta());
    }

    public ActivationDesc withAlpha(float a) {
        return new ActivationDesc(activation, shape, a, beta);
    }

    public ActivationDesc withBeta(float b) {
        return new ActivationDesc(activation, shape, alpha, b);
    }

    /** Whether {@link ActivationKernel#backwardFromDst} is available for this descriptor. */
    public boolean hasBackwardFromDst() {
        return activation.hasBackwardFromDst(alpha, beta);
    }

    @Override
    public String kernelName() {
        return activation.kernelName();
    }
}
