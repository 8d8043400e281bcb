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
        boolean fromDst = d == Direction.BACKWARD_FROM_DST;
        return switch (a) {
            // Measured: forward 1.0 / 1.0 / 2.5 u, backward 1.0 / 1.5 / 2.6 u, from dst 1.0 / 2.0 / 2.0 u.
            case ELU -> ulps(fromDst ? 4 : 5, name + ": expm1 (onednn: e^s - 1, held against alpha e^s, see "
                    + "ErrorScales) or alpha e^s, and a product");
            // Measured: forward 1.0 / 2.1 u, backward 1.0 / 2.9 u (no onednn).
            case SELU -> ulps(forward ? 4 : 6, name + ": as elu, with the scale a second product");
            // Measured: forward 1.0 / 1.0 u, backward 1.0 / 1.5 u (no onednn).
            case CELU -> ulps(3, name + ": s / alpha, then expm1 or e^x");
            // Measured: forward 1.0 / 2.0 u, backward 1.0 / 2.4 u (onednn unsupported).
            case SOFTPLUS -> ulps(forward ? 4 : 5, name + ": e^-|x| (corrected for the rounding of beta s), log1p and "
                    + "a division, or a reciprocal");
            // Measured: forward 1.0 / 3.4 / 5.4 u, backward 0.3 / 1.1 / 0.9 u, from dst 1.0 / 2.4 / 2.4 u.
            case SIGMOID -> ulps(forward ? 10 : fromDst ? 5 : 3, name + ": e^-|s| and a reciprocal (oneDNN's "
                    + "logistic to ~5 u), or the product d (1 - d)");
            // Measured: forward 1.0 / 2.0 u, backward 1.0 / 2.4 u (onednn unsupported).
            case LOG_SIGMOID -> ulps(forward ? 4 : 5, name + ": e^-|s|, log1p and a subtraction without cancellation");
            // Measured: forward 1.0 / 1.1 / 1.3 u, backward 1.0 / 4.4 / 2.4 u, from dst 1.0 / 2.0 / 2.0 u.
            case TANH -> ulps(forward ? 3 : fromDst ? 4 : 8, name + ": SVML's tanh within 1 ulp; the derivative "
                    + "4e / (1 + e)^2 from e = e^-2|s| (four roundings), or 1 - d^2 by an fma");
            // Measured: forward 1.0 / 3.6 u, backward 1.0 / 2.4 u (no onednn).
            case TANHSHRINK -> ulps(forward ? 6 : 5, name + ": held to |ref| (the paths do not cancel): a degree-8 "
                    + "polynomial below |s| = 1, above it s - tanh s, which magnifies tanh's ulp at most 3.2x");
            // Measured: forward 1.0 / 5.0 u, backward 1.0 / 4.1 u (onednn unsupported).
            case MISH -> ulps(forward ? 8 : 7, name + ": n = e^s, then a rational in n with about six roundings; "
                    + "the derivative's two terms against their magnitudes (see ErrorScales)");
            // Measured: forward 1.0 / 1.2 / 6.5 u, backward 1.0 / 3.8 / 7.1 u, from dst 1.0 / 1.0 / 1.0 u.
            case EXP -> ulps(forward ? 10 : fromDst ? 2 : 12, name + ": one f32 exp (oneDNN's to ~6.5 u) and, "
                    + "backward, a product (vector: by e^(s/2) twice)");
            // Measured: forward 1.0 / 1.3 u, backward 1.0 / 1.0 u (onednn unsupported).
            case LOG -> ulps(forward ? 3 : 2, name + ": SVML's log within 1 ulp; backward one division");
            default -> throw new IllegalArgumentException("activation: " + a.kernelName()
                    + " is not of the exponential family");
        };
    }

    private static Tolerance ulps(double units, String reason) {
        return new Tolerance(units * Tolerances.U, Tolerances.FLOOR, reason + "; bound " + (long) units + " u");
    }
}
