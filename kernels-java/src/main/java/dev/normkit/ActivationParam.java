package dev.normkit;

/**
 * One parameter of an {@link Activation}: which slot of {@link ActivationDesc} holds it ({@code alpha} or
 * {@code beta}), its PyTorch name, what it means, its default and the closed or open interval it must lie in. A slot
 * the activation does not use has {@link #UNUSED}: it must be 0.
 */
public record ActivationParam(String name, String meaning, float defaultValue, float min, boolean minOpen, float max,
        boolean maxOpen) {

    /** The slot is not used: {@link ActivationDesc} accepts only 0 there. */
    public static final ActivationParam UNUSED = new ActivationParam("", "not used", 0f, 0f, false, 0f, false);

    /** Any finite value. */
    static ActivationParam any(String name, String meaning, float defaultValue) {
        return new ActivationParam(name, meaning, defaultValue, -Float.MAX_VALUE, false, Float.MAX_VALUE, false);
    }

    /** A finite value {@code >= min}. */
    static ActivationParam atLeast(String name, String meaning, float defaultValue, float min) {
        return new ActivationParam(name, meaning, defaultValue, min, false, Float.MAX_VALUE, false);
    }

    /** A finite value {@code > min}. */
    static ActivationParam above(String name, String meaning, float defaultValue, float min) {
        return new ActivationParam(name, meaning, defaultValue, min, true, Float.MAX_VALUE, false);
    }

    public boolean used() {
        return this != UNUSED;
    }

    /** Whether {@code v} is a valid value of this parameter. */
    public boolean accepts(float v) {
        if (!used()) return v == 0f;
        if (!Float.isFinite(v)) return false;
        boolean aboveMin = minOpen ? v > min : v >= min;
        boolean belowMax = maxOpen ? v < max : v <= max;
        return aboveMin && belowMax;
    }

    /** The valid range in words, e.g. {@code finite, > 0}. */
    public String range() {
        if (!used()) return "0 (not used)";
        StringBuilder b = new StringBuilder("finite");
        if (min != -Float.MAX_VALUE || minOpen) b.append(minOpen ? ", > " : ", >= ").append(min);
        if (max != Float.MAX_VALUE || maxOpen) b.append(maxOpen ? ", < " : ", <= ").append(max);
        return b.toString();
    }

    /**
     * Throws unless {@code v} is valid, naming the slot and the parameter.
     *
     * @throws IllegalArgumentException e.g. {@code alpha: gelu_erf takes no alpha, got -0.66}
     */
    void check(Activation a, String slot, float v) {
        if (accepts(v)) return;
        if (!used()) {
            throw new IllegalArgumentException(slot + ": " + a.kernelName() + " takes no " + slot + " (it must be 0), got "
                    + v);
        }
        throw new IllegalArgumentException(slot + " (" + name + ", " + meaning + ") of " + a.kernelName() + ": must be "
                + range() + ", got " + v);
    }
}
