package dev.normkit.conformance;

/**
 * The largest relative error a check accepts, with the floor of its denominator and the reason for both.
 *
 * <p>The floor is either absolute ({@link #absoluteFloor}) or a fraction of the root mean square of the reference
 * output ({@link #rmsFloor}). The second suits outputs whose errors come from sums over a row or the batch: the error
 * scales with the magnitude of the whole tensor, not with each element, so an element near zero is held to an absolute
 * error of {@code maxRel * floor}.
 *
 * @param maxRel         the bound on {@code |got - ref| / max(|ref|, floor)}
 * @param floor          the absolute floor, or the fraction of the reference's RMS when {@code relativeToRms}
 * @param relativeToRms  whether {@code floor} scales with the reference's RMS
 * @param reason         why this bound: the error analysis and the measured worst case
 */
public record Tolerance(double maxRel, double floor, boolean relativeToRms, String reason) {

    public Tolerance {
        if (!(maxRel > 0) || !(floor > 0)) {
            throw new IllegalArgumentException("tolerance: maxRel and floor must be positive, got " + maxRel + ", "
                    + floor);
        }
    }

    public static Tolerance absoluteFloor(double maxRel, double floor, String reason) {
        return new Tolerance(maxRel, floor, false, reason);
    }

    public static Tolerance rmsFloor(double maxRel, double fractionOfRms, String reason) {
        return new Tolerance(maxRel, fractionOfRms, true, reason);
    }

    /** The absolute floor for one reference tensor: fixed, or the fraction of its RMS over the finite values. */
    public double floorFor(double[] ref) {
        if (!relativeToRms) return floor;
        double sq = 0;
        long n = 0;
        for (double r : ref) {
            if (Double.isFinite(r)) {
                sq += r * r;
                n++;
            }
        }
        double rms = n == 0 ? 0 : Math.sqrt(sq / n);
        // An all-zero (or all-special) reference has no scale; fall back to the smallest normal f32.
        return Math.max(floor * rms, Float.MIN_NORMAL);
    }
}
