package dev.normkit.conformance;

/** What part of a kernel a check or benchmark exercises. Names are the ones reports and the command line use. */
public enum Direction {
    /** Inference forward (statistics not saved). */
    FORWARD("forward"),
    /**
     * Training forward: also saves the statistics backward needs (mean, rstd; batch norm: mean, variance, and the
     * updated running statistics).
     */
    FORWARD_TRAINING("forward_training"),
    /** Backward from the input (activations) or from the saved statistics (normalizations) or dst (softmax). */
    BACKWARD("backward"),
    /** Activation backward computed from the forward output. */
    BACKWARD_FROM_DST("backward_from_dst");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Direction byLabel(String label) {
        for (Direction d : values()) {
            if (d.label.equals(label)) return d;
        }
        throw new IllegalArgumentException("direction: unknown '" + label + "'");
    }

    @Override
    public String toString() {
        return label;
    }
}
