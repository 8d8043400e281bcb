package dev.normkit.conformance;

import dev.normkit.ChannelLayout;
import dev.normkit.InstanceNormDesc;

/**
 * Instance normalization in float64 for the conformance checks. Its instance statistics, training forward and backward
 * are group norm's with one group per channel, so {@link GroupNormReference} computes them; what instance norm adds is
 * written out here from the formulas: inference from running statistics (PyTorch's eval mode) and PyTorch's
 * running-statistics update from the instance statistics.
 */
public final class InstanceNormReference {
    private InstanceNormReference() {}

    /** Forward output and the saved statistics ({@code N x C}), from each instance's own statistics. */
    public static GroupNormReference.Forward forward(InstanceNormDesc d, double[] src, double[] scale,
            double[] shift) {
        return GroupNormReference.forward(d.asGroupNorm(), src, scale, shift);
    }

    /** Backward from the saved {@code N x C} statistics. */
    public static GroupNormReference.Backward backward(InstanceNormDesc d, double[] src, double[] diffDst,
            double[] scale, double[] mean, double[] variance) {
        return GroupNormReference.backward(d.asGroupNorm(), src, diffDst, scale, mean, variance);
    }

    /** Index of channel c at spatial position s of sample n, in the descriptor's layout. */
    static int at(InstanceNormDesc d, int n, int c, int s) {
        long sp = d.spatial();
        long ch = d.channels();
        return Math.toIntExact(d.layout() == ChannelLayout.NHWC ? (n * sp + s) * ch + c : (n * ch + c) * sp + s);
    }

    /** Inference from running statistics: {@code y = (x - running_mean_c) / sqrt(running_var_c + eps) gamma + beta}. */
    public static double[] forwardFromRunning(InstanceNormDesc d, double[] src, double[] scale, double[] shift,
            double[] runningMean, double[] runningVar) {
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        int sp = Math.toIntExact(d.spatial());
        double[] dst = new double[src.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                double rstd = 1.0 / Math.sqrt(runningVar[c] + d.eps());
                for (int s = 0; s < sp; s++) {
                    int k = at(d, n, c, s);
                    double y = (src[k] - runningMean[c]) * rstd;
                    if (scale != null) y *= scale[c];
                    if (shift != null) y += shift[c];
                    dst[k] = y;
                }
            }
        }
        return dst;
    }

    /**
     * PyTorch's update (torch.nn.functional.instance_norm: batch norm on N copies of the running statistics, then
     * their mean over N), with {@code k = momentum} and m spatial positions:
     * {@code rm_c = (1 - k) rm_c + k mean_n(mu_nc)}, {@code rv_c = (1 - k) rv_c + k mean_n(var_nc m / (m - 1))}.
     */
    public static double[][] runningUpdate(InstanceNormDesc d, double[] runningMean, double[] runningVar,
            double[] mean, double[] variance) {
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
                mu += mean[n * channels + c] / batch;
                var += variance[n * channels + c] * m / (m - 1) / batch;
            }
            rm[c] = (1 - k) * runningMean[c] + k * mu;
            rv[c] = (1 - k) * runningVar[c] + k * var;
        }
        return new double[][] {rm, rv};
    }
}
