package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import java.lang.foreign.MemorySegment;

/**
 * The row math the p-norm normalizations share, in double: {@code y = c x / D(n)} and its backward, where the kernel
 * says what the divisor {@code D}, its slope {@code D'} and the gain {@code c} are.
 */
final class PNormRows {
    private PNormRows() {}

    /** What differs between the kernels: the divisor of a row with norm n, and d D / d n. */
    interface Divisor {
        double of(double norm);

        double slope(double norm);
    }

    /**
     * {@code ||x||_p} of a row, free of overflow and underflow: any NaN gives NaN, else any infinity gives +inf; otherwise
     * the terms are {@code (|x_i| / max|x|)^p <= 1}, scaled back by {@code max|x|} (as LAPACK's nrm2 and hypot do).
     */
    static double norm(MemorySegment src, long row, long cols, double p) {
        double max = 0;
        boolean nan = false;
        for (long j = 0; j < cols; j++) {
            double a = Math.abs(get(src, row + j));
            if (a != a) nan = true;
            else if (a > max) max = a;
        }
        if (nan) return Double.NaN;
        if (p == Double.POSITIVE_INFINITY || max == 0 || max == Double.POSITIVE_INFINITY) return max;
        double sum = 0;
        if (p == 1) {
            for (long j = 0; j < cols; j++) sum += Math.abs(get(src, row + j));
            return sum; // no f32 row's sum of |x| overflows a double
        }
        for (long j = 0; j < cols; j++) {
            double t = Math.abs(get(src, row + j)) / max;
            sum += p == 2 ? t * t : Math.pow(t, p);
        }
        return max * (p == 2 ? Math.sqrt(sum) : Math.pow(sum, 1 / p));
    }

    /** {@code y = x * (gain / D(n))} per row; multiplying by the factor keeps 0/0 and inf/inf NaN, as dividing does. */
    static void forward(MemorySegment src, MemorySegment dst, long rows, long cols, double p, double gain,
            Divisor divisor) {
        for (long r = 0; r < rows; r++) {
            long row = r * cols;
            double k = gain / divisor.of(norm(src, row, cols, p));
            for (long j = 0; j < cols; j++) set(dst, row + j, (float) (get(src, row + j) * k));
        }
    }

    /**
     * {@code dx_i = a (dy_i - q w_i)} with {@code a = gain / D}, {@code q = D' s / D}, {@code s = sum dy x} and
     * {@code w = dn/dx} (see {@link #normGradient}); the norm term is left out where it is zero by definition (a zero
     * row, or D' = 0), as autograd's masks do. Returns {@code sum over rows s / D}, d loss / d gain.
     */
    static double backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, long rows, long cols,
            double p, double gain, Divisor divisor) {
        double diffGain = 0;
        for (long r = 0; r < rows; r++) {
            long row = r * cols;
            double n = norm(src, row, cols, p);
            double d = divisor.of(n);
            double slope = divisor.slope(n);
            double s = 0;
            for (long j = 0; j < cols; j++) s += (double) get(diffDst, row + j) * get(src, row + j);
            diffGain += s / d;
            double a = gain / d;
            boolean normTerm = n != 0 && slope != 0;
            double q = normTerm ? slope * s / d : 0;
            long ties = p == Double.POSITIVE_INFINITY && normTerm ? ties(src, row, cols, n) : 1;
            for (long j = 0; j < cols; j++) {
                double dy = get(diffDst, row + j);
                double w = normTerm ? normGradient(get(src, row + j), n, p) / ties : 0;
                set(diffSrc, row + j, (float) (a * (dy - q * w)));
            }
        }
        return diffGain;
    }

    /**
     * {@code dn/dx_i} as PyTorch's norm backward gives it: {@code sign(x) (|x|/n)^(p-1)} (0 at x = 0, also for {@code p < 1});
     * for p = inf, {@code sign(x)} where {@code |x| == n} (the caller divides by the number of such ties), else 0.
     */
    static double normGradient(double x, double n, double p) {
        if (x == 0) return 0;
        if (p == Double.POSITIVE_INFINITY) return Math.abs(x) == n ? Math.signum(x) : 0;
        if (p == 1) return Math.signum(x);
        if (p == 2) return x / n;
        return Math.signum(x) * Math.pow(Math.abs(x) / n, p - 1);
    }

    private static long ties(MemorySegment src, long row, long cols, double n) {
        long count = 0;
        for (long j = 0; j < cols; j++) {
            if (Math.abs(get(src, row + j)) == n) count++;
        }
        return Math.max(count, 1);
    }
}
