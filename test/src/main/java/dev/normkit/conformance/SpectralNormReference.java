package dev.normkit.conformance;

import dev.normkit.SpectralNormDesc;

/**
 * Spectral normalization in float64, as PyTorch's {@code SpectralNorm.compute_weight} computes it: the power
 * iterations {@code v = normalize(W^T u)}, {@code u = normalize(W v)} with {@code normalize(x) = x / max(||x||, eps)},
 * then {@code sigma = u^T (W v)} and {@code W / sigma}; backward with u and v fixed.
 *
 * <p>Each output comes with its error scale ({@link ErrorScales}' convention), carried through the iterations: a
 * product {@code W x} has the scale {@code |W| scale_x} (its terms, and the errors x brings in); a normalization
 * {@code x / ||x||} has {@code (scale_x + |x / ||x||| ||scale_x||) / ||x||} (the element's own error and the norm's);
 * sigma {@code sum(scale_u |W v| + |u| scale_Wv)}; dst its relative error plus one rounding. The inputs u, v count
 * with their magnitudes.
 */
public final class SpectralNormReference {
    private SpectralNormReference() {}

    /** Training forward's outputs with their scales; inference forward fills dst, sigma and their scales only. */
    public record Forward(double[] u, double[] v, double sigma, double[] dst, double[] uScale, double[] vScale,
            double sigmaScale, double[] dstScale) {}

    /** Training forward from u and v as given: {@code d.powerIterations()} iterations, then sigma and dst. */
    public static Forward forwardTraining(SpectralNormDesc d, double[] w, double[] u0, double[] v0) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] u = u0.clone();
        double[] v = v0.clone();
        double[] su = abs(u);
        double[] sv = abs(v);
        for (int k = 0; k < d.powerIterations(); k++) {
            double[] t = new double[cols];
            double[] st = new double[cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    t[j] += w[i * cols + j] * u[i];
                    st[j] += Math.abs(w[i * cols + j]) * su[i];
                }
            }
            normalize(t, st, d.eps(), v, sv);
            double[] s = new double[rows];
            double[] ss = new double[rows];
            product(w, v, sv, rows, cols, s, ss);
            normalize(s, ss, d.eps(), u, su);
        }
        return finish(d, w, u, v, su, sv);
    }

    /** Inference forward: sigma and dst from u and v as given. */
    public static Forward forward(SpectralNormDesc d, double[] w, double[] u, double[] v) {
        return finish(d, w, u.clone(), v.clone(), abs(u), abs(v));
    }

    /** sigma = u^T (W v) and dst = W / sigma, with their scales. */
    private static Forward finish(SpectralNormDesc d, double[] w, double[] u, double[] v, double[] su, double[] sv) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] s = new double[rows];
        double[] ss = new double[rows];
        product(w, v, sv, rows, cols, s, ss);
        double sigma = 0;
        double sigmaScale = 0;
        for (int i = 0; i < rows; i++) {
            sigma += u[i] * s[i];
            sigmaScale += su[i] * Math.abs(s[i]) + Math.abs(u[i]) * ss[i];
        }
        double[] dst = new double[w.length];
        double[] dstScale = new double[w.length];
        double relative = Math.max(1.0, sigmaScale / Math.abs(sigma));
        for (int k = 0; k < w.length; k++) {
            dst[k] = w[k] / sigma;
            dstScale[k] = Math.abs(dst[k]) * relative;
        }
        return new Forward(u, v, sigma, dst, su, sv, sigmaScale, dstScale);
    }

    /** {@code out = W x} and its scale {@code |W| sx}. */
    private static void product(double[] w, double[] x, double[] sx, int rows, int cols, double[] out,
            double[] outScale) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            double a = 0;
            for (int j = 0; j < cols; j++) {
                s += w[i * cols + j] * x[j];
                a += Math.abs(w[i * cols + j]) * sx[j];
            }
            out[i] = s;
            outScale[i] = a;
        }
    }

    /** {@code out = x / max(||x||, eps)}, and its scale. */
    private static void normalize(double[] x, double[] sx, double eps, double[] out, double[] outScale) {
        double sq = 0;
        double ssq = 0;
        for (int j = 0; j < x.length; j++) {
            sq += x[j] * x[j];
            ssq += sx[j] * sx[j];
        }
        double divisor = Math.max(Math.sqrt(sq), eps);
        double normOfScale = Math.sqrt(ssq);
        for (int j = 0; j < x.length; j++) {
            out[j] = x[j] / divisor;
            outScale[j] = (sx[j] + Math.abs(out[j]) * normOfScale) / divisor;
        }
    }

    /**
     * {@code diff_W = (dy - (sum(dy * W) / sigma) u v^T) / sigma}, and its scale
     * {@code (|dy| + (sum|dy W| / |sigma|) |u| |v|^T) / |sigma|}: element 0 the gradient, element 1 the scale.
     */
    public static double[][] backward(SpectralNormDesc d, double[] w, double[] dy, double[] u, double[] v,
            double sigma) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double dot = 0;
        double absDot = 0;
        for (int k = 0; k < w.length; k++) {
            dot += dy[k] * w[k];
            absDot += Math.abs(dy[k] * w[k]);
        }
        double c = dot / sigma;
        double cs = absDot / Math.abs(sigma);
        double[] dx = new double[w.length];
        double[] scale = new double[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int k = i * cols + j;
                dx[k] = (dy[k] - c * u[i] * v[j]) / sigma;
                scale[k] = (Math.abs(dy[k]) + cs * Math.abs(u[i] * v[j])) / Math.abs(sigma);
            }
        }
        return new double[][] {dx, scale};
    }

    private static double[] abs(double[] x) {
        double[] a = new double[x.length];
        for (int i = 0; i < x.length; i++) a[i] = Math.abs(x[i]);
        return a;
    }
}
