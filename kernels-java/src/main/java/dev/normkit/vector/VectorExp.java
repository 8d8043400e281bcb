package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.GT;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LT;

import jdk.incubator.vector.FloatVector;

/**
 * e^x on float vectors with FMA arithmetic only, cheaper than the Vector API's {@code EXP} (an SVML call on x86).
 *
 * <p>Method: n = round(x log2 e), r = x - n ln 2 (ln 2 split in two parts, so r is exact to float rounding), e^r by
 * a degree-5 polynomial, and the scale 2^n built from exponent bits. Rounding to an integer uses the "magic number"
 * trick: adding 1.5 * 2^23 leaves round(x log2 e) in the low mantissa bits, so no float-to-int conversion is needed.
 * The polynomial returns 2 e^r and the scale is 2^(n-1), so that 2^(n-1) stays a normal float up to n = 128 and
 * results round to infinity only where e^x really exceeds {@code Float.MAX_VALUE}.
 *
 * <p>Accuracy, measured against {@code Math.exp} on every float in [-87, 88.7]: at most 2 ulp (relative error
 * 1.6e-7). NaN gives NaN; x &gt; 89 gives +inf; results below about 2^-125 (x &lt; -86.7) flush to +0 (no
 * subnormals), and x &lt; -87.33 gives +0.
 */
final class VectorExp {
    private VectorExp() {}

    private static final float LOG2_E = 1.44269504088896341f;
    /** ln 2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n * LN2_HI is exact for |n| &lt;= 2^15. */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23 + 126: after adding it, the low mantissa bits hold n + 126, the biased exponent of 2^(n-1). */
    private static final float ROUNDING_SHIFTER = 12582912f + 126f;

    /**
     * 2 e^r on [-ln2/2, ln2/2]: twice a relative-minimax degree-5 fit with the constant term fixed at 1 (so e^0 is
     * exactly 1); fit relative error 9.2e-8.
     */
    private static final float P0 = 2f;
    private static final float P1 = 2f * 0.9999997019767761f;
    private static final float P2 = 2f * 0.49999144673347473f;
    private static final float P3 = 2f * 0.16667640209197998f;
    private static final float P4 = 2f * 0.04189842566847801f;
    private static final float P5 = 2f * 0.008290222845971584f;

    /** Above this, e^x is +inf; between 88.73 and here the scaling itself overflows to +inf correctly. */
    private static final float OVERFLOW = 89f;
    /** Below this, n - 1 would fall under the smallest normal exponent; e^x &lt; 1.2e-38 anyway. */
    private static final float UNDERFLOW = -87.33f;

    /** e^x lanewise. */
    static FloatVector exp(FloatVector x) {
        FloatVector shifted = x.fma(LOG2_E, ROUNDING_SHIFTER);
        return scaledPolynomial(x, shifted, reduce(x, shifted));
    }

    /**
     * e^(hi + lo) where {@code lo} is a small correction to {@code hi} (|lo| at most a few ulp of hi), for callers
     * that have x exactly as an unevaluated sum: adding lo after range reduction keeps its bits. Over- and underflow
     * are decided by {@code hi} alone.
     */
    static FloatVector expOfSum(FloatVector hi, FloatVector lo) {
        FloatVector shifted = hi.fma(LOG2_E, ROUNDING_SHIFTER);
        return scaledPolynomial(hi, shifted, reduce(hi, shifted).add(lo));
    }

    /** r = x - n ln 2, with n read back from the shifted value. */
    private static FloatVector reduce(FloatVector x, FloatVector shifted) {
        FloatVector n = shifted.sub(ROUNDING_SHIFTER);
        FloatVector r = n.fma(n.broadcast(-LN2_HI), x);
        return n.fma(n.broadcast(-LN2_LO), r);
    }

    private static FloatVector scaledPolynomial(FloatVector x, FloatVector shifted, FloatVector r) {
        FloatVector p = r.fma(P5, P4);
        p = p.fma(r, r.broadcast(P3));
        p = p.fma(r, r.broadcast(P2));
        p = p.fma(r, r.broadcast(P1));
        p = p.fma(r, r.broadcast(P0));
        FloatVector scale = shifted.reinterpretAsInts().lanewise(LSHL, 23).reinterpretAsFloats();
        return p.mul(scale)
                .blend(0f, x.compare(LT, UNDERFLOW))
                .blend(Float.POSITIVE_INFINITY, x.compare(GT, OVERFLOW));
    }
}
