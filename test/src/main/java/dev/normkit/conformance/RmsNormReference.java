package dev.normkit.conformance;

import dev.normkit.RmsNormDesc;

/**
 * RMS normalization in float64, straight from the formulas (docs/kernels.md). An unused scale is passed as
 * {@code null}.
 */
public final class RmsNormReference {
    private RmsNormReference() {}

    /** Forward output and the rstd training forward saves (length rows). */
    public record Forward(double[] dst, double[] rstd) {}

    /** Backward outputs; {@code diffScale} is null when the descriptor does not use scale. */
    public record Backward(double[] diffSrc, double[] diffScale) {}

    /** {@code rstd = 1/sqrt(mean(x^2) + eps)}, {@code y = x * rstd * gamma}. */
    public static Forward forward(RmsNormDesc d, double[] src, double[] scale) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] dst = new double[rows * cols];
        double[] rstd = new double[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sq = 0;
            for (int c = 0; c < cols; c++) sq += src[base + c] * src[base + c];
            double rs = 1.0 / Math.sqrt(sq / cols + d.eps());
            rstd[r] = rs;
            for (int c = 0; c < cols; c++) {
                double y = src[base + c] * rs;
                if (scale != null) y *= scale[c];
                dst[base + c] = y;
            }
        }
        return new Forward(dst, rstd);
    }

    /**
     * Backward from the given rstd, with {@code xhat = x * rstd}, {@code g = dy * gamma}:
     * {@code dx = rstd * (g - xhat * mean(g * xhat))}, {@code dgamma = sum_rows dy * xhat}.
     */
    public static Backward backward(RmsNormDesc d, double[] src, double[] diffDst, double[] scale, double[] rstd) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] diffSrc = new double[rows * cols];
        double[] diffScale = d.useScale() ? new double[cols] : null;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double sumGXhat = 0;
            for (int c = 0; c < cols; c++) {
                double xhat = src[base + c] * rstd[r];
                double g = diffDst[base + c] * (scale != null ? scale[c] : 1.0);
                sumGXhat += g * xhat;
                if (diffScale != null) diffScale[c] += diffDst[base + c] * xhat;
            }
            double meanGXhat = sumGXhat / cols;
            for (int c = 0; c < cols; c++) {
                double xhat = src[base + c] * rstd[r];
                double g = diffDst[base + c] * (scale != null ? scale[c] : 1.0);
                diffSrc[base + c] = rstd[r] * (g - xhat * meanGXhat);
            }
        }
        return new Backward(diffSrc, diffScale);
    }
}
