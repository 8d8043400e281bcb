package dev.normkit.conformance;

import dev.normkit.SoftmaxDesc;

/**
 * Softmax and log-softmax in float64 along the descriptor's axis, straight from the formulas (docs/kernels.md). Element
 * {@code (o, a, i)} of a row-major tensor viewed as {@code outer x axisLength x inner} sits at
 * {@code (o * axisLength + a) * inner + i}; each {@code (o, i)} is one independent row.
 */
public final class SoftmaxReference {
    private SoftmaxReference() {}

    /**
     * {@code m = max(x)}; softmax {@code exp(x - m) / sum exp(x - m)}; log-softmax {@code x - m - log sum exp(x - m)}.
     * A row holding NaN gives NaN (Math.max propagates it); a row of only -inf gives NaN (-inf - -inf), as PyTorch.
     */
    public static double[] forward(SoftmaxDesc d, double[] src) {
        int outer = Math.toIntExact(d.outer());
        int len = Math.toIntExact(d.axisLength());
        int inner = Math.toIntExact(d.inner());
        double[] dst = new double[src.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double m = Double.NEGATIVE_INFINITY;
                for (int a = 0; a < len; a++) m = Math.max(m, src[base + a * inner]);
                double sum = 0;
                for (int a = 0; a < len; a++) sum += Math.exp(src[base + a * inner] - m);
                double logSum = Math.log(sum);
                for (int a = 0; a < len; a++) {
                    double shifted = src[base + a * inner] - m;
                    dst[base + a * inner] = d.log() ? shifted - logSum : Math.exp(shifted) / sum;
                }
            }
        }
        return dst;
    }

    /**
     * Backward from the forward output y: softmax {@code dx = y * (dy - sum(dy * y))}; log-softmax
     * {@code dx = dy - exp(y) * sum(dy)}.
     */
    public static double[] backward(SoftmaxDesc d, double[] dst, double[] diffDst) {
        int outer = Math.toIntExact(d.outer());
        int len = Math.toIntExact(d.axisLength());
        int inner = Math.toIntExact(d.inner());
        double[] diffSrc = new double[dst.length];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                double sum = 0;
                for (int a = 0; a < len; a++) {
                    int k = base + a * inner;
                    sum += d.log() ? diffDst[k] : diffDst[k] * dst[k];
                }
                for (int a = 0; a < len; a++) {
                    int k = base + a * inner;
                    diffSrc[k] = d.log() ? diffDst[k] - Math.exp(dst[k]) * sum : dst[k] * (diffDst[k] - sum);
                }
            }
        }
        return diffSrc;
    }
}
