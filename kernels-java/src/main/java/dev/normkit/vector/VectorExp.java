package dev.normkit.vector;

import static dev.normkit.vector.FloatSpecies.F;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * exp(x) for a float vector, inlined into the caller's loop: {@code x = n ln2 + r} with {@code n} rounded to nearest
 * and {@code |r| <= ln2/2}, a degree-7 polynomial for {@code e^r} (Cephes' expf coefficients), scaled by {@code 2^n}
 * through the exponent bits. Within 1 ulp of the correctly rounded result over the whole range.
 *
 * <p>The scale is applied as two factors {@code 2^(n/2)} and {@code 2^(n - n/2)}, both normal numbers, so results down
 * to the smallest subnormal are rounded once, and results past {@code Float.MAX_VALUE} become +inf. The argument is
 * clamped to [-104, 89] first (every result outside is 0 or +inf), which also maps -inf to 0 and +inf to +inf. NaN
 * stays NaN: the clamps are compare-and-blend, false for NaN, and NaN survives the arithmetic.
 */
final class VectorExp {
    private VectorExp() {}

    private static final float MIN_ARG = -104f; // below ln(2^-150): rounds to 0
    private static final float MAX_ARG = 89f; // above ln(Float.MAX_VALUE): +inf
    private static final float LOG2E = 1.44269504088896341f;
    // ln2 split so that n * LN2_HI is exact for |n| <= 150 (LN2_HI has 9 significant bits).
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    // Adding 1.5 * 2^23 rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits.
    private static final float ROUNDER = 0x1.8p23f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    static FloatVector exp(FloatVector x) {
        x = x.blend(MIN_ARG, x.compare(VectorOperators.LT, MIN_ARG));
        x = x.blend(MAX_ARG, x.compare(VectorOperators.GT, MAX_ARG));
        FloatVector shifted = x.fma(LOG2E, ROUNDER);
        FloatVector n = shifted.sub(ROUNDER);
        // fma has no (scalar, vector) form: constants are broadcast here and the JIT hoists them out of loops.
        FloatVector r = n.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(F, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1);
        p = p.fma(r, FloatVector.broadcast(F, P2));
        p = p.fma(r, FloatVector.broadcast(F, P3));
        p = p.fma(r, FloatVector.broadcast(F, P4));
        p = p.fma(r, FloatVector.broadcast(F, P5));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        IntVector ni = shifted.reinterpretAsInts().sub(ROUNDER_BITS);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector scale1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scale2 = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(scale1).mul(scale2);
    }
}
