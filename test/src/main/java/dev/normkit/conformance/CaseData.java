package dev.normkit.conformance;

import dev.normkit.ActivationDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A case's f32 inputs and the float64 reference for each output, computed from exactly those inputs.
 *
 * <p>Backward is checked on its own: the statistics (mean, rstd) or forward output (dst) it consumes are the reference
 * forward's, rounded to f32, given to the path and the reference alike, so a forward error cannot hide or cause a
 * backward one.
 *
 * <p>Names: inputs {@code src, scale, shift, diff_dst, mean, rstd, dst}; outputs {@code dst, mean, rstd, diff_src,
 * diff_scale, diff_shift}, in the order the kernel signatures list them.
 */
public record CaseData(Map<String, float[]> inputs, Map<String, double[]> expected) {

    public CaseData {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        expected = Collections.unmodifiableMap(new LinkedHashMap<>(expected));
    }

    public float[] input(String name) {
        return inputs.get(name);
    }

    /** Generates the case's inputs (deterministic per problem) and computes its reference. */
    public static CaseData prepare(ConformanceCase c) {
        SplittableRandom rnd = new SplittableRandom(c.seed());
        RowLayout layout = RowLayout.of(c.desc());
        float[] src = c.family().generate(layout, rnd.split());
        SplittableRandom params = rnd.split();
        float[] diffDst = normal(layout.size(), 1.0, 0.0, rnd.split());
        Map<String, float[]> in = new LinkedHashMap<>();
        Map<String, double[]> out = new LinkedHashMap<>();
        switch (c.desc()) {
            case LayerNormDesc d -> layerNorm(c.direction(), d, src, diffDst, params, in, out);
            case RmsNormDesc d -> rmsNorm(c.direction(), d, src, diffDst, params, in, out);
            case SoftmaxDesc d -> softmax(c.direction(), d, src, diffDst, in, out);
            case ActivationDesc d -> activation(c.direction(), d, src, diffDst, in, out);
        }
        return new CaseData(in, out);
    }

    private static void layerNorm(Direction dir, LayerNormDesc d, float[] src, float[] diffDst,
            SplittableRandom params, Map<String, float[]> in, Map<String, double[]> out) {
        int cols = Math.toIntExact(d.cols());
        // gamma near 1 and beta near 0, as trained models have, but not exactly: a kernel that ignores either fails.
        float[] scale = d.useScale() ? normal(cols, 0.25, 1.0, params.split()) : null;
        float[] shift = d.useShift() ? normal(cols, 0.5, 0.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        putIfPresent(in, "shift", shift);
        LayerNormReference.Forward f =
                LayerNormReference.forward(d, widen(src), widen(scale), widen(shift));
        switch (dir) {
            case FORWARD -> out.put("dst", f.dst());
            case FORWARD_TRAINING -> {
                out.put("dst", f.dst());
                out.put("mean", f.mean());
                out.put("rstd", f.rstd());
            }
            case BACKWARD -> {
                float[] mean = narrow(f.mean());
                float[] rstd = narrow(f.rstd());
                in.put("diff_dst", diffDst);
                in.put("mean", mean);
                in.put("rstd", rstd);
                LayerNormReference.Backward b = LayerNormReference.backward(d, widen(src), widen(diffDst),
                        widen(scale), widen(mean), widen(rstd));
                out.put("diff_src", b.diffSrc());
                putIfPresent(out, "diff_scale", b.diffScale());
                putIfPresent(out, "diff_shift", b.diffShift());
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void rmsNorm(Direction dir, RmsNormDesc d, float[] src, float[] diffDst, SplittableRandom params,
            Map<String, float[]> in, Map<String, double[]> out) {
        float[] scale = d.useScale() ? normal(Math.toIntExact(d.cols()), 0.25, 1.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        RmsNormReference.Forward f = RmsNormReference.forward(d, widen(src), widen(scale));
        switch (dir) {
            case FORWARD -> out.put("dst", f.dst());
            case FORWARD_TRAINING -> {
                out.put("dst", f.dst());
                out.put("rstd", f.rstd());
            }
            case BACKWARD -> {
                float[] rstd = narrow(f.rstd());
                in.put("diff_dst", diffDst);
                in.put("rstd", rstd);
                RmsNormReference.Backward b =
                        RmsNormReference.backward(d, widen(src), widen(diffDst), widen(scale), widen(rstd));
                out.put("diff_src", b.diffSrc());
                putIfPresent(out, "diff_scale", b.diffScale());
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void softmax(Direction dir, SoftmaxDesc d, float[] src, float[] diffDst, Map<String, float[]> in,
            Map<String, double[]> out) {
        double[] y = SoftmaxReference.forward(d, widen(src));
        switch (dir) {
            case FORWARD -> {
                in.put("src", src);
                out.put("dst", y);
            }
            case BACKWARD -> {
                float[] dst = narrow(y);
                in.put("dst", dst);
                in.put("diff_dst", diffDst);
                out.put("diff_src", SoftmaxReference.backward(d, widen(dst), widen(diffDst)));
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void activation(Direction dir, ActivationDesc d, float[] src, float[] diffDst,
            Map<String, float[]> in, Map<String, double[]> out) {
        switch (dir) {
            case FORWARD -> {
                in.put("src", src);
                out.put("dst", ActivationReference.forward(d, widen(src)));
            }
            case BACKWARD -> {
                in.put("src", src);
                in.put("diff_dst", diffDst);
                out.put("diff_src", ActivationReference.backward(d, widen(src), widen(diffDst)));
            }
            case BACKWARD_FROM_DST -> {
                float[] dst = narrow(ActivationReference.forward(d, widen(src)));
                in.put("src", src);
                in.put("dst", dst);
                in.put("diff_dst", diffDst);
                out.put("diff_src", ActivationReference.backwardFromDst(d, widen(dst), widen(diffDst)));
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static IllegalArgumentException unsupported(Direction dir, String kernel) {
        return new IllegalArgumentException("direction: " + kernel + " has no " + dir);
    }

    private static void putIfPresent(Map<String, float[]> m, String name, float[] v) {
        if (v != null) m.put(name, v);
    }

    private static void putIfPresent(Map<String, double[]> m, String name, double[] v) {
        if (v != null) m.put(name, v);
    }

    private static float[] normal(int n, double sigma, double mean, SplittableRandom rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (mean + sigma * rnd.nextGaussian());
        return x;
    }

    static double[] widen(float[] x) {
        if (x == null) return null;
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    static float[] narrow(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }
}
