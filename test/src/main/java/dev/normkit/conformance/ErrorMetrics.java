package dev.normkit.conformance;

/**
 * Compares a path's f32 output with the float64 reference, element by element.
 *
 * <ul>
 *   <li>abs error {@code |got - ref|};</li>
 *   <li>rel error {@code |got - ref| / max(|ref|, scale, floor)}: {@code scale} is the element's error scale
 *       ({@link ErrorScales}: the magnitude of the terms the value is computed from, large where they cancel), and the
 *       absolute floor keeps values near zero (where any rounding is a huge relative error) from dominating;</li>
 *   <li>ulp distance between {@code got} and {@code ref} rounded to f32, over the elements not dominated by the scale
 *       or the floor ({@code |ref|} at least half of both): where the value is far below its error scale, a count of
 *       its ulps says nothing;</li>
 *   <li>special values, the NaN-propagation policy: a NaN reference must be matched by NaN, an infinite one by the same
 *       infinity (after rounding to f32), and a finite one by a finite value, with one allowance: where the tolerance
 *       band of a finite reference reaches the f32 overflow threshold ({@code |ref| (1 + tol) >= 2^128 - 2^103}), a
 *       result within tolerance may round to the infinity of the reference's sign, so that infinity is accepted. A
 *       violation is a mismatch, counted apart from the errors, which are taken over the elements where both sides are
 *       finite.</li>
 * </ul>
 *
 * Elements the caller marks excluded (the onednn special-value policy) are skipped from the errors and counted, and
 * so are those of them where the path happened to follow the NaN policy anyway.
 */
public final class ErrorMetrics {
    private ErrorMetrics() {}

    /** The errors over one output tensor. */
    public record Comparison(String output, double maxAbs, double maxRel, double maxUlp, int compared, int excluded,
            int excludedAgreeing, int specialMismatches, String firstMismatch) {

        /** Combines the errors of two outputs of the same check (maxima, counts summed, first mismatch kept). */
        Comparison merge(Comparison o) {
            return new Comparison(output + "+" + o.output, Math.max(maxAbs, o.maxAbs), Math.max(maxRel, o.maxRel),
                    Math.max(maxUlp, o.maxUlp), compared + o.compared, excluded + o.excluded,
                    excludedAgreeing + o.excludedAgreeing, specialMismatches + o.specialMismatches, firstMismatch.isEmpty() ? o.firstMismatch : firstMismatch);
        }
    }

    /**
     * @param output   the output's name, for messages
     * @param got      what the path computed
     * @param ref      the float64 reference, same length
     * @param scale    each element's error scale, same length, or {@code null} to use {@code |ref|}
     * @param floor    the absolute floor of the relative error's denominator
     * @param tol      the relative error allowed, for the overflow allowance of the NaN policy
     * @param excluded elements to skip, or {@code null} for none
     */
    public static Comparison compare(String output, float[] got, double[] ref, double[] scale, double floor,
            double tol, boolean[] excluded) {
        if (got.length != ref.length) {
            throw new IllegalArgumentException("got: " + output + " has " + got.length + " elements, reference has "
                    + ref.length);
        }
        double maxAbs = 0;
        double maxRel = 0;
        double maxUlp = 0;
        int compared = 0;
        int skipped = 0;
        int skippedAgreeing = 0;
        int mismatches = 0;
        String first = "";
        for (int i = 0; i < got.length; i++) {
            float g = got[i];
            double r = ref[i];
            if (excluded != null && excluded[i]) {
                skipped++;
                if (specialValuesAgree(g, r, (float) r, tol)) skippedAgreeing++;
                continue;
            }
            if (!Double.isFinite(r) || !Float.isFinite(g)) {
                if (specialValuesAgree(g, r, (float) r, tol)) {
                    compared++;
                } else if (mismatches++ == 0) {
                    first = output + "[" + i + "]: got " + g + ", reference " + r;
                }
                continue;
            }
            compared++;
            double abs = Math.abs(g - r);
            double mag = Math.abs(r);
            // A scale never lowers the denominator below |ref|; a NaN scale (from a special value elsewhere in the
            // row) is ignored.
            double denominator = Math.max(floor, scale != null && scale[i] > mag ? scale[i] : mag);
            maxAbs = Math.max(maxAbs, abs);
            maxRel = Math.max(maxRel, abs / denominator);
            if (mag >= 0.5 * denominator) maxUlp = Math.max(maxUlp, ulpDistance(g, (float) r));
        }
        return new Comparison(output, maxAbs, maxRel, maxUlp, compared, skipped, skippedAgreeing, mismatches, first);
    }

    /** Where f32 rounding to nearest overflows: MAX_VALUE plus half an ulp of it. */
    static final double F32_OVERFLOW = 0x1p128 - 0x1p103;

    /**
     * Whether got and ref agree on their special values (the NaN policy), given ref rounded to f32. A finite reference
     * that rounds to an infinity in f32, or whose tolerance band {@code |ref| (1 + tol)} reaches the overflow
     * threshold, may be matched by the infinity of its sign.
     */
    static boolean specialValuesAgree(float got, double ref, float refAsFloat, double tol) {
        if (Double.isNaN(ref)) return Float.isNaN(got);
        if (Float.isNaN(got)) return false;
        if (Float.isInfinite(refAsFloat)) return got == refAsFloat || Double.isFinite(ref) && Float.isFinite(got);
        if (Float.isInfinite(got)) {
            return Double.isFinite(ref) && Math.abs(ref) * (1 + tol) >= F32_OVERFLOW && (got > 0) == (ref > 0);
        }
        return true;
    }

    /**
     * The number of f32 values strictly between a and b, plus one (0 when equal; +0 and -0 are equal). Both must be
     * non-NaN; +-infinity sit one step beyond +-MAX_VALUE.
     */
    public static long ulpDistance(float a, float b) {
        if (a == b) return 0;
        return Math.abs(ordinal(a) - ordinal(b));
    }

    /** Maps floats to integers in the same order, adjacent floats to adjacent integers, -0 and +0 both to 0. */
    private static long ordinal(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits >= 0 ? bits : (long) Integer.MIN_VALUE - bits;
    }
}
