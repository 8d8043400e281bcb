package dev.normkit.conformance;

import dev.normkit.ActivationDesc;
import dev.normkit.KernelDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import java.util.Locale;

/**
 * The tolerance of every kernel direction, with its reason (benchdnn-style), in units of the f32 unit roundoff
 * {@code u = 2^-24 ~ 6e-8}: {@code maxRel = (base + perSqrtN * sqrt(n)) u}, n the length of the case's longest
 * reduction. Errors are relative to each element's error scale ({@link ErrorScales}), which already absorbs
 * cancellation; what is left is the rounding of a few operations (the base) and, for paths that sum in f32, the
 * rounding of long sums, which grows like sqrt(n) for random data (the per-sqrt(n) term).
 *
 * <p>Each bound sits about 2x above the worst error any path showed on the default corpus; the measured worst case
 * per path is in the comment next to it (scalar / vector / onednn, in u, with the case it came from).
 */
public final class Tolerances {
    private Tolerances() {}

    /** f32 unit roundoff: half an ulp of 1. */
    public static final double U = 0x1p-24;

    /**
     * Values below 1e-29 are compared absolutely against it, so with bounds of a few u (~1e-7) absolute errors below
     * ~1e-36 never fail. That is the largest value an f32 path may legitimately flush to 0: exp underflows the normal
     * range below -87.3, so a silu on such an exp ({@code -88.8 * e^-88.8 = -2.4e-37}, at most ~1e-36) or a softmax
     * tail (subnormal, below 1.2e-38) may come out as 0.
     */
    public static final double FLOOR = 1e-29;

    /** The tolerance for a case: its kernel direction, with n from its descriptor. */
    public static Tolerance of(ConformanceCase c) {
        return of(c.kernel(), c.direction(), reductionLength(c.desc(), c.direction()));
    }

    /** The tolerance for a kernel direction whose longest reduction has {@code n} terms. */
    public static Tolerance of(KernelId k, Direction d, long n) {
        return switch (k) {
            // Scalar sums in double; vector centres on a first mean and sums in f32 lanes, then repairs in double.
            // Measured: forward 0.8 / 3.1 u, training 1.0 / 3.3 u (mean, rstd, dst), backward 3.9 / 3.2 u.
            case LAYER_NORM -> ulps(8, 0, n, "layer norm " + d + ": a few roundings per element (centre, scale, "
                    + "affine) on exact or double-repaired statistics");
            // Measured: forward and training 1.0 / 3.9 u, backward 3.3 / 3.3 u.
            case RMS_NORM -> ulps(8, 0, n, "rms norm " + d + ": a few roundings per element on a mean of squares "
                    + "summed in double or repaired lanes");
            case SOFTMAX -> d == Direction.FORWARD
                    // Measured: 1.0 / 46.9 u (1000x17 along axis 0: 1000 strided terms summed one by one in f32;
                    // contiguous rows 9.8 u). The sum's relative error reaches every element.
                    ? ulps(8, 2, n, "softmax forward: exp (a few u) divided by a sum of n positive terms in f32")
                    // Measured: 1.0 / 15 u (1000x17 along axis 0).
                    : ulps(8, 1, n, "softmax backward: y * (dy - sum(dy * y)), the sum over n terms in f32");
            case LOG_SOFTMAX -> d == Direction.FORWARD
                    // Measured: 1.0 / 23.5 u (1000x17 along axis 0).
                    ? ulps(8, 1, n, "log-softmax forward: (x - max) - log(sum), the sum over n terms in f32")
                    // Measured: 1.0 / 2.6 u.
                    : ulps(8, 0, n, "log-softmax backward: dy - exp(y) * sum(dy), one exp and a product per element");
            // Measured: 0 / 0 (relu), 0.98 / 0.98 u (leaky: alpha * s and alpha * dy are single roundings).
            case RELU, LEAKY_RELU -> ulps(1, 0, n, k + " " + d + ": exact, or one correctly rounded product by the "
                    + "slope");
            // Measured: forward 1.0 / 4.0 u, backward 1.0 / 2.8 u.
            case GELU_ERF -> ulps(8, 0, n, "gelu erf " + d + ": an f32 erf good to a few u plus the products around "
                    + "it; the negative tail against |s|, derivatives against 1 (see ErrorScales)");
            // Measured: forward 1.0 / 2.7 u, backward 1.0 / 3.2 u.
            case GELU_TANH -> ulps(8, 0, n, "gelu tanh " + d + ": an f32 tanh good to a few u plus a cubic and "
                    + "products; cancellation in 1 + t and 1 - t^2 is in the error scale");
            // Measured: forward 1.0 / 4.0 u, backward 1.0 / 2.5 u.
            case SILU -> ulps(8, 0, n, "silu " + d + ": an f32 exp and a division, a few u");
        };
    }

    /**
     * The longest sum a case's outputs depend on: the row for forward norms, the row or the batch (diffScale sums over
     * rows) for backward, the softmax axis; 1 for activations.
     */
    static long reductionLength(KernelDesc<?> desc, Direction d) {
        return switch (desc) {
            case LayerNormDesc l -> d == Direction.BACKWARD ? Math.max(l.rows(), l.cols()) : l.cols();
            case RmsNormDesc r -> d == Direction.BACKWARD ? Math.max(r.rows(), r.cols()) : r.cols();
            case SoftmaxDesc s -> s.axisLength();
            case ActivationDesc a -> 1;
        };
    }

    private static Tolerance ulps(double base, double perSqrtN, long n, String reason) {
        double units = base + perSqrtN * Math.sqrt(n);
        String formula = perSqrtN == 0 ? fmt(base) + " u"
                : "(" + fmt(base) + " + " + fmt(perSqrtN) + " sqrt(n)) u = " + fmt(units) + " u at n = " + n;
        return new Tolerance(units * U, FLOOR, reason + "; bound " + formula);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
