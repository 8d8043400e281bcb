package dev.normkit.conformance;

/**
 * The largest relative error a check accepts, with the reason. Errors are relative to each element's error scale
 * ({@link ErrorScales}) or, for values near zero, to the absolute {@code floor}.
 *
 * @param maxRel the bound on {@code |got - ref| / max(|ref|, scale, floor)}
 * @param floor  the absolute floor of the denominator
 * @param reason why this bound: the error analysis and the measured worst case
 */
public record Tolerance(double maxRel, double floor, String reason) {

    public Tolerance {
        if (!(maxRel > 0) || !(floor > 0)) {
            throw new IllegalArgumentException("tolerance: maxRel and floor must be positive, got " + maxRel + ", "
                    + floor);
        }
    }
}
