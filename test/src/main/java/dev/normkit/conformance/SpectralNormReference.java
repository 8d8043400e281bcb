package dev.normkit.conformance;

import dev.normkit.SpectralNormDesc;

/**
 * Spectral normalization in float64, as PyTorch's {@code SpectralNorm.compute_weight} computes it: the power
 * iterations {@code v = normalize(W^T u)}, {@code u = normalize(W v)} with {@code normalize(x) = x / max(||x||, eps)},
 * then {@code sigma = u^T (W v)} and {@code W / sigma}; backward with u and v fixed.
 *
 * <p>Each output comes with its error scale, carried through the iterations. A value's own rounding is measured, as in
 * {@link ErrorScales}, against the magnitude of its terms ({@code sum |W_ij x_j|} for a product {@code W x}); the
 * errors it inherits from a computed input x, of scale {@code s_x}, are independent roundings and add in root-sum-square
 * ({@code sqrt(sum (W_ij s_xj)^2)}), not in worst-case sums, which compound over the two products of an iteration
 * into bounds a thousand times the value (768x3072) that no test could fail. A normalization {@code y = x / ||x||}
 * has {@code (s_x + |y| sqrt(sum y_k^2 s_xk^2)) / ||x||} (the element's own error and the norm's); sigma
 * {@code sum |u_i (W v)_i|} plus the inherited {@code sqrt(sum (s_ui (W v)_i)^2 + (u_i s_(Wv)i)^2)}; dst its relative
 * error plus one rounding. The given u and v are exact (scale 0).
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
        double[] su = new double[rows];
        double[] sv = new double[cols];
        for (int k = 0; k < d.powerIterations(); k++) {
            double[] t = new double[cols];
            double[] own = new double[cols];
            double[] inherited = new double[cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double wij = w[i * cols + j];
                    t[j] += wij * u[i];
                    own[j] += Math.abs(wij * u[i]);
                    inherited[j] += (wij * su[i]) * (wij * su[i]);
                }
            }
            double[] st = new double[cols];
            for (int j = 0; j < cols; j++) st[j] = own[j] + Math.sqrt(inherited[j]);
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
        return finish(d, w, u.clone(), v.clone(), new double[u.length], new double[v.length]);
    }

    /** sigma = u^T (W v) and dst = W / sigma, with their scales. */
    private static Forward finish(SpectralNormDesc d, double[] w, double[] u, double[] v, double[] su, double[] sv) {
        int rows = Math.toIntExact(d.rows());
        int cols = Math.toIntExact(d.cols());
        double[] s = new double[rows];
        double[] ss = new double[rows];
        product(w, v, sv, rows, cols, s, ss);
        double sigma = 0;
        double own = 0;
        double inherited = 0;
        for (int i = 0; i < rows; i++) {
            sigma += u[i] * s[i];
            own += Math.abs(u[i] * s[i]);
            inherited += (su[i] * s[i]) * (su[i] * s[i]) + (u[i] * ss[i]) * (u[i] * ss[i]);
        }
        double sigmaScale = own + Math.sqrt(inherited);
        double[] dst = new double[w.length];
        double[] dstScale = new double[w.length];
        double relative = Math.max(1.0, sigmaScale / Math.abs(sigma));
        for (int k = 0; k < w.length; k++) {
            dst[k] = w[k] / sigma;
            dstScale[k] = Math.abs(dst[k]) * relative;
        }
        return new Forward(u, v, sigma, dst, atLeastAbs(su, u), atLeastAbs(sv, v), sigmaScale, dstScale);
    }

    /** A reported scale is never below the value's magnitude (given u and v, exact, have scale 0 inside). */
    private static double[] atLeastAbs(double[] scale, double[] x) {
        double[] s = new double[x.length];
        for (int i = 0; i < x.length; i++) s[i] = Math.max(scale[i], Math.abs(x[i]));
        return s;
    }

    /** {@code out = W x} and its scale: own {@code sum |W_ij x_j|}, inherited {@code sqrt(sum (W_ij sx_j)^2)}. */
    private static void product(double[] w, double[] x, double[] sx, int rows, int cols, double[] out,
            double[] outScale) {
        for (int i = 0; i < rows; i++) {
            double s = 0;
            double own = 0;
            double inherited = 0;
            for (int j = 0; j < cols; j++) {
                double wij = w[i * cols + j];
                s += wij * x[j];
                own += Math.abs(wij * x[j]);
                inherited += (wij * sx[j]) * (wij * sx[j]);
            }
            out[i] = s;
            outScale[i] = own + Math.sqrt(inherited);
        }
    }

    /** {@code out = x / max(||x||, eps)}, and its scale. */
    private static void normalize(double[] x, double[] sx, double eps, double[] out, double[] outScale) {
        double sq = 0;
        for (int j = 0; j < x.length; j++) sq += x[j] * x[j];
        double divisor = Math.max(Math.sqrt(sq), eps);
        double normError = 0; // the norm's inherited error, relative to the divisor: sqrt(sum y_k^2 s_k^2)
        for (int j = 0; j < x.length; j++) {
            out[j] = x[j] / divisor;
            normError += (out[j] * sx[j]) * (out[j] * sx[j]);
        }
        normError = Math.sqrt(normError);
        for (int j = 0; j < x.length; j++) outScale[j] = (sx[j] + Math.abs(out[j]) * normError) / divisor;
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
}
