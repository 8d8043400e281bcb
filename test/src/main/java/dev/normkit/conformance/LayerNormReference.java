package dev.normkit.conformance;

import dev.normkit.LayerNormDesc;

/**
 * Layer normalization in float64, straight from the formulas (docs/kernels.md), for the conformance checks. The
 * descriptor supplies rows, cols (the normalized axes flattened), eps and which of scale/shift are used; an unused
 * scale or shift is passed as {@code null}. Mean and variance are taken in two passes.
 */
public final class LayerNormReference {
    private LayerNormReference() {}

    /** Forward output and the statistics training forward saves (each of length rows). */
    public record Forward(double[] dst, double[] mean, double[] rstd) {}

    /** Backward outputs; {@code diffScale} / {@code diffShift} are null when the descriptor does not use them. */
    public record Backward(double[] diffSrc, double[] diffScale, double[] diffShift) {}

    /**
     * {@code mu = mean(x)}, {@code var = mean((x - mu)^2)}, {@code rstd = 1/sqrt(var + eps)},
     * {@code y = (x - mu) * rstd * gamma + beta}.
     */
    public static Forward forward(LayerNormDesc d, double[] src, double[] scale, double[] shift) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] dst = new double[rows * cols];
        double[] mean = new double[rows];
        double[] rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += src[base + c];
            double mu = sum / cols;
            double sq = 0;
            for (int c = 0; c < cols; c++) {
                double dev = src[base + c] - mu;
                sq += dev * dev;
            }
            double rs = 1.0 / Math.sqrt(sq / cols + d.eps());
            mean[r] = mu;
            rstd[r] = rs;
            for (int c = 0; c < cols; c++) {
                double y = (src[base + c] - mu) * rs;
                if (scale != null) y *= scale[c];
                if (shift != null) y += shift[c];
                dst[base + c] = y;
            }
        }
        return new Forward(dst, mean, rstd);
    }

    /**
     * Backward from the given statistics, with {@code xhat = (x - mean) * rstd} and {@code g = dy * gamma}:
     * {@code dx = rstd * (g - mean(g) - xhat * mean(g * xhat))}, {@code dgamma = sum_rows dy * xhat},
     * {@code dbeta = sum_rows dy}.
     */
    public static Backward backward(LayerNormDesc d, double[] src, double[] diffDst, double[] scale, double[] mean,
            double[] rstd) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] diffSrc = new double[rows * cols];
        double[] diffScale = d.useScale() ? new double[cols] : null;
        double[] diffShift = d.useShift() ? new double[cols] : null;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sumG = 0;
            double sumGXhat = 0;
            for (int c = 0; c < cols; c++) {
                double xhat = (src[base + c] - mean[r]) * rstd[r];
                double g = diffDst[base + c] * (scale != null ? scale[c] : 1.0);
                sumG += g;
                sumGXhat += g * xhat;
                if (diffScale != null) diffScale[c] += diffDst[base + c] * xhat;
                if (diffShift != null) diffShift[c] += diffDst[base + c];
            }
            double meanG = sumG / cols;
            double meanGXhat = sumGXhat / cols;
            for (int c = 0; c < cols; c++) {
                double xhat = (src[base + c] - mean[r]) * rstd[r];
                double g = diffDst[base + c] * (scale != null ? scale[c] : 1.0);
                diffSrc[base + c] = rstd[r] * (g - meanG - xhat * meanGXhat);
            }
        }
        return new Backward(diffSrc, diffScale, diffShift);
    }
}
