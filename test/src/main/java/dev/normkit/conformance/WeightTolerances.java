package dev.normkit.conformance;

import static dev.normkit.conformance.Tolerances.ulps;

/**
 * The tolerances of the weight reparameterizations, weight norm and spectral norm, in {@link Tolerances}' units and
 * method, each about 2x the worst error measured on the default corpus at 512, 256 and 128 bits (scalar / vector, in
 * u; onednn has neither kernel). The scalar path sums in double and stays within 1.7 u everywhere; the vector path sums
 * within a row in f32 lanes, so its bounds grow with n where its sums are long.
 */
final class WeightTolerances {
    private WeightTolerances() {}

    static Tolerance weightNorm(Direction d, long n) {
        return switch (d) {
            // Measured: forward and training 1.0 / 3.1 u (768x3072: rows of 3072 squares in f32 lanes).
            case FORWARD, FORWARD_TRAINING -> ulps(4, 0.05, n, "weight norm " + d + ": a norm of n squares summed "
                    + "in f32 lanes (no cancellation), then one product per element");
            // Measured: 1.0 / 2.8 u (4x15).
            default -> ulps(5, 0.05, n, "weight norm backward: sum(dw * v) over n terms in f32 lanes (its terms are "
                    + "the scale), then one fma per element");
        };
    }

    static Tolerance spectralNorm(Direction d, long n) {
        return switch (d) {
            // Measured: 1.7 / 14.2 u (1000x17 on the 1e4 offset, 3 iterations: W^T u adds 1000 rows in f32).
            case FORWARD_TRAINING -> ulps(6, 0.75, n, "spectral norm training forward: W^T u and W v, sums of up to "
                    + "n terms in f32, per power iteration; errors compound through the normalizations (scales in "
                    + "SpectralNormReference)");
            // Measured: 0.9 / 3.4 u (4x1025).
            case FORWARD -> ulps(6, 0.1, n, "spectral norm forward: sigma = u^T W v, dots of n terms in f32, then "
                    + "one product per element");
            // Measured: 1.0 / 1.6 u.
            default -> ulps(4, 0.05, n, "spectral norm backward: sum(dy * W) in f32 rows, then one fma per element");
        };
    }
}
