package dev.normkit.conformance;

import dev.normkit.DivisiveNormDesc;
import dev.normkit.L2NormalizeDesc;

/**
 * l2_normalize and divisive_norm in float64, straight from the formulas: the norm as {@code (sum |x|^p)^(1/p)} summed
 * directly (no scaling: f32 inputs raised to the corpus's p, at most 3.2, stay inside double's range), the gradient of
 * the norm as PyTorch's {@code norm_backward} writes it per range of p. Both kernels are {@code y = c x / D(n)};
 * l2_normalize has {@code c = 1}, {@code D = max(n, eps)}, {@code D' = [n >= eps]} (autograd's clamp_min), divisive
 * norm {@code c = g}, {@code D = sigma + n}, {@code D' = 1}.
 */
public final class PNormReference {
    private PNormReference() {}

    /** Backward outputs: diffSrc, and d loss / d c summed over rows. */
    public record Backward(double[] diffSrc, double diffGain) {}

    /** The rows' divisors and the kernel's constants, from a descriptor. */
    record Form(int rows, int cols, double p, double gain, double floor, double sigma) {
        static Form of(L2NormalizeDesc d) {
            return new Form(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), d.p(), 1, d.eps(), 0);
        }

        static Form of(DivisiveNormDesc d) {
            return new Form(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), d.p(), d.gain(), 0, d.sigma());
        }

        /** {@code max(n, floor) + sigma}, NaN for a NaN norm (as torch's clamp_min). */
        double divisor(double n) {
            return Double.isNaN(n) ? n : Math.max(n, floor) + sigma;
        }

        double slope(double n) {
            return n >= floor ? 1 : 0;
        }
    }

    public static double[] forward(L2NormalizeDesc d, double[] x) {
        return forward(Form.of(d), x);
    }

    public static double[] forward(DivisiveNormDesc d, double[] x) {
        return forward(Form.of(d), x);
    }

    public static Backward backward(L2NormalizeDesc d, double[] x, double[] dy) {
        return backward(Form.of(d), x, dy);
    }

    public static Backward backward(DivisiveNormDesc d, double[] x, double[] dy) {
        return backward(Form.of(d), x, dy);
    }

    /** {@code ||x||_p} of {@code cols} values from {@code base}: NaN if any is NaN, else +inf if any is infinite. */
    static double norm(double[] x, int base, int cols, double p) {
        double max = 0;
        double sum = 0;
        for (int i = base; i < base + cols; i++) {
            double a = Math.abs(x[i]);
            if (Double.isNaN(a)) return Double.NaN;
            max = Math.max(max, a);
            sum += Math.pow(a, p);
        }
        if (p == Double.POSITIVE_INFINITY || Double.isInfinite(max)) return max;
        return Math.pow(sum, 1 / p);
    }

    /**
     * {@code dn/dx} as torch's norm_backward: p = inf: {@code sign(x) [|x| == n] / ties}; {@code p < 1}:
     * {@code sign(x) |x|^(p-1) n^(1-p)}, 0 at x = 0; p = 1: {@code sign(x)}; {@code 1 < p < 2}:
     * {@code sign(x) |x|^(p-1) / n^(p-1)}; p = 2: {@code x / n}; {@code p > 2}: {@code x |x|^(p-2) / n^(p-1)}; all 0
     * for a zero norm.
     */
    static double normGradient(double x, double n, double p, int ties) {
        if (n == 0) return 0;
        if (p == Double.POSITIVE_INFINITY) return Math.abs(x) == n ? Math.signum(x) / ties : 0;
        if (p < 1) return x == 0 ? 0 : Math.signum(x) * Math.pow(Math.abs(x), p - 1) * Math.pow(n, 1 - p);
        if (p == 1) return Math.signum(x);
        if (p < 2) return Math.signum(x) * Math.pow(Math.abs(x), p - 1) / Math.pow(n, p - 1);
        if (p == 2) return x / n;
        return x * Math.pow(Math.abs(x), p - 2) / Math.pow(n, p - 1);
    }

    static int ties(double[] x, int base, int cols, double n) {
        int t = 0;
        for (int i = base; i < base + cols; i++) {
            if (Math.abs(x[i]) == n) t++;
        }
        return Math.max(t, 1);
    }

    static double[] forward(Form f, double[] x) {
        double[] y = new double[x.length];
        for (int r = 0; r < f.rows; r++) {
            int base = r * f.cols;
            double d = f.divisor(norm(x, base, f.cols, f.p));
            for (int i = base; i < base + f.cols; i++) y[i] = f.gain * x[i] / d;
        }
        return y;
    }

    /**
     * {@code dx_i = c dy_i / D - c D' s / D^2 * dn/dx_i}, s = sum dy x; the second term exactly 0 where D' = 0 or the row
     * is zero (normkit's convention: the norm's gradient there is 0, so {@code dx = c dy / D}, infinite for D = 0).
     */
    static Backward backward(Form f, double[] x, double[] dy) {
        double[] dx = new double[x.length];
        double diffGain = 0;
        for (int r = 0; r < f.rows; r++) {
            int base = r * f.cols;
            double n = norm(x, base, f.cols, f.p);
            double d = f.divisor(n);
            double slope = f.slope(n);
            double s = 0;
            for (int i = base; i < base + f.cols; i++) s += dy[i] * x[i];
            diffGain += s / d;
            int ties = ties(x, base, f.cols, n);
            for (int i = base; i < base + f.cols; i++) {
                double normTerm = slope == 0 || n == 0 ? 0 : f.gain * s / (d * d) * normGradient(x[i], n, f.p, ties);
                dx[i] = f.gain * dy[i] / d - normTerm;
            }
        }
        return new Backward(dx, diffGain);
    }

    /**
     * Error scales of backward ({@link ErrorScales}' rule, every term made absolute): diffSrc
     * {@code |c/D| (|dy| + D' sum|dy x| / |D| |dn/dx|)}; diffGain {@code sum over rows sum|dy x| / |D|}. Forward has
     * none: {@code y = c x / D} does not cancel, |y| is its scale.
     */
    static double[][] backwardScales(Form f, double[] x, double[] dy) {
        double[] dx = new double[x.length];
        double gain = 0;
        for (int r = 0; r < f.rows; r++) {
            int base = r * f.cols;
            double n = norm(x, base, f.cols, f.p);
            double d = Math.abs(f.divisor(n));
            double sAbs = 0;
            for (int i = base; i < base + f.cols; i++) sAbs += Math.abs(dy[i] * x[i]);
            gain += sAbs / d;
            int ties = ties(x, base, f.cols, n);
            for (int i = base; i < base + f.cols; i++) {
                double w = f.slope(n) == 0 ? 0 : Math.abs(normGradient(x[i], n, f.p, ties));
                dx[i] = Math.abs(f.gain) / d * (Math.abs(dy[i]) + sAbs / d * w);
            }
        }
        return new double[][] {dx, {gain}};
    }
}
