package dev.normkit.conformance;

import static dev.normkit.conformance.CaseData.narrow;
import static dev.normkit.conformance.CaseData.normal;
import static dev.normkit.conformance.CaseData.unsupported;
import static dev.normkit.conformance.CaseData.widen;

import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link CaseData}'s inputs and references for the weight reparameterizations. Names: weight norm's v is
 * {@code src}, g {@code scale}, w {@code dst}, and its saved norms {@code norm}; spectral norm's power-iteration state
 * is {@code u} and {@code v} (in and out: training forward updates them in place) and its saved {@code sigma}.
 */
final class WeightCases {
    private WeightCases() {}

    static void weightNorm(Direction dir, WeightNormDesc d, float[] src, float[] diffDst, SplittableRandom params,
            Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        // Gains around 1, some negative: a kernel that ignores g, or takes its absolute value, fails.
        float[] g = normal(Math.toIntExact(d.slices()), 0.75, 0.5, params.split());
        in.put("src", src);
        in.put("scale", g);
        double[] v = widen(src);
        WeightNormReference.Forward f = WeightNormReference.forward(d, v, widen(g));
        switch (dir) {
            case FORWARD -> out.put("dst", f.w());
            case FORWARD_TRAINING -> {
                out.put("dst", f.w());
                out.put("norm", f.norm());
            }
            case BACKWARD -> {
                float[] norm = narrow(f.norm());
                in.put("norm", norm);
                in.put("diff_dst", diffDst);
                WeightNormReference.Backward b =
                        WeightNormReference.backward(d, v, widen(g), widen(norm), widen(diffDst));
                out.put("diff_src", b.diffV());
                sc.put("diff_src", b.diffVScale());
                out.put("diff_scale", b.diffG());
                sc.put("diff_scale", b.diffGScale());
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    static void spectralNorm(Direction dir, SpectralNormDesc d, float[] src, float[] diffDst,
            SplittableRandom params, Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        // u and v start as PyTorch starts them: normalized N(0, 1) vectors.
        float[] u0 = unit(Math.toIntExact(d.rows()), params.split());
        float[] v0 = unit(Math.toIntExact(d.cols()), params.split());
        in.put("src", src);
        double[] w = widen(src);
        SpectralNormReference.Forward train = SpectralNormReference.forwardTraining(d, w, widen(u0), widen(v0));
        switch (dir) {
            case FORWARD -> {
                // Inference runs on the state a training step left, as a model in eval mode does.
                float[] u = narrow(train.u());
                float[] v = narrow(train.v());
                in.put("u", u);
                in.put("v", v);
                SpectralNormReference.Forward f = SpectralNormReference.forward(d, w, widen(u), widen(v));
                out.put("dst", f.dst());
                sc.put("dst", f.dstScale());
            }
            case FORWARD_TRAINING -> {
                in.put("u", u0);
                in.put("v", v0);
                out.put("u", train.u());
                sc.put("u", train.uScale());
                out.put("v", train.v());
                sc.put("v", train.vScale());
                out.put("dst", train.dst());
                sc.put("dst", train.dstScale());
                out.put("sigma", new double[] {train.sigma()});
                sc.put("sigma", new double[] {train.sigmaScale()});
            }
            case BACKWARD -> {
                float[] u = narrow(train.u());
                float[] v = narrow(train.v());
                float[] sigma = {(float) train.sigma()};
                in.put("diff_dst", diffDst);
                in.put("u", u);
                in.put("v", v);
                in.put("sigma", sigma);
                double[][] b = SpectralNormReference.backward(d, w, widen(diffDst), widen(u), widen(v), sigma[0]);
                out.put("diff_src", b[0]);
                sc.put("diff_src", b[1]);
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    /** A normalized N(0, 1) vector, rounded to f32. */
    private static float[] unit(int n, SplittableRandom rnd) {
        double[] x = new double[n];
        double sq = 0;
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextGaussian();
            sq += x[i] * x[i];
        }
        float[] u = new float[n];
        for (int i = 0; i < n; i++) u[i] = (float) (x[i] / Math.sqrt(sq));
        return u;
    }
}
