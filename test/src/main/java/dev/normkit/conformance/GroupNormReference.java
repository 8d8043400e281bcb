package dev.normkit.conformance;

import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;

/**
 * Group normalization in float64, straight from the formulas (docs/kernels.md), for the conformance checks: per
 * (sample, group) two-pass statistics over the group's channels and spatial positions, per-channel affine. An unused
 * scale or shift is passed as {@code null}.
 */
public final class GroupNormReference {
    private GroupNormReference() {}

    /** Forward output and the statistics training forward saves ({@code N x groups} each). */
    public record Forward(double[] dst, double[] mean, double[] variance) {}

    /** Backward outputs; {@code diffScale} / {@code diffShift} are null when the descriptor does not use them. */
    public record Backward(double[] diffSrc, double[] diffScale, double[] diffShift) {}

    /** Index of channel c at spatial position s of sample n, in the descriptor's layout. */
    static int at(GroupNormDesc d, int n, int c, int s) {
        long sp = d.spatial();
        long ch = d.channels();
        return Math.toIntExact(d.layout() == ChannelLayout.NHWC ? (n * sp + s) * ch + c : (n * ch + c) * sp + s);
    }

    /** Index of the e-th value of (n, g), channel by channel. */
    static int element(GroupNormDesc d, int n, int g, int e) {
        int sp = Math.toIntExact(d.spatial());
        return at(d, n, Math.toIntExact(g * d.channelsPerGroup()) + e / sp, e % sp);
    }

    public static Forward forward(GroupNormDesc d, double[] src, double[] scale, double[] shift) {
        int batch = Math.toIntExact(d.batch());
        int groups = Math.toIntExact(d.groups());
        int m = Math.toIntExact(d.groupSize());
        int sp = Math.toIntExact(d.spatial());
        int cpg = Math.toIntExact(d.channelsPerGroup());
        double[] dst = new double[src.length];
        double[] mean = new double[batch * groups];
        double[] variance = new double[batch * groups];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                double sum = 0;
                for (int e = 0; e < m; e++) sum += src[element(d, n, g, e)];
                double mu = sum / m;
                double sq = 0;
                for (int e = 0; e < m; e++) {
                    double dev = src[element(d, n, g, e)] - mu;
                    sq += dev * dev;
                }
                double var = sq / m;
                double rstd = 1.0 / Math.sqrt(var + d.eps());
                for (int e = 0; e < m; e++) {
                    int k = element(d, n, g, e);
                    int c = g * cpg + e / sp;
                    double y = (src[k] - mu) * rstd;
                    if (scale != null) y *= scale[c];
                    if (shift != null) y += shift[c];
                    dst[k] = y;
                }
                mean[n * groups + g] = mu;
                variance[n * groups + g] = var;
            }
        }
        return new Forward(dst, mean, variance);
    }

    /**
     * Backward from the given statistics, per (n, g) with {@code xhat = (x - mean) * rstd} and
     * {@code g = dy * gamma_c}: {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))},
     * {@code dgamma_c = sum dy * xhat}, {@code dbeta_c = sum dy} over samples and spatial positions.
     */
    public static Backward backward(GroupNormDesc d, double[] src, double[] diffDst, double[] scale, double[] mean,
            double[] variance) {
        int batch = Math.toIntExact(d.batch());
        int groups = Math.toIntExact(d.groups());
        int m = Math.toIntExact(d.groupSize());
        int sp = Math.toIntExact(d.spatial());
        int cpg = Math.toIntExact(d.channelsPerGroup());
        int channels = Math.toIntExact(d.channels());
        double[] diffSrc = new double[src.length];
        double[] diffScale = d.useScale() ? new double[channels] : null;
        double[] diffShift = d.useShift() ? new double[channels] : null;
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                double mu = mean[n * groups + g];
                double rstd = 1.0 / Math.sqrt(variance[n * groups + g] + d.eps());
                double sumG = 0;
                double sumGXhat = 0;
                for (int e = 0; e < m; e++) {
                    int k = element(d, n, g, e);
                    int c = g * cpg + e / sp;
                    double xhat = (src[k] - mu) * rstd;
                    double gg = diffDst[k] * (scale != null ? scale[c] : 1.0);
                    sumG += gg;
                    sumGXhat += gg * xhat;
                    if (diffScale != null) diffScale[c] += diffDst[k] * xhat;
                    if (diffShift != null) diffShift[c] += diffDst[k];
                }
                for (int e = 0; e < m; e++) {
                    int k = element(d, n, g, e);
                    int c = g * cpg + e / sp;
                    double xhat = (src[k] - mu) * rstd;
                    double gg = diffDst[k] * (scale != null ? scale[c] : 1.0);
                    diffSrc[k] = rstd * (gg - sumG / m - xhat * sumGXhat / m);
                }
            }
        }
        return new Backward(diffSrc, diffScale, diffShift);
    }
}
