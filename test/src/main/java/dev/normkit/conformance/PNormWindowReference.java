package dev.normkit.conformance;

import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;

/**
 * divisive_norm across a channel window in float64, straight from the formula and not from the kernels' blocks: for
 * element (n, c, position) the norm {@code n_c = (sum |x|^p)^(1/p)} over channels {@code [c - h, c + h]} cut at the
 * edges ({@code h = (localSize - 1) / 2}), summed directly as {@link PNormReference} does (f32 inputs to the corpus's
 * p stay inside double's range), {@code y = g x / (sigma + n_c)}. Backward is the transposed Jacobian applied to dy,
 * scattered from each output j to every input i of its window (not the kernels' gather over the windows holding i):
 *
 * <pre>
 *   dy_j/dx_i = g [i = j] / D_j - g x_j / D_j^2 * dn_j/dx_i        D_j = sigma + n_j, dn/dx as PNormReference
 * </pre>
 *
 * A window of norm 0 scatters nothing (its norm's gradient is 0, as over rows); one whose norm is NaN or infinite (it
 * holds a NaN or an infinity) scatters NaN to every element it holds, as such a row does over the last axes.
 */
public final class PNormWindowReference {
    private PNormWindowReference() {}

    /** The tensor's geometry: element (b, c, q) of N x C x positions, channels first or last in memory. */
    private record Geometry(int batch, int channels, int positions, boolean channelsLast, int half) {
        static Geometry of(DivisiveNormDesc d) {
            long[] s = d.shape().dims();
            boolean last = d.layout() == ChannelLayout.NHWC;
            int c = (int) s[last ? s.length - 1 : 1];
            return new Geometry((int) s[0], c, (int) (d.shape().elementCount() / (s[0] * c)), last,
                    (int) ((d.localSize() - 1) / 2));
        }

        int index(int b, int c, int q) {
            return channelsLast ? (b * positions + q) * channels + c : (b * channels + c) * positions + q;
        }

        int lo(int c) {
            return Math.max(0, c - half);
        }

        int hi(int c) {
            return Math.min(channels - 1, c + half);
        }
    }

    /** Every element's window norm. */
    static double[] norms(DivisiveNormDesc d, double[] x) {
        Geometry g = Geometry.of(d);
        double p = d.p();
        double[] n = new double[x.length];
        for (int b = 0; b < g.batch; b++) {
            for (int q = 0; q < g.positions; q++) {
                for (int c = 0; c < g.channels; c++) {
                    double max = 0;
                    double sum = 0;
                    boolean nan = false;
                    for (int k = g.lo(c); k <= g.hi(c); k++) {
                        double a = Math.abs(x[g.index(b, k, q)]);
                        if (Double.isNaN(a)) nan = true;
                        max = Math.max(max, a);
                        sum += Math.pow(a, p);
                    }
                    double norm = p == Double.POSITIVE_INFINITY || Double.isInfinite(max) ? max
                            : Math.pow(sum, 1 / p);
                    n[g.index(b, c, q)] = nan ? Double.NaN : norm;
                }
            }
        }
        return n;
    }

    public static double[] forward(DivisiveNormDesc d, double[] x) {
        double[] n = norms(d, x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = d.gain() * x[i] / (d.sigma() + n[i]);
        return y;
    }

    public static PNormReference.Backward backward(DivisiveNormDesc d, double[] x, double[] dy) {
        return backward(d, x, dy, false);
    }

    /**
     * Error scales of backward ({@link ErrorScales}' rule, every term made absolute): diffSrc
     * {@code |g| (|dy_i| / |D_i| + sum over windows j holding i of |dy_j x_j| / D_j^2 |dn_j/dx_i|)}; diffGain
     * {@code sum |dy x| / |D|}.
     */
    static double[][] backwardScales(DivisiveNormDesc d, double[] x, double[] dy) {
        PNormReference.Backward b = backward(d, x, dy, true);
        return new double[][] {b.diffSrc(), {b.diffGain()}};
    }

    private static PNormReference.Backward backward(DivisiveNormDesc d, double[] x, double[] dy, boolean magnitudes) {
        Geometry g = Geometry.of(d);
        double p = d.p();
        double gain = d.gain();
        double[] n = norms(d, x);
        double[] dx = new double[x.length];
        double diffGain = 0;
        for (int b = 0; b < g.batch; b++) {
            for (int q = 0; q < g.positions; q++) {
                for (int c = 0; c < g.channels; c++) {
                    int j = g.index(b, c, q);
                    double dj = d.sigma() + n[j];
                    double direct = gain * dy[j] / dj;
                    dx[j] += magnitudes ? Math.abs(direct) : direct;
                    double s = dy[j] * x[j] / dj;
                    diffGain += magnitudes ? Math.abs(s) : s;
                    if (n[j] == 0) continue;
                    int ties = 0;
                    for (int k = g.lo(c); k <= g.hi(c); k++) {
                        if (Math.abs(x[g.index(b, k, q)]) == n[j]) ties++;
                    }
                    double cross = gain * dy[j] * x[j] / (dj * dj);
                    for (int k = g.lo(c); k <= g.hi(c); k++) {
                        int i = g.index(b, k, q);
                        double term = Double.isFinite(n[j])
                                ? cross * PNormReference.normGradient(x[i], n[j], p, Math.max(ties, 1))
                                : Double.NaN;
                        dx[i] += magnitudes ? Math.abs(term) : -term;
                    }
                }
            }
        }
        return new PNormReference.Backward(dx, diffGain);
    }
}
