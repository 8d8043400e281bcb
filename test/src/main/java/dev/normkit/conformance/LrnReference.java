package dev.normkit.conformance;

import dev.normkit.ChannelLayout;
import dev.normkit.LrnDesc;

/**
 * Float64 reference for LRN, from the frameworks' own definitions rather than the descriptor's helpers: PyTorch's
 * {@code local_response_norm} (zero-pad channels by {@code size/2} below and {@code (size-1)/2} above, then average
 * {@code size} squares) and oneDNN's reference {@code ref_lrn} ({@code half = (size-1)/2} each side, alpha divided by
 * {@code size} across, {@code size^(spatial axes)} within). Backward is the transposed Jacobian applied to dy,
 * scattered from each output j to every input i in its window (not the mirrored-window gather the paths use):
 *
 * <pre>
 *   dy_j/dx_i = [i = j] w_j^-beta - 2 alpha beta / divisor * x_j x_i w_j^(-beta-1)   for i in window(j)
 * </pre>
 */
public final class LrnReference {
    private LrnReference() {}

    /** The window of one element, per axis of the (depth, height, width) or channel view: [lo, hi] inclusive. */
    private record Geometry(int batch, int channels, int depth, int height, int width, boolean channelsLast,
            boolean across, int below, int above, double divisor) {

        static Geometry of(LrnDesc d) {
            long[] s = d.shape().dims();
            int rank = s.length;
            int size = Math.toIntExact(d.localSize());
            boolean across = d.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS;
            int below = d.convention() == LrnDesc.Convention.PYTORCH ? size / 2 : (size - 1) / 2;
            int above = (size - 1) / 2;
            double divisor = across ? size : Math.pow(size, rank - 2);
            boolean last = d.layout() == ChannelLayout.NHWC;
            int w = last ? rank - 2 : rank - 1; // the innermost spatial axis
            return new Geometry((int) s[0], (int) s[last ? rank - 1 : 1], rank >= 5 ? (int) s[w - 2] : 1,
                    rank >= 4 ? (int) s[w - 1] : 1, rank >= 3 ? (int) s[w] : 1, last, across, below, above, divisor);
        }

        int spatial() {
            return depth * height * width;
        }

        int index(int n, int c, int z, int y, int x) {
            return channelsLast ? (((n * depth + z) * height + y) * width + x) * channels + c
                    : (((n * channels + c) * depth + z) * height + y) * width + x;
        }
    }

    /** Calls {@code visit(i)} for every element i in the window of element (n, c, z, y, x). */
    private static void window(Geometry g, int n, int c, int z, int y, int x, java.util.function.IntConsumer visit) {
        if (g.across) {
            for (int cc = c - g.below; cc <= c + g.above; cc++) {
                if (cc >= 0 && cc < g.channels) visit.accept(g.index(n, cc, z, y, x));
            }
            return;
        }
        for (int zz = z - g.below; zz <= z + g.above; zz++) {
            for (int yy = y - g.below; yy <= y + g.above; yy++) {
                for (int xx = x - g.below; xx <= x + g.above; xx++) {
                    if (zz >= 0 && zz < g.depth && yy >= 0 && yy < g.height && xx >= 0 && xx < g.width) {
                        visit.accept(g.index(n, c, zz, yy, xx));
                    }
                }
            }
        }
    }

    /** {@code w_j = k + alpha / divisor * sum of x_i^2 over window(j)} for every element j. */
    static double[] windowTerms(LrnDesc d, double[] src) {
        Geometry g = Geometry.of(d);
        double[] w = new double[src.length];
        double[] sum = new double[1];
        forEach(g, (j, n, c, z, y, x) -> {
            sum[0] = 0;
            window(g, n, c, z, y, x, i -> sum[0] += src[i] * src[i]);
            w[j] = d.k() + d.alpha() * sum[0] / g.divisor;
        });
        return w;
    }

    public static double[] forward(LrnDesc d, double[] src) {
        double[] w = windowTerms(d, src);
        double[] dst = new double[src.length];
        for (int j = 0; j < src.length; j++) dst[j] = src[j] / Math.pow(w[j], d.beta());
        return dst;
    }

    public static double[] backward(LrnDesc d, double[] src, double[] diffDst) {
        return backward(d, src, diffDst, false);
    }

    /**
     * The error scale of backward's diff_src: the same sum with every term's magnitude,
     * {@code |dy_i| w_i^-beta + 2 alpha |beta| / divisor * |x_i| * sum |dy_j x_j| w_j^(-beta-1)}: the two parts can
     * cancel, and f32 rounding is proportional to them, not to their difference.
     */
    static double[] backwardScale(LrnDesc d, double[] src, double[] diffDst) {
        return backward(d, src, diffDst, true);
    }

    private static double[] backward(LrnDesc d, double[] src, double[] diffDst, boolean magnitudes) {
        Geometry g = Geometry.of(d);
        double[] w = windowTerms(d, src);
        double[] dx = new double[src.length];
        double coef = 2.0 * d.alpha() * d.beta() / g.divisor;
        forEach(g, (j, n, c, z, y, x) -> {
            double direct = diffDst[j] * Math.pow(w[j], -d.beta());
            double cross = coef * diffDst[j] * src[j] * Math.pow(w[j], -d.beta() - 1.0);
            dx[j] += magnitudes ? Math.abs(direct) : direct;
            window(g, n, c, z, y, x, i -> dx[i] += magnitudes ? Math.abs(cross * src[i]) : -cross * src[i]);
        });
        return dx;
    }

    private interface ElementVisitor {
        void visit(int j, int n, int c, int z, int y, int x);
    }

    private static void forEach(Geometry g, ElementVisitor v) {
        for (int n = 0; n < g.batch; n++) {
            for (int c = 0; c < g.channels; c++) {
                for (int z = 0; z < g.depth; z++) {
                    for (int y = 0; y < g.height; y++) {
                        for (int x = 0; x < g.width; x++) v.visit(g.index(n, c, z, y, x), n, c, z, y, x);
                    }
                }
            }
        }
    }
}
