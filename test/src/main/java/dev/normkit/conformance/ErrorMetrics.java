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
 *       infinity (after rounding to f32), and a finite one by a finite value. A violation is a mismatch, counted apart
 *       from the errors, which are taken over the elements where both sides are finite.</li>
 * </ul>
 *
 * Elements the caller marks excluded (a documented oneDNN difference) are skipped and counted.
 */
public final class ErrorMetrics {
    private ErrorMetrics() {}

    /** The errors over one output tensor. */
    public record Comparison(String output, double maxAbs, double maxRel, double maxUlp, int compared, int excluded,
            int specialMismatches, String firstMismatch) {

        /** Combines the errors of two outputs of the same check (maxima, counts summed, first mismatch kept). */
        Comparison merge(Comparison o) {
            return new Comparison(output + "+" + o.output, Math.max(maxAbs, o.maxAbs), Math.max(maxRel, o.maxRel),
                    Math.max(maxUlp, o.maxUlp), compared + o.compared, excluded + o.excluded,
                    specialMismatches + o.specialMismatches, firstMismatch.isEmpty() ? o.firstMismatch : firstMismatch);
        }
    }

    /**
     * @param output   the output's name, for messages
     * @param got      what the path computed
     * @param ref      the float64 reference, same length
     * @param scale    each element's error scale, same length, or {@code null} to use {@code |ref|}
     * @param floor    the absolute floor of the relative error's denominator
     * @param excluded elements to skip, or {@code null} for none
     */
    public static Comparison compare(String output, float[] got, double[] ref, double[] scale, double floor,
            boolean[] excluded) {
        if (got.length != ref.length) {
            throw new IllegalArgumentException("got: " + output + " has " + got.length + " elements, reference has "
                    + ref.length);
        }
        double maxAbs = 0;
        double maxRel = 0;
        double maxUlp = 0;
        int compared = 0;
        int skipped = 0;
        int mismatches = 0;
        String first = "";
        for (int i = 0; i < got.length; i++) {
            if (excluded != null && excluded[i]) {
                skipped++;
                continue;
            }
            float g = got[i];
            double r = ref[i];
            if (!Double.isFinite(r) || !Float.isFinite(g)) {
                if (specialValuesAgree(g, r, (float) r)) {
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
        return new Comparison(output, maxAbs, maxRel, maxUlp, compared, skipped, mismatches, first);
    }

    /**
     * Whether got and ref agree on their special values (the NaN policy), given ref rounded to f32. A finite reference
     * that rounds to an infinity in f32 may be matched by that infinity.
     */
    static boolean specialValuesAgree(float got, double ref, float refAsFloat) {
        if (Double.isNaN(ref)) return Float.isNaN(got);
        if (Float.isNaN(got)) return false;
        if (Float.isInfinite(refAsFloat)) return got == refAsFloat || Double.isFinite(ref) && Float.isFinite(got);
        return Float.isFinite(got);
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
