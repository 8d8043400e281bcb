package dev.normkit.conformance;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import java.util.Locale;

/**
 * The tolerance of every kernel direction, with its reason (benchdnn-style), in units of the f32 unit roundoff
 * {@code u = 2^-24 ~ 6e-8}: {@code maxRel = (base + perSqrtN * sqrt(n)) u}, n the length of the case's longest
 * reduction. Errors are relative to each element's error scale ({@link ErrorScales}), which already absorbs
 * cancellation; what is left is the rounding of a few operations (the base) and, for paths that sum in f32, the
 * rounding of long sums, which grows like sqrt(n) for random data (the per-sqrt(n) term).
 *
 * <p>Each bound sits about 1.5-2x above the worst error any path showed on the default corpus; the measured worst case
 * per path is in the comment next to it (scalar / vector / onednn, in u, with the case it came from where it matters).
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
        return switch (k.family()) {
            // Scalar sums in double; vector centres on a first mean and sums in f32 lanes, then repairs in double;
            // oneDNN sums in f32 and saves the variance, converted to rstd. Measured: forward 0.8 / 3.0 / 3.4 u,
            // training 1.0 / 3.0 / 6.9 u (mean, rstd, dst), backward 3.9 / 3.2 / 3.9 u.
            case LAYER_NORM -> ulps(d == Direction.FORWARD_TRAINING ? 12 : 8, 0, n, "layer norm " + d + ": a few "
                    + "roundings per element (centre, scale, affine) on statistics good to a few u");
            // Measured: forward and training 1.0 / 3.9 / 4.3 u, backward 3.3 / 3.3 / 3.3 u.
            case RMS_NORM -> ulps(8, 0, n, "rms norm " + d + ": a few roundings per element on a mean of squares "
                    + "good to a few u");
            case SOFTMAX -> d == Direction.FORWARD
                    // Measured: 1.0 / 67.4 / 69.3 u, both at 1000x17 along axis 0: 1000 strided terms summed one by
                    // one in f32; contiguous rows 9.8 / 9.4 u. The sum's relative error reaches every element.
                    ? ulps(8, 4, n, "softmax forward: exp (a few u) divided by a sum of n positive terms in f32")
                    // Measured: 1.0 / 24.3 / 24.3 u (1000x17 along axis 0).
                    : ulps(8, 1, n, "softmax backward: y * (dy - sum(dy * y)), the sum over n terms in f32");
            case LOG_SOFTMAX -> d == Direction.FORWARD
                    // Measured: 0.9 / 46.8 u (1000x17 along axis 0) / 62.6 u (64x30x512 along axis 1): oneDNN's log
                    // is off by ~3e-6 absolute, whatever n.
                    ? ulps(128, 1, n, "log-softmax forward: (x - max) - log(sum); oneDNN's f32 log is good to "
                            + "~1e-6 relative, and the sum of n terms rounds in f32")
                    // Measured: 1.0 / 3.8 / 3.8 u.
                    : ulps(8, 0, n, "log-softmax backward: dy - exp(y) * sum(dy), one exp and a product per element");
            case ACTIVATION -> activation(k.activation().orElseThrow(), d);
            // Measured (n up to 25088): forward 1.0 / 2.3 / 3.5 u; backward 1.4 / 2.8 / 3.9 u; training 1.3 / 3.4 u
            // (Java paths, variance) and on onednn up to 98 u (variance), 40 u (dst), 23 u (mean), all at
            // 8x56x56x16 NHWC: oneDNN sums each channel's n values in f32, and that error grows like sqrt(n).
            case BATCH_NORM -> d == Direction.FORWARD_TRAINING
                    ? ulps(12, 1, n, "batch norm training forward: statistics of n = N*H*W values summed in f32 "
                            + "(onednn) err by ~sqrt(n) u, and dst inherits them")
                    : ulps(8, 0, n, "batch norm " + d + ": as layer norm per channel, on statistics given in f32");
            // Measured: forward and training 1.0 / 4.1 / 24.7 u (onednn's dst at 1x320x32x32 on the 1e4 offset,
            // n = 10240: its f32 group sums), backward 2.5 / 2.1 / 3.8 u; the same at avx2 and avx512_core_bf16.
            case GROUP_NORM -> d == Direction.BACKWARD
                    ? ulps(8, 0, n, "group norm backward: as layer norm per (sample, group), on statistics given in f32")
                    : ulps(12, 1, n, "group norm " + d + ": statistics of n = C/G*H*W values summed in f32 (onednn) "
                            + "err by ~sqrt(n) u, and dst inherits them");
            // Group norm with G = C on every path (and batch-norm inference from running statistics): the same
            // bounds with n = H*W. Measured: see test/CONFORMANCE.md.
            case INSTANCE_NORM -> d == Direction.BACKWARD
                    ? ulps(8, 0, n, "instance norm backward: as group norm with G = C, on statistics given in f32")
                    : ulps(12, 1, n, "instance norm " + d + ": statistics of n = H*W values summed in f32 (onednn) "
                            + "err by ~sqrt(n) u, and dst and the running statistics inherit them");
            case WEIGHT_NORM -> WeightTolerances.weightNorm(d, n);
            case SPECTRAL_NORM -> WeightTolerances.spectralNorm(d, n);
            // Measured (n = window terms, up to 125; scalar / vector / onednn): forward 1.0 / 4.6 / 4.8 u, backward
            // 1.4 / 5.4 / 5.8 u, NCHW and NHWC; vector the same at 512, 256 and 128 bits (its lanes never share a
            // sum, so its sums do not depend on the width). Vector beta 0.75 (square roots) forward 4.2-4.6 u,
            // backward 5.1-5.4 u; other beta (exp(-beta log w), VectorMath's repeatable log and exp) forward 9.7 u,
            // backward 7.2 u, at beta 0.5 on the 1e4 offset (w ~ 1e8: the log's rounding, ~u of |log w| ~ 18, times
            // beta) (test/CONFORMANCE.md).
            case LRN -> d == Direction.BACKWARD
                    ? ulps(12, 0, n, "lrn backward: two powers, the window sums of squares and of the holders' terms "
                            + "(n of them, positive) in f32, and a difference measured against its terms' magnitudes; "
                            + "a beta other than 0.75 is exp(-beta log w), off by ~beta |log w| u")
                    : ulps(16, 0, n, "lrn forward: a power of a window sum of n positive squares (f32 sums lose "
                            + "~u each, and beta scales that) times x; a beta other than 0.75 is exp(-beta log w), "
                            + "off by ~beta |log w| u");
            // Scalar computes in double (1.0 u); vector sums in f32 and takes other p through SVML log and exp.
            // Measured (512 / 256 / 128 bits): forward 11.1 / 11.7 / 8.7 u, backward 13.9 / 15.4 / 9.9 u, all at
            // p = 0.3 (16x17 huge_tiny, uniform, normal); p = 2 alone: forward 3.4 u, backward 3.7 u.
            // Across channels (n = localSize forward; scalar / vector, the same at 512, 256 and 128 bits: lanes are
            // positions): forward 1.0 / 11.8 u (p = 0.3, 2x13x13x96 NHWC huge_tiny), 3.8 u for p = 1, 2, inf;
            // backward 1.0 / 22.7 u (p = 0.3, 1e4 offset: exp of (p - 1) log(|x| / n) + log|w|, whose argument's
            // rounding grows with |log w|), 7.3 u for p = 1, 2, inf.
            case L2_NORMALIZE, DIVISIVE_NORM -> d == Direction.FORWARD
                    ? ulps(24, 0, n, k + " forward: x * (g / D) on a norm good to a few u; for p other than 1, 2, inf "
                            + "|x|^p = exp(p log|x|) in f32 (VectorMath's repeatable exp and log, 1 ulp each) errs by ~p |log t| u "
                            + "per term")
                    : ulps(32, 0, n, k + " backward: dy and the norm term s / D * dn/dx, each a few u; for other p "
                            + "(|x|/n)^(p-1) through exp and log, whose error grows with |log(|x|/n)|");
        };
    }

    /** An activation's tolerance; n is 1 (no reductions). */
    private static Tolerance activation(Activation a, Direction d) {
        String name = a.kernelName() + " " + d;
        return switch (a) {
            // Measured: 0 / 0 / 0 (relu), 1.0 / 1.0 / 1.0 u (leaky: alpha * s and alpha * dy, single roundings).
            case RELU, LEAKY_RELU -> ulps(1, 0, 1, name + ": exact, or one correctly rounded product by the slope");
            // Measured: forward 1.0 / 4.1 / 9.5 u, backward 1.0 / 2.8 / 5.0 u.
            case GELU_ERF -> ulps(16, 0, 1, name + ": an f32 erf (oneDNN's to ~5 u) plus the products around it; "
                    + "the negative tail against |s|, derivatives against 1 (see ErrorScales)");
            // Measured: forward 1.0 / 2.7 / 2.6 u, backward 1.0 / 3.2 / 3.7 u.
            case GELU_TANH -> ulps(8, 0, 1, name + ": an f32 tanh good to a few u plus a cubic and products; "
                    + "cancellation in 1 + t and 1 - t^2 is in the error scale");
            // Measured: forward 1.0 / 3.6 / 5.8 u, backward 1.0 / 2.5 / 4.3 u.
            case SILU, SWISH -> ulps(12, 0, 1, name + ": an f32 exp and a division, a few u");
            // ---- piecewise linear
            // Measured: 0 / 0 / 0 (onednn where it has them): compares and blends, dy times 0 or 1.
            case RELU6, HARDTANH, CLIP, CLIP_V2, HARDSHRINK, ABS, ROUND -> ulps(1, 0, 1,
                    name + ": exact (compares and blends; the derivative is 0, +-1)");
            // Measured: 1.0 / 1.0 (softshrink forward), 0 elsewhere; linear 0 / 0 / 0 at its defaults (a = 1, b = 0).
            case SOFTSHRINK, LINEAR -> ulps(2, 0, 1, name + ": one correctly rounded operation (s -+ lambd; a s + b "
                    + "fused), two on a path that does not fuse a s + b");
            // Measured: forward 1.0 / 1.0 u, backward 1.0 / 1.0 u.
            case LEAKY_HARDTANH -> ulps(2, 0, 1, name + ": one fused multiply-add (hardtanh(s) + k s, dy k + dy)");
            // Measured: forward 1.0 / 2.9 u, backward 1.0 / 1.9 u.
            case LEAKY_HARDTANH_INVERSE -> ulps(4, 0, 1, name + ": (y -+ 1) times a rounded 1 / k or 1 / (1 + k)");
            // Measured: forward 1.0 / 2.0 / 1.1 u, backward 0.1 / 0.2 / 0.2 u (onednn's kink inputs excused:
            // OneDnnHardKinks).
            case HARDSIGMOID -> ulps(4, 0, 1, name + ": (s + 3) times a rounded 1/6 (onednn: s/6 + 1/2, held "
                    + "against its terms, see ErrorScales)");
            // Measured: forward 1.0 / 2.9 / 2.0 u, backward 1.0 / 3.0 / 2.4 u (onednn's kink inputs excused).
            case HARDSWISH -> ulps(6, 0, 1, name + ": s (s + 3) / 6 with a rounded 1/6, two products; "
                    + "derivative (2s + 3) / 6, against its terms");
            // ---- exponential family
            case ELU, SELU, CELU, SOFTPLUS, SIGMOID, LOG_SIGMOID, TANH, TANHSHRINK, MISH, EXP, LOG ->
                    ExpFamilyTolerances.of(a, d, name);
            // ---- others
            // Measured (scalar / vector / onednn, 512 and 256 bits, AVX2 and avx512): forward 1.0 / 1.0 / 1.0 u,
            // backward 1.0 / 2.0 / 2.4 u, from dst 1.0 / 1.0 / 2.0 u.
            case SQRT -> ulps(4, 0, 1, name + ": a correctly rounded sqrt, then a doubling and one division");
            // Measured: 1.0 / 1.0 / 1.0 u both ways.
            case SQUARE -> ulps(2, 0, 1, name + ": one or two correctly rounded products");
            // Measured: forward 1.0 / 2.0 u, backward 1.0 / 3.9 u (no onednn).
            case SOFTSIGN -> ulps(8, 0, 1, name + ": 1 + |s| rounded, then one (forward) or two (backward) divisions");
            // Measured (b = 3, and the corpus variants b = 0.5, 1.5, -0.5, 5, 0, 1, -2): forward 1.0 / 2.9 / 1.0 u,
            // backward 1.0 / 3.9 / 3.5 u; onednn's backward where its intermediates leave the float range is excused
            // (OneDnnPowerDerivatives).
            case POW -> ulps(8, 0, 1, name + ": up to five correctly rounded products or quotients, or an f32 pow "
                    + "(1 ulp) on halves of the exponent times the scale");
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
            case BatchNormDesc b -> b.perChannel();
            case LrnDesc l -> l.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS ? l.localSize()
                    : (long) l.divisor();
            case GroupNormDesc g -> d == Direction.BACKWARD
                    ? Math.max(g.groupSize(), g.batch() * g.spatial()) : g.groupSize();
            case InstanceNormDesc i -> d == Direction.BACKWARD ? i.batch() * i.spatial() : i.spatial();
            case WeightNormDesc w -> w.outer() * w.inner();
            case SpectralNormDesc s -> Math.max(s.rows(), s.cols());
            // diff_gain sums over every element; diff_src and dst over a row.
            case L2NormalizeDesc l -> l.cols();
            case DivisiveNormDesc v -> d == Direction.BACKWARD ? v.shape().elementCount()
                    : v.acrossChannels() ? v.localSize() : v.cols();
        };
    }

    static Tolerance ulps(double base, double perSqrtN, long n, String reason) {
        double units = base + perSqrtN * Math.sqrt(n);
        String formula = perSqrtN == 0 ? fmt(base) + " u"
                : "(" + fmt(base) + " + " + fmt(perSqrtN) + " sqrt(n)) u = " + fmt(units) + " u at n = " + n;
        return new Tolerance(units * U, FLOOR, reason + "; bound " + formula);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
