package dev.normkit.conformance;

import dev.normkit.BatchNormDesc;

/**
 * Batch normalization in float64, straight from the formulas (docs/kernels.md), for the conformance checks. The
 * tensor is {@code outer x C x inner} in the descriptor's layout; each channel's statistics are taken over its
 * {@code n = outer * inner} values in two passes (mean, then centred variance). An unused scale or shift is passed as
 * {@code null}.
 */
public final class BatchNormReference {
    private BatchNormReference() {}

    /** Forward output and the statistics it used (the batch's in training; the given ones in inference). */
    public record Forward(double[] dst, double[] mean, double[] variance) {}

    /** Backward outputs; {@code diffScale} / {@code diffShift} are null when the descriptor does not use them. */
    public record Backward(double[] diffSrc, double[] diffScale, double[] diffShift) {}

    /** Index of the i-th value of run o of channel c. */
    static int at(BatchNormDesc d, int o, int c, int i) {
        return Math.toIntExact((o * d.channels() + c) * d.inner() + i);
    }

    /** Index of the m-th value ({@code m = o * inner + i}) of channel c. */
    static int element(BatchNormDesc d, int c, int m) {
        int inner = Math.toIntExact(d.inner());
        return at(d, m / inner, c, m % inner);
    }

    /** Training forward: batch statistics, {@code y = (x - mu) / sqrt(var + eps) * gamma + beta}, ReLU if fused. */
    public static Forward forwardTraining(BatchNormDesc d, double[] src, double[] scale, double[] shift) {
        int channels = Math.toIntExact(d.channels());
        int n = Math.toIntExact(d.perChannel());
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int m = 0; m < n; m++) sum += src[element(d, c, m)];
            double mu = sum / n;
            double sq = 0;
            for (int m = 0; m < n; m++) {
                double dev = src[element(d, c, m)] - mu;
                sq += dev * dev;
            }
            mean[c] = mu;
            variance[c] = sq / n;
        }
        return forward(d, src, scale, shift, mean, variance);
    }

    /** Inference forward from given statistics. */
    public static Forward forward(BatchNormDesc d, double[] src, double[] scale, double[] shift, double[] mean,
            double[] variance) {
        int channels = Math.toIntExact(d.channels());
        int n = Math.toIntExact(d.perChannel());
        double[] dst = new double[src.length];
        for (int c = 0; c < channels; c++) {
            double rstd = 1.0 / Math.sqrt(variance[c] + d.eps());
            for (int m = 0; m < n; m++) {
                int k = element(d, c, m);
                double y = (src[k] - mean[c]) * rstd;
                if (scale != null) y *= scale[c];
                if (shift != null) y += shift[c];
                dst[k] = d.fuseRelu() ? Math.max(0.0, y) : y;
            }
        }
        return new Forward(dst, mean.clone(), variance.clone());
    }

    /** PyTorch's running-statistics update: {@code (1 - m) running + m batch}, the variance made unbiased. */
    public static double[][] runningUpdate(BatchNormDesc d, double[] runningMean, double[] runningVar,
            double[] mean, double[] variance) {
        double m = d.momentum();
        double n = d.perChannel();
        double[] rm = new double[runningMean.length];
        double[] rv = new double[runningVar.length];
        for (int c = 0; c < rm.length; c++) {
            rm[c] = (1 - m) * runningMean[c] + m * mean[c];
            rv[c] = (1 - m) * runningVar[c] + m * variance[c] * n / (n - 1);
        }
        return new double[][] {rm, rv};
    }

    /**
     * Backward from the given statistics, with {@code xhat = (x - mean) * rstd} and {@code g = dy}, or 0 where
     * {@code dst <= 0} with the fused ReLU: {@code dx = gamma * rstd * (g - mean(g) - xhat * mean(g * xhat))}
     * ({@code gamma * rstd * g} when {@code global}), {@code dgamma = sum g * xhat}, {@code dbeta = sum g}.
     *
     * @param dst the forward output, for the fused ReLU's mask; null without it
     */
    public static Backward backward(BatchNormDesc d, boolean global, double[] src, double[] diffDst, double[] scale,
            double[] mean, double[] variance, double[] dst) {
        int channels = Math.toIntExact(d.channels());
        int n = Math.toIntExact(d.perChannel());
        double[] diffSrc = new double[src.length];
        double[] diffScale = d.useScale() ? new double[channels] : null;
        double[] diffShift = d.useShift() ? new double[channels] : null;
        for (int c = 0; c < channels; c++) {
            double rstd = 1.0 / Math.sqrt(variance[c] + d.eps());
            double gamma = scale != null ? scale[c] : 1.0;
            double sumG = 0;
            double sumGXhat = 0;
            for (int m = 0; m < n; m++) {
                int k = element(d, c, m);
                double g = grad(diffDst, dst, k);
                sumG += g;
                sumGXhat += g * (src[k] - mean[c]) * rstd;
            }
            if (diffScale != null) diffScale[c] = sumGXhat;
            if (diffShift != null) diffShift[c] = sumG;
            for (int m = 0; m < n; m++) {
                int k = element(d, c, m);
                double g = grad(diffDst, dst, k);
                double xhat = (src[k] - mean[c]) * rstd;
                diffSrc[k] = global ? gamma * rstd * g : gamma * rstd * (g - sumG / n - xhat * sumGXhat / n);
            }
        }
        return new Backward(diffSrc, diffScale, diffShift);
    }

    private static double grad(double[] diffDst, double[] dst, int k) {
        return dst != null && dst[k] <= 0 ? 0.0 : diffDst[k];
    }
}
