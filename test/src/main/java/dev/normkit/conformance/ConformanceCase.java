package dev.normkit.conformance;

import dev.normkit.KernelDesc;

/**
 * One conformance problem, run on every path: a kernel direction on one descriptor and one input family, with its
 * inputs in native segments or (when {@code heap}) Java arrays through the {@code float[]} overloads.
 *
 * @param variant what sets the descriptor apart from the kernel's default on this shape (e.g. {@code axes=2},
 *                {@code axis=1}, {@code no_shift}), empty for the default
 */
public record ConformanceCase(KernelId kernel, Direction direction, KernelDesc<?> desc, InputFamily family,
        String variant, boolean heap) {

    /** The family, then the variant and the memory kind when not the default: {@code normal axes=2 heap}. */
    public String inputsLabel() {
        StringBuilder b = new StringBuilder(family.label());
        if (!variant.isEmpty()) b.append(' ').append(variant);
        if (heap) b.append(" heap");
        return b.toString();
    }

    /** {@code layer_norm forward 256x768 normal}: how tests and messages name the case. */
    public String name() {
        return kernel.label() + " " + direction.label() + " " + desc.shape() + " " + inputsLabel();
    }

    /** Seeds the inputs: the same for every direction and memory kind of one problem, different across problems. */
    long seed() {
        String key = kernel.label() + "|" + desc.shape() + "|" + family.label() + "|" + variant;
        return 0x9E3779B97F4A7C15L * key.hashCode() + key.length();
    }

    @Override
    public String toString() {
        return name();
    }
}
