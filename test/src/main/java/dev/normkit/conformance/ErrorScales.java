package dev.normkit.conformance;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;

/**
 * The scale each output element's error is measured against: the same formula as the reference with every term
 * replaced by its absolute value (the magnitude of what is added up before any cancellation). Floating-point error is
 * proportional to that, not to the result: {@code sum(dy)} over 8192 rows is ~90 while f32 rounding of its partial
 * sums is ~u * 8192, and {@code gelu(-5) = 0.5 * -5 * (1 + erf(-3.5))} is ~1e-6 while an f32 erf is off by ~u.
 * Dividing by this scale makes one tolerance, a few u, fit every shape and input family of a kernel direction; where
 * there is no cancellation the scale is the result itself (a relative error).
 *
 * <p>Outputs without a scale are measured against {@code |ref|}: relu (exact), rms-norm dst and rstd, softmax dst,
 * silu dst.
 */
final class ErrorScales {
    private ErrorScales() {}

    /** tanh u rounds to +-1 in f32 beyond this |u| (1 - tanh 9.5 = 1.1e-8, below half an ulp of 1). */
    static final double TANH_SATURATES = 9.5;
    /** sigmoid z rounds to 1 in f32 beyond this z (1 - sig 18 = 1.5e-8). */
    static final double SIGMOID_SATURATES = 18.0;

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_TANH_CUBIC = 0.044715;
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    /**
     * Layer norm dst: {@code (|x - mu| + mean|x|) * rstd * |gamma| + |beta|}; the {@code mean|x|} term is the scale of
     * the mean's own rounding, which every element inherits. Mean: {@code mean|x|}. Rstd:
     * {@code rstd * (1 + u mean|x|^2 rstd^2 / 2)}: a path that centres on a mean rounded to f32 (off by up to
     * {@code u |mean|}) adds that error squared to the variance, a second-order term that matters only for a large
     * common offset over a small spread.
     */
    static double[][] layerNormForward(LayerNormDesc d, double[] x, double[] gamma, double[] beta,
            LayerNormReference.Forward f) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] dst = new double[x.length];
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double absSum = 0;
            for (int c = 0; c < cols; c++) absSum += Math.abs(x[base + c]);
            mean[r] = absSum / cols;
            double rs = f.rstd()[r];
            rstd[r] = rs * (1 + Tolerances.U * mean[r] * mean[r] * rs * rs / 2);
            for (int c = 0; c < cols; c++) {
                double m = (Math.abs(x[base + c] - f.mean()[r]) + mean[r]) * f.rstd()[r];
                if (gamma != null) m *= Math.abs(gamma[c]);
                if (beta != null) m += Math.abs(beta[c]);
                dst[base + c] = m;
            }
        }
        return new double[][] {dst, mean, rstd};
    }

    /**
     * Layer norm backward: {@code rstd * (|g| + mean|g| + |xhat| * mean|g * xhat|)}, {@code sum_rows |dy * xhat|},
     * {@code sum_rows |dy|}.
     */
    static double[][] layerNormBackward(LayerNormDesc d, double[] x, double[] dy, double[] gamma, double[] mean,
            double[] rstd) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] dx = new double[x.length];
        double[] dScale = new double[cols];
        double[] dShift = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sumG = 0;
            double sumGXhat = 0;
            for (int c = 0; c < cols; c++) {
                double xhat = Math.abs((x[base + c] - mean[r]) * rstd[r]);
                double g = Math.abs(dy[base + c] * (gamma != null ? gamma[c] : 1.0));
                sumG += g;
                sumGXhat += g * xhat;
                dScale[c] += Math.abs(dy[base + c]) * xhat;
                dShift[c] += Math.abs(dy[base + c]);
            }
            for (int c = 0; c < cols; c++) {
                double xhat = Math.abs((x[base + c] - mean[r]) * rstd[r]);
                double g = Math.abs(dy[base + c] * (gamma != null ? gamma[c] : 1.0));
                dx[base + c] = Math.abs(rstd[r]) * (g + sumG / cols + xhat * sumGXhat / cols);
            }
        }
        return new double[][] {dx, dScale, dShift};
    }

    /**
     * RMS norm backward: {@code rstd * (|g| + mean|g| + |xhat| * mean|g * xhat|)}, {@code sum_rows |dy * xhat|}. The
     * exact formula has no {@code mean(g)}, but the onednn path runs oneDNN 3.13's backward, which subtracts it as layer
     * norm does, and adds {@code rstd * mean(g)} back (kernels-native/NATIVE.md); those terms round too.
     */
    static double[][] rmsNormBackward(RmsNormDesc d, double[] x, double[] dy, double[] gamma, double[] rstd) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] dx = new double[x.length];
        double[] dScale = new double[cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sumG = 0;
            double sumGXhat = 0;
            for (int c = 0; c < cols; c++) {
                double xhat = Math.abs(x[base + c] * rstd[r]);
                double g = Math.abs(dy[base + c] * (gamma != null ? gamma[c] : 1.0));
                sumG += g;
                sumGXhat += g * xhat;
                dScale[c] += Math.abs(dy[base + c]) * xhat;
            }
            for (int c = 0; c < cols; c++) {
                double xhat = Math.abs(x[base + c] * rstd[r]);
                double g = Math.abs(dy[base + c] * (gamma != null ? gamma[c] : 1.0));
                dx[base + c] = Math.abs(rstd[r]) * (g + sumG / cols + xhat * sumGXhat / cols);
            }
        }
        return new double[][] {dx, dScale};
    }

    /**
     * Log-softmax dst {@code (x - m) - lse}: {@code |x - m| + lse + 1}, with lse read off the reference as
     * {@code (x - m) - y}. The 1: {@code lse = log S} carries the relative rounding error of the sum S (~u) as an
     * absolute error, however close S is to 1 and lse to 0 (a peaked row, where y at the maximum is -lse). Softmax dst
     * has no cancellation and gets null.
     */
    static double[] softmaxForward(SoftmaxDesc d, double[] x, double[] y) {
        if (!d.log()) return null;
        double[] s = new double[x.length];
        rows(d, (base, len, inner) -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < len; a++) m = Math.max(m, x[base + a * inner]);
            for (int a = 0; a < len; a++) {
                int k = base + a * inner;
                double shifted = x[k] - m;
                s[k] = Math.abs(shifted) + Math.abs(shifted - y[k]) + 1.0;
            }
        });
        return s;
    }

    /** Softmax backward {@code y * (|dy| + sum|dy * y|)}; log-softmax {@code |dy| + exp(y) * sum|dy|}. */
    static double[] softmaxBackward(SoftmaxDesc d, double[] y, double[] dy) {
        double[] s = new double[y.length];
        rows(d, (base, len, inner) -> {
            double sum = 0;
            for (int a = 0; a < len; a++) {
                int k = base + a * inner;
                sum += d.log() ? Math.abs(dy[k]) : Math.abs(dy[k] * y[k]);
            }
            for (int a = 0; a < len; a++) {
                int k = base + a * inner;
                s[k] = d.log() ? Math.abs(dy[k]) + Math.exp(y[k]) * sum : Math.abs(y[k]) * (Math.abs(dy[k]) + sum);
            }
        });
        return s;
    }

    /**
     * gelu dst {@code 0.5 s (1 + e)}, e = erf or tanh: {@code 0.5 |s| (1 + |e|)}, which is {@code |s| - |y|} for s < 0
     * and {@code |y|} otherwise: the negative tail is held to u times |s|, the scale of the product that forms it.
     * relu and silu have no cancellation and get null.
     */
    static double[] activationForward(ActivationDesc d, double[] s, double[] y) {
        return switch (d.activation()) {
            case GELU_ERF, GELU_TANH -> {
                double[] m = new double[s.length];
                for (int i = 0; i < s.length; i++) m[i] = Math.max(Math.abs(y[i]), Math.abs(s[i]) - Math.abs(y[i]));
                yield m;
            }
            // oneDNN evaluates alpha s + beta = s/6 + 1/2 in f32 (PyTorch (s + 3) / 6), which cancels near s = -3:
            // hardsigmoid is held against its terms |s|/6 + 1/2, hardswish s (s/6 + 1/2) against |s| (|s|/6 + 1/2).
            case HARDSIGMOID, HARDSWISH -> {
                boolean swish = d.activation() == Activation.HARDSWISH;
                double[] m = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    double terms = Math.abs(s[i]) < 3 ? Math.abs(s[i]) / 6 + 0.5 : 0;
                    m[i] = Math.max(Math.abs(y[i]), swish ? Math.abs(s[i]) * terms : terms);
                }
                yield m;
            }
            // a s + b cancels where a s is near -b: its terms |a s| + |b| (a path need not fuse the two)
            case LINEAR -> {
                double[] m = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    m[i] = Math.max(Math.abs(y[i]), Math.abs(d.alpha() * s[i]) + Math.abs(d.beta()));
                }
                yield m;
            }
            // alpha (e^s - 1) for s < 0: a path that forms e^s and subtracts 1 (oneDNN does; the Java paths use
            // expm1) is exact to u times the term |alpha e^s|, not relatively, near 0. Held against that term.
            case ELU, SELU -> {
                double scale = d.activation() == Activation.SELU ? ExpFamilyReference.SELU_SCALE : 1.0;
                double alpha = d.activation() == Activation.SELU ? ExpFamilyReference.SELU_ALPHA : d.alpha();
                double[] m = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    m[i] = s[i] < 0 ? Math.max(Math.abs(y[i]), scale * Math.abs(alpha) * Math.exp(s[i])) : Math.abs(y[i]);
                }
                yield m;
            }
            default -> null;
        };
    }

    /**
     * {@code |dy| * max(1, derivative terms)}. A derivative of these activations is O(1) (within [-0.2, 1.2]), so its
     * error is measured against at least 1: an f32 path is held to u absolute on it, however small the exact value
     * in a tail. The terms are those of docs/kernels.md's formulas as an f32 path evaluates them:
     * <ul>
     *   <li>gelu tanh: {@code 0.5 (1 + t) + 0.5 s (1 - t^2) k (1 + 3c s^2)}; {@code 1 - t^2} cancels to the scale
     *       {@code 1 + t^2} while t = tanh u is below 1 in f32, and is exactly 0 beyond ({@value #TANH_SATURATES}),
     *       where only its exact value remains;</li>
     *   <li>silu: {@code sig (1 + a s (1 - sig))}; {@code 1 - sig} cancels to the scale {@code 1 + sig} while sig is
     *       below 1 in f32 (z below {@value #SIGMOID_SATURATES});</li>
     *   <li>gelu erf: {@code 0.5 (1 + erf) + s phi(s)}: {@code 0.5 (1 + |erf|) + |s| phi(s)}, at most 1.2.</li>
     * </ul>
     */
    static double[] activationBackward(ActivationDesc d, double[] s, double[] dy) {
        double[] m = new double[s.length];
        boolean relative = relativeDerivative(d.activation());
        for (int i = 0; i < s.length; i++) {
            double terms = derivativeTerms(d, s[i]);
            m[i] = Math.abs(dy[i]) * (relative ? terms : Math.max(1.0, terms));
        }
        return m;
    }

    /**
     * sqrt, square, softsign and pow: a derivative that is a single power, product or quotient of s, with no O(1)
     * bound and no cancellation, so it is held relative to its own magnitude {@code |dy f'|}, not against 1.
     */
    private static boolean relativeDerivative(Activation a) {
        return a == Activation.SQRT || a == Activation.SQUARE || a == Activation.SOFTSIGN || a == Activation.POW;
    }

    private static double derivativeTerms(ActivationDesc d, double s) {
        // At +-infinity the derivative's finite limit is the scale (slopes above 1 there: 1 / k, |a|, selu's scale);
        // an infinite or NaN one leaves |dy|.
        if (Double.isInfinite(s)) {
            double limit = Math.abs(ActivationReference.derivative(d, s));
            return Double.isFinite(limit) ? limit : 0;
        }
        if (Double.isNaN(s)) return 0;
        return switch (d.activation()) {
            case GELU_TANH -> {
                double u = ActivationReference.geluTanhArgument(s);
                double t = Math.tanh(u);
                double oneMinusT2 = Math.abs(u) < TANH_SATURATES ? 1 + t * t : 1 - t * t;
                yield 0.5 * (1 + Math.abs(t)) + 0.5 * Math.abs(s) * oneMinusT2 * SQRT_2_OVER_PI
                        * (1 + 3 * GELU_TANH_CUBIC * s * s);
            }
            case SILU, SWISH -> {
                double beta = d.activation() == Activation.SILU ? 1.0 : d.alpha();
                double z = ActivationReference.siluArgument(beta, s);
                double sig = ActivationReference.sigmoid(z);
                double oneMinusSig = z < SIGMOID_SATURATES ? 1 + sig : ActivationReference.sigmoid(-z);
                yield sig + Math.abs(beta * s) * sig * oneMinusSig;
            }
            case GELU_ERF -> 0.5 * (1 + Math.abs(Erf.erf(s * SQRT_HALF)))
                    + Math.abs(s) * Math.exp(-0.5 * s * s) / SQRT_2PI;
            case RELU -> s > 0 ? 1 : 0;
            case LEAKY_RELU -> Math.abs(d.alpha()) + (s > 0 ? 1 : 0);
            // ---- piecewise linear
            // slopes 0 or 1: the product dy * slope against |dy|
            case RELU6, HARDTANH, CLIP, CLIP_V2, HARDSHRINK, SOFTSHRINK, ABS -> 1;
            case LEAKY_HARDTANH -> 1.0 + d.alpha(); // in double: 1 + k rounded in f32 is below the slope
            // the slope itself, 1 / (1 + k) or 1 / k (about 33 for the default k): no cancellation, so its size
            case LEAKY_HARDTANH_INVERSE -> ActivationReference.derivative(d, s);
            case HARDSIGMOID -> 1.0 / 6.0;
            // s/3 + 1/2 cancels near s = -1.5: its terms
            case HARDSWISH -> Math.abs(s) <= 3 ? Math.abs(s) / 3 + 0.5 : 1;
            case LINEAR -> Math.abs(d.alpha());
            case ROUND -> throw new IllegalArgumentException("desc: round has no backward");
            // ---- exponential family
            // No cancellation in these: the derivative's own magnitude (elu, selu: scale alpha e^s can exceed 1).
            case ELU, SELU, CELU, SOFTPLUS, SIGMOID, LOG_SIGMOID, TANH, TANHSHRINK ->
                    Math.abs(ActivationReference.derivative(d, s));
            // tanh(sp) + s sech^2(sp) sigmoid(s), sp = softplus(s): the two terms cancel where mish has its minimum
            // (s = -1.19), so the derivative is held against their magnitudes.
            case MISH -> {
                double sp = s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
                double c = Math.cosh(sp);
                yield Math.tanh(sp) + Math.abs(s) / (c * c) * ActivationReference.sigmoid(s);
            }
            // e^s and 1/s are unbounded: a product with them is held to u relative, |dy f'| itself.
            case EXP, LOG -> Math.abs(ActivationReference.derivative(d, s));
            // ---- others
            // single products and quotients, no cancellation: |f'| itself (powers of s are not O(1), see above)
            case SQRT -> 0.5 / Math.sqrt(s);
            case SQUARE -> 2 * Math.abs(s);
            case SOFTSIGN -> 1 / ((1 + Math.abs(s)) * (1 + Math.abs(s)));
            case POW -> d.beta() == 0 ? 0 : Math.abs(d.alpha() * d.beta() * Math.pow(Math.abs(s), d.beta() - 1));
        };
    }

    @FunctionalInterface
    private interface RowAction {
        void row(int base, int len, int inner);
    }

    private static void rows(SoftmaxDesc d, RowAction action) {
        int outer = Math.toIntExact(d.outer());
        int len = Math.toIntExact(d.axisLength());
        int inner = Math.toIntExact(d.inner());
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) action.row(o * len * inner + i, len, inner);
        }
    }

    /**
     * Batch norm forward, per channel as layer norm per row: dst {@code (|x - mu| + s) * rstd * |gamma| + |beta|} with
     * {@code s = mean|x|} in training (the mean's own rounding, which every element inherits) and {@code |mu|} in
     * inference (a path may fold the given mean into the shift); mean {@code mean|x|}; variance
     * {@code var + n u mean|x|^2}: a path centring on a mean summed in f32 (oneDNN) adds that mean's error squared,
     * and the error of an f32 sum of n terms reaches {@code sqrt(n) u mean|x|}. Still second order: a variance from
     * {@code E[x^2] - mean^2} in f32 (off by {@code u mean|x|^2}) fails for any n below ~1/(16 u) = 1e6.
     */
    static double[][] batchNormForward(BatchNormDesc d, boolean training, double[] x, double[] gamma,
            double[] beta, BatchNormReference.Forward f) {
        int channels = Math.toIntExact(d.channels());
        int n = Math.toIntExact(d.perChannel());
        double[] dst = new double[x.length];
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        for (int c = 0; c < channels; c++) {
            double absSum = 0;
            for (int m = 0; m < n; m++) absSum += Math.abs(x[BatchNormReference.element(d, c, m)]);
            mean[c] = absSum / n;
            variance[c] = Math.abs(f.variance()[c]) + n * Tolerances.U * mean[c] * mean[c];
            double rstd = 1.0 / Math.sqrt(f.variance()[c] + d.eps());
            double s = training ? mean[c] : Math.abs(f.mean()[c]);
            for (int m = 0; m < n; m++) {
                int k = BatchNormReference.element(d, c, m);
                double v = (Math.abs(x[k] - f.mean()[c]) + s) * rstd;
                if (gamma != null) v *= Math.abs(gamma[c]);
                if (beta != null) v += Math.abs(beta[c]);
                dst[k] = v;
            }
        }
        return new double[][] {dst, mean, variance};
    }

    /** Running statistics: {@code (1 - m)|running| + m scale(batch)}, the variance's term times n / (n - 1). */
    static double[][] batchNormRunning(BatchNormDesc d, double[] runningMean, double[] runningVar,
            double[] meanScale, double[] varianceScale) {
        double m = d.momentum();
        double n = d.perChannel();
        double[] rm = new double[runningMean.length];
        double[] rv = new double[runningVar.length];
        for (int c = 0; c < rm.length; c++) {
            rm[c] = (1 - m) * Math.abs(runningMean[c]) + m * meanScale[c];
            rv[c] = (1 - m) * Math.abs(runningVar[c]) + m * varianceScale[c] * n / (n - 1);
        }
        return new double[][] {rm, rv};
    }

    /**
     * Batch norm backward, per channel: {@code |gamma| rstd (|g| + mean|g| + |xhat| mean|g xhat|)},
     * {@code sum|g xhat|}, {@code sum|g|}, with g the (masked) diff_dst.
     */
    static double[][] batchNormBackward(BatchNormDesc d, double[] x, double[] dy, double[] gamma, double[] mean,
            double[] variance, double[] dst) {
        double[] absDy = new double[dy.length];
        for (int i = 0; i < dy.length; i++) absDy[i] = dst != null && dst[i] <= 0 ? 0.0 : Math.abs(dy[i]);
        int channels = Math.toIntExact(d.channels());
        int n = Math.toIntExact(d.perChannel());
        double[] dx = new double[x.length];
        double[] dScale = new double[channels];
        double[] dShift = new double[channels];
        for (int c = 0; c < channels; c++) {
            double rstd = 1.0 / Math.sqrt(variance[c] + d.eps());
            double g = gamma != null ? Math.abs(gamma[c]) : 1.0;
            for (int m = 0; m < n; m++) {
                int k = BatchNormReference.element(d, c, m);
                dShift[c] += absDy[k];
                dScale[c] += absDy[k] * Math.abs(x[k] - mean[c]) * rstd;
            }
            for (int m = 0; m < n; m++) {
                int k = BatchNormReference.element(d, c, m);
                double xhat = Math.abs(x[k] - mean[c]) * rstd;
                dx[k] = g * rstd * (absDy[k] + dShift[c] / n + xhat * dScale[c] / n);
            }
        }
        return new double[][] {dx, dScale, dShift};
    }

    /** Group norm forward, per (n, g) as batch norm's training forward per channel (see batchNormForward). */
    static double[][] groupNormForward(GroupNormDesc d, double[] x, double[] gamma, double[] beta,
            GroupNormReference.Forward f) {
        int batch = Math.toIntExact(d.batch());
        int groups = Math.toIntExact(d.groups());
        int m = Math.toIntExact(d.groupSize());
        int sp = Math.toIntExact(d.spatial());
        int cpg = Math.toIntExact(d.channelsPerGroup());
        double[] dst = new double[x.length];
        double[] mean = new double[batch * groups];
        double[] variance = new double[batch * groups];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                int r = n * groups + g;
                double absSum = 0;
                for (int e = 0; e < m; e++) absSum += Math.abs(x[GroupNormReference.element(d, n, g, e)]);
                mean[r] = absSum / m;
                variance[r] = Math.abs(f.variance()[r]) + m * Tolerances.U * mean[r] * mean[r];
                double rstd = 1.0 / Math.sqrt(f.variance()[r] + d.eps());
                for (int e = 0; e < m; e++) {
                    int k = GroupNormReference.element(d, n, g, e);
                    int c = g * cpg + e / sp;
                    double v = (Math.abs(x[k] - f.mean()[r]) + mean[r]) * rstd;
                    if (gamma != null) v *= Math.abs(gamma[c]);
                    if (beta != null) v += Math.abs(beta[c]);
                    dst[k] = v;
                }
            }
        }
        return new double[][] {dst, mean, variance};
    }

    /**
     * Group norm backward, per (n, g): {@code rstd (|g| + mean|g| + |xhat| mean|g xhat|)} with {@code g = dy gamma_c};
     * {@code sum|dy xhat|}, {@code sum|dy|} per channel.
     */
    static double[][] groupNormBackward(GroupNormDesc d, double[] x, double[] dy, double[] gamma, double[] mean,
            double[] variance) {
        int batch = Math.toIntExact(d.batch());
        int groups = Math.toIntExact(d.groups());
        int m = Math.toIntExact(d.groupSize());
        int sp = Math.toIntExact(d.spatial());
        int cpg = Math.toIntExact(d.channelsPerGroup());
        int channels = Math.toIntExact(d.channels());
        double[] dx = new double[x.length];
        double[] dScale = new double[channels];
        double[] dShift = new double[channels];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                int r = n * groups + g;
                double rstd = 1.0 / Math.sqrt(variance[r] + d.eps());
                double sumG = 0;
                double sumGXhat = 0;
                for (int e = 0; e < m; e++) {
                    int k = GroupNormReference.element(d, n, g, e);
                    int c = g * cpg + e / sp;
                    double xhat = Math.abs(x[k] - mean[r]) * rstd;
                    double gg = Math.abs(dy[k] * (gamma != null ? gamma[c] : 1.0));
                    sumG += gg;
                    sumGXhat += gg * xhat;
                    dScale[c] += Math.abs(dy[k]) * xhat;
                    dShift[c] += Math.abs(dy[k]);
                }
                for (int e = 0; e < m; e++) {
                    int k = GroupNormReference.element(d, n, g, e);
                    int c = g * cpg + e / sp;
                    double xhat = Math.abs(x[k] - mean[r]) * rstd;
                    double gg = Math.abs(dy[k] * (gamma != null ? gamma[c] : 1.0));
                    dx[k] = rstd * (gg + sumG / m + xhat * sumGXhat / m);
                }
            }
        }
        return new double[][] {dx, dScale, dShift};
    }

    /**
     * Instance norm inference from running statistics, as batch-norm inference per channel:
     * {@code (|x - rm| + |rm|) * rstd * |gamma| + |beta|} (a path may fold the mean into the shift).
     */
    static double[] instanceNormFromRunning(InstanceNormDesc d, double[] x, double[] gamma, double[] beta,
            double[] runningMean, double[] runningVar) {
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        int sp = Math.toIntExact(d.spatial());
        double[] dst = new double[x.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                double rstd = 1.0 / Math.sqrt(runningVar[c] + d.eps());
                for (int s = 0; s < sp; s++) {
                    int k = InstanceNormReference.at(d, n, c, s);
                    double v = (Math.abs(x[k] - runningMean[c]) + Math.abs(runningMean[c])) * rstd;
                    if (gamma != null) v *= Math.abs(gamma[c]);
                    if (beta != null) v += Math.abs(beta[c]);
                    dst[k] = v;
                }
            }
        }
        return dst;
    }

    /**
     * Instance norm's running statistics: {@code (1 - k)|running| + k mean_n(scale(instance))}, the variance's term
     * times m / (m - 1); {@code meanScale} and {@code varianceScale} are the saved statistics' scales ({@code N x C}).
     */
    static double[][] instanceNormRunning(InstanceNormDesc d, double[] runningMean, double[] runningVar,
            double[] meanScale, double[] varianceScale) {
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        double k = d.momentum();
        double m = d.spatial();
        double[] rm = new double[channels];
        double[] rv = new double[channels];
        for (int c = 0; c < channels; c++) {
            double mu = 0;
            double var = 0;
            for (int n = 0; n < batch; n++) {
                mu += meanScale[n * channels + c] / batch;
                var += varianceScale[n * channels + c] * m / (m - 1) / batch;
            }
            rm[c] = (1 - k) * Math.abs(runningMean[c]) + k * mu;
            rv[c] = (1 - k) * Math.abs(runningVar[c]) + k * var;
        }
        return new double[][] {rm, rv};
    }
}
