package dev.normkit.scalar;

/**
 * divisive_norm across channels on one block of {@link ChannelBlocks} (channels first, row c at {@code c * stride}),
 * in double, each output rounded once: the scalar path's whole computation and the vector path's for the blocks its
 * f32 loops do not take (non-finite values, extreme ranges). Every position is independent; for each element the norm
 * of its window {@code [c - half, c + half]}, cut at the edges, is taken as {@link PNormRows#norm} takes a row's:
 * scaled by the window's max |x|, so no term overflows or underflows.
 *
 * <p>Backward, with {@code D_j = sigma + n_j}: {@code dx_i = g (dy_i / D_i - sum over windows j holding i of
 * dy_j x_j / D_j^2 * dn_j/dx_i)}; the window is symmetric, so the windows holding i are those of the channels in i's
 * own window. A window with norm 0 adds nothing (its norm's gradient is 0, as over rows); a window whose norm is NaN
 * or infinite (it holds a NaN or an infinity) makes every element it holds NaN, as such a row does.
 */
public final class WindowPNorm {
    private WindowPNorm() {}

    public static void forward(float[] x, float[] y, int channels, int stride, int width, int half, double p,
            double sigma, double gain) {
        for (int q = 0; q < width; q++) {
            for (int c = 0; c < channels; c++) {
                double n = norm(x, q, stride, Math.max(0, c - half), Math.min(channels - 1, c + half), p);
                int at = c * stride + q;
                y[at] = (float) (x[at] * (gain / (sigma + n)));
            }
        }
    }

    /**
     * Writes dx for the block's positions; returns the block's {@code sum dy x / D}, d loss / d g. {@code work} holds
     * at least {@code 2 * channels} doubles.
     */
    public static double backward(float[] x, float[] dy, float[] dx, int channels, int stride, int width, int half,
            double p, double sigma, double gain, double[] work) {
        double diffGain = 0;
        for (int q = 0; q < width; q++) {
            // per window j: its norm in work[j], and dy_j x_j / D_j^2 / ties_j in work[channels + j]
            for (int j = 0; j < channels; j++) {
                int lo = Math.max(0, j - half);
                int hi = Math.min(channels - 1, j + half);
                double n = norm(x, q, stride, lo, hi, p);
                double d = sigma + n;
                int at = j * stride + q;
                double xy = (double) dy[at] * x[at];
                diffGain += xy / d;
                double w;
                if (!Double.isFinite(n)) w = Double.NaN;
                else if (n == 0) w = 0;
                else w = xy / (d * d) / (p == Double.POSITIVE_INFINITY ? ties(x, q, stride, lo, hi, n) : 1);
                work[j] = n;
                work[channels + j] = w;
            }
            for (int i = 0; i < channels; i++) {
                int at = i * stride + q;
                double xi = x[at];
                double held = 0;
                for (int j = Math.max(0, i - half); j <= Math.min(channels - 1, i + half); j++) {
                    double w = work[channels + j];
                    if (w != 0) held += w * (Double.isNaN(w) ? 1 : PNormRows.normGradient(xi, work[j], p));
                }
                dx[at] = (float) (gain * (dy[at] / (sigma + work[i]) - held));
            }
        }
        return diffGain;
    }

    /** The p-norm of rows lo..hi at position q: NaN if any is NaN, else +inf if any is infinite; scaled by the max. */
    static double norm(float[] x, int q, int stride, int lo, int hi, double p) {
        double max = 0;
        boolean nan = false;
        for (int c = lo; c <= hi; c++) {
            double a = Math.abs(x[c * stride + q]);
            if (a != a) nan = true;
            else if (a > max) max = a;
        }
        if (nan) return Double.NaN;
        if (p == Double.POSITIVE_INFINITY || max == 0 || max == Double.POSITIVE_INFINITY) return max;
        double sum = 0;
        for (int c = lo; c <= hi; c++) {
            double t = Math.abs(x[c * stride + q]) / max;
            sum += p == 2 ? t * t : p == 1 ? t : Math.pow(t, p);
        }
        return max * (p == 2 ? Math.sqrt(sum) : p == 1 ? sum : Math.pow(sum, 1 / p));
    }

    private static int ties(float[] x, int q, int stride, int lo, int hi, double n) {
        int count = 0;
        for (int c = lo; c <= hi; c++) {
            if (Math.abs(x[c * stride + q]) == n) count++;
        }
        return Math.max(count, 1);
    }
}
