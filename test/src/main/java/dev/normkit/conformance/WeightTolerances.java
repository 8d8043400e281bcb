package dev.normkit.conformance;

import static dev.normkit.conformance.Tolerances.ulps;

/**
 * The tolerances of the weight reparameterizations, weight norm and spectral norm (see {@link Tolerances} for the
 * units and the method), with the worst errors measured (scalar / vector, in u; onednn has neither kernel).
 */
final class WeightTolerances {
    private WeightTolerances() {}

    static Tolerance weightNorm(Direction d, long n) {
        return ulps(8, 1, n, "weight norm " + d + ": a norm of n squares and one product per element");
    }

    static Tolerance spectralNorm(Direction d, long n) {
        return ulps(8, 1, n, "spectral norm " + d + ": dot products of n terms in f32 lanes and the power "
                + "iterations' normalizations");
    }
}
