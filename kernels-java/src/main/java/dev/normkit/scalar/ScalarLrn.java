package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.LrnDesc;
import dev.normkit.LrnKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * LRN in plain loops: the readable reference. Each window sum is taken in double, in one fixed order (channel, or
 * depth, row, column), and each output computed in double and rounded once. A sample's window terms
 * {@code w = k + alpha/divisor * sum} are computed into a per-call double array first: backward needs every w of the
 * windows that hold an element, and the forward reads src only through that array's pass, so dst may alias src.
 *
 * <p>Within channel, the spatial axes are seen as depth x height x width, missing leading axes of length 1. The loops
 * index a sample channels first ({@code c * spatial + s}); {@link #offset} maps that to memory in either layout.
 */
final class ScalarLrn implements LrnKernel {

    private final LrnDesc desc;
    private final int batch;
    private final int channels;
    private final int spatial;
    private final int depth;
    private final int height;
    private final int width;
    private final boolean across;
    private final boolean channelsLast;
    private final int below;
    private final int above;
    private final double alphaOverDivisor;

    ScalarLrn(LrnDesc desc) {
        this.desc = desc;
        this.batch = Math.toIntExact(desc.batch());
        this.channels = Math.toIntExact(desc.channels());
        this.spatial = Math.toIntExact(desc.spatial());
        int rank = desc.shape().rank();
        this.channelsLast = desc.channelsLast();
        int lastSpatial = channelsLast ? rank - 2 : rank - 1;
        this.width = rank >= 3 ? Math.toIntExact(desc.shape().dim(lastSpatial)) : 1;
        this.height = rank >= 4 ? Math.toIntExact(desc.shape().dim(lastSpatial - 1)) : 1;
        this.depth = rank >= 5 ? Math.toIntExact(desc.shape().dim(lastSpatial - 2)) : 1;
        this.across = desc.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS;
        this.below = Math.toIntExact(desc.reachBelow());
        this.above = Math.toIntExact(desc.reachAbove());
        this.alphaOverDivisor = desc.alpha() / desc.divisor();
    }

    @Override
    public LrnDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.lrnForward(desc, src, dst);
        double[] w = new double[channels * spatial];
        for (int n = 0; n < batch; n++) {
            long base = (long) n * channels * spatial;
            windowTerms(src, base, w);
            for (int i = 0; i < w.length; i++) {
                long at = base + offset(i);
                set(dst, at, (float) (get(src, at) * Math.pow(w[i], -desc.beta())));
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.lrnBackward(desc, src, diffDst, diffSrc);
        int size = channels * spatial;
        double[] w = new double[size];
        double[] t = new double[size];
        double[] out = new double[size];
        double coef = 2.0 * desc.alpha() * desc.beta() / desc.divisor();
        for (int n = 0; n < batch; n++) {
            long base = (long) n * size;
            windowTerms(src, base, w);
            for (int i = 0; i < size; i++) {
                long at = base + offset(i);
                t[i] = get(diffDst, at) * get(src, at) * Math.pow(w[i], -desc.beta() - 1.0);
            }
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < spatial; s++) {
                    int i = c * spatial + s;
                    // Every j whose window holds i: the window mirrored (reaches swapped).
                    double holders = across ? channelSum(t, c, s, above, below) : boxSum(t, c, s, false);
                    long at = base + offset(i);
                    out[i] = get(diffDst, at) * Math.pow(w[i], -desc.beta()) - coef * get(src, at) * holders;
                }
            }
            // Written after every read of the sample, so diffSrc may alias diffDst.
            for (int i = 0; i < size; i++) set(diffSrc, base + offset(i), (float) out[i]);
        }
    }

    /** w = k + alpha/divisor * (window sum of squares) for every element of the sample at {@code base}. */
    private void windowTerms(MemorySegment src, long base, double[] w) {
        double[] sq = new double[w.length];
        for (int i = 0; i < sq.length; i++) {
            double x = get(src, base + offset(i));
            sq[i] = x * x;
        }
        for (int c = 0; c < channels; c++) {
            for (int s = 0; s < spatial; s++) {
                double sum = across ? channelSum(sq, c, s, below, above) : boxSum(sq, c, s, true);
                w[c * spatial + s] = desc.k() + alphaOverDivisor * sum;
            }
        }
    }

    /** Where the sample's element {@code c * spatial + s} lies in memory, from the sample's start. */
    private long offset(int i) {
        return channelsLast ? (long) (i % spatial) * channels + i / spatial : i;
    }

    /** Sum of v over channels [c - down, c + up] cut to [0, C), at position s. */
    private double channelSum(double[] v, int c, int s, int down, int up) {
        double sum = 0;
        for (int cc = Math.max(0, c - down); cc <= Math.min(channels - 1, c + up); cc++) sum += v[cc * spatial + s];
        return sum;
    }

    /** Sum of v over the spatial box around position s of channel c (forward reaches, or mirrored). */
    private double boxSum(double[] v, int c, int s, boolean forward) {
        int down = forward ? below : above;
        int up = forward ? above : below;
        int d0 = s / (height * width);
        int h0 = s / width % height;
        int w0 = s % width;
        double sum = 0;
        for (int d = Math.max(0, d0 - down); d <= Math.min(depth - 1, d0 + up); d++) {
            for (int h = Math.max(0, h0 - down); h <= Math.min(height - 1, h0 + up); h++) {
                for (int x = Math.max(0, w0 - down); x <= Math.min(width - 1, w0 + up); x++) {
                    sum += v[c * spatial + (d * height + h) * width + x];
                }
            }
        }
        return sum;
    }
}
