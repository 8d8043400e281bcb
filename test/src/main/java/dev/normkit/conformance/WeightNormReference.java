package dev.normkit.conformance;

import dev.normkit.WeightNormDesc;

/**
 * Weight normalization in float64, straight from PyTorch's formulas ({@code torch._weight_norm} and its backward),
 * with the error scales of the backward outputs ({@link ErrorScales}' convention: the magnitude of the terms each
 * value is computed from). Forward has no cancellation (a norm of squares, then a product), so its outputs are their
 * own scale.
 */
public final class WeightNormReference {
    private WeightNormReference() {}

    /** w, and the norm per slice that training forward saves. */
    public record Forward(double[] w, double[] norm) {}

    /** diff_v and diff_g, each with its error scale. */
    public record Backward(double[] diffV, double[] diffG, double[] diffVScale, double[] diffGScale) {}

    /** Element {@code e} of slice {@code d}: run {@code e / inner}, offset {@code e % inner}. */
    static int at(WeightNormDesc d, int slice, int e) {
        int inner = Math.toIntExact(d.inner());
        int slices = Math.toIntExact(d.slices());
        return ((e / inner) * slices + slice) * inner + e % inner;
    }

    /** {@code norm[d] = sqrt(sum over slice d of v^2)}, {@code w = g[d] * v / norm[d]}. */
    public static Forward forward(WeightNormDesc d, double[] v, double[] g) {
        int slices = Math.toIntExact(d.slices());
        int m = Math.toIntExact(d.outer() * d.inner());
        double[] w = new double[v.length];
        double[] norm = new double[slices];
        for (int s = 0; s < slices; s++) {
            double sq = 0;
            for (int e = 0; e < m; e++) sq += v[at(d, s, e)] * v[at(d, s, e)];
            norm[s] = Math.sqrt(sq);
            for (int e = 0; e < m; e++) w[at(d, s, e)] = g[s] * v[at(d, s, e)] / norm[s];
        }
        return new Forward(w, norm);
    }

    /**
     * {@code diff_g = sum(dw * v) / norm}, {@code diff_v = (g / norm) (dw - v diff_g / norm)}, with the norm given
     * (saved by forward). Scales: {@code sum|dw v| / norm} and {@code |g| / norm (|dw| + |v| scale_g / norm)}.
     */
    public static Backward backward(WeightNormDesc d, double[] v, double[] g, double[] norm, double[] dw) {
        int slices = Math.toIntExact(d.slices());
        int m = Math.toIntExact(d.outer() * d.inner());
        double[] dv = new double[v.length];
        double[] dg = new double[slices];
        double[] dvScale = new double[v.length];
        double[] dgScale = new double[slices];
        for (int s = 0; s < slices; s++) {
            double dot = 0;
            double absDot = 0;
            for (int e = 0; e < m; e++) {
                int k = at(d, s, e);
                dot += dw[k] * v[k];
                absDot += Math.abs(dw[k] * v[k]);
            }
            double n = norm[s];
            dg[s] = dot / n;
            dgScale[s] = absDot / Math.abs(n);
            for (int e = 0; e < m; e++) {
                int k = at(d, s, e);
                dv[k] = g[s] / n * (dw[k] - v[k] * dg[s] / n);
                dvScale[k] = Math.abs(g[s] / n) * (Math.abs(dw[k]) + Math.abs(v[k]) * dgScale[s] / Math.abs(n));
            }
        }
        return new Backward(dv, dg, dvScale, dgScale);
    }
}
