package dev.normkit.vector;

import dev.normkit.BackendUnavailableException;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one float species every vector kernel uses. It must be a {@code static final} constant: the JIT only
 * intrinsifies Vector API calls whose species it can see as a constant.
 *
 * <p>The system property {@value #BITS_PROPERTY} (128, 256 or 512) narrows it, so one machine can test every width
 * its CPU has; by default it is the CPU's preferred width.
 */
final class FloatSpecies {

    static final String BITS_PROPERTY = "normkit.vector.bits";

    private static final String REQUESTED = System.getProperty(BITS_PROPERTY);

    static final VectorSpecies<Float> F = choose();

    private FloatSpecies() {}

    private static VectorSpecies<Float> choose() {
        if (REQUESTED == null || REQUESTED.isBlank()) {
            return FloatVector.SPECIES_PREFERRED;
        }
        try {
            int bits = Integer.parseInt(REQUESTED.trim());
            VectorSpecies<Float> s = VectorShape.forBitSize(bits).withLanes(float.class);
            return s.vectorBitSize() <= FloatVector.SPECIES_MAX.vectorBitSize() ? s : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Throws with the reason when the requested width is unusable or the vectors are too narrow to pay off. */
    static void check() {
        if (F == null) {
            throw new BackendUnavailableException("vector", BITS_PROPERTY + "=" + REQUESTED
                    + " is not a vector width this CPU has; use 128, 256 or 512, at most "
                    + FloatVector.SPECIES_MAX.vectorBitSize());
        }
        if (F.length() < 4) {
            throw new BackendUnavailableException("vector", "the preferred float vector has only " + F.length()
                    + " lanes (" + F.vectorBitSize() + "-bit): no SIMD speed-up to be had");
        }
    }

    static String choiceNote() {
        return REQUESTED == null || REQUESTED.isBlank() ? "" : ", forced by -D" + BITS_PROPERTY + "=" + REQUESTED;
    }
}
