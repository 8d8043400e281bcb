package dev.normkit.conformance;

import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
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
 * diff_scale, diff_shift}, in the order the kernel signatures list them; batch norm also has the inputs {@code variance,
 * running_mean, running_var} and the outputs {@code variance, running_mean, running_var} (an output named like an input
 * is updated in place: it starts as that input); instance norm has the same names, its forward's running statistics
 * being inputs. {@code scales} holds, for the outputs that
 * have one, the magnitude each element's error is measured against ({@link ErrorScales}).
 */
public record CaseData(Map<String, float[]> inputs, Map<String, double[]> expected, Map<String, double[]> scales) {

    public CaseData {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        expected = Collections.unmodifiableMap(new LinkedHashMap<>(expected));
        scales = Collections.unmodifiableMap(new LinkedHashMap<>(scales));
    }

    public float[] input(String name) {
        return inputs.get(name);
    }

    /** The error scale of an output, or null where the reference value itself is the scale. */
    public double[] scale(String output) {
        return scales.get(output);
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
        Map<String, double[]> sc = new LinkedHashMap<>();
        switch (c.desc()) {
            case LayerNormDesc d -> layerNorm(c.direction(), d, src, diffDst, params, in, out, sc);
            case RmsNormDesc d -> rmsNorm(c.direction(), d, src, diffDst, params, in, out, sc);
            case SoftmaxDesc d -> softmax(c.direction(), d, src, diffDst, in, out, sc);
            case ActivationDesc d -> activation(c.direction(), d, src, diffDst, in, out, sc);
            case GroupNormDesc d -> groupNorm(c.direction(), d, fromChannelsFirst(d, src), diffDst, params, in, out,
                    sc);
            case LrnDesc d -> lrn(c.direction(), d, src, diffDst, in, out, sc);
            case BatchNormDesc d -> batchNorm(c.direction(), d, fromChannelsLast(d, src), diffDst, params, in, out, sc);
            case InstanceNormDesc d -> instanceNorm(c.direction(), d, fromChannelsFirst(d.asGroupNorm(), src), diffDst,
                    params, in, out, sc);
            case WeightNormDesc d -> WeightCases.weightNorm(c.direction(), d, src, diffDst, params, in, out, sc);
            case SpectralNormDesc d -> WeightCases.spectralNorm(c.direction(), d, src, diffDst, params, in, out, sc);
            case L2NormalizeDesc d -> pNorm(c.direction(), d.kernelName(), PNormReference.Form.of(d), src, diffDst, in,
                    out, sc, false);
            case DivisiveNormDesc d -> {
                if (d.acrossChannels()) pNormWindow(c.direction(), d, src, diffDst, in, out, sc);
                else pNorm(c.direction(), d.kernelName(), PNormReference.Form.of(d), src, diffDst, in, out, sc, true);
            }
        }
        return new CaseData(in, out, sc);
    }

    private static void layerNorm(Direction dir, LayerNormDesc d, float[] src, float[] diffDst,
            SplittableRandom params, Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        int cols = Math.toIntExact(d.cols());
        // gamma near 1 and beta near 0, as trained models have, but not exactly: a kernel that ignores either fails.
        float[] scale = d.useScale() ? normal(cols, 0.25, 1.0, params.split()) : null;
        float[] shift = d.useShift() ? normal(cols, 0.5, 0.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        putIfPresent(in, "shift", shift);
        double[] x = widen(src);
        LayerNormReference.Forward f = LayerNormReference.forward(d, x, widen(scale), widen(shift));
        switch (dir) {
            case FORWARD, FORWARD_TRAINING -> {
                double[][] s = ErrorScales.layerNormForward(d, x, widen(scale), widen(shift), f);
                out.put("dst", f.dst());
                sc.put("dst", s[0]);
                if (dir == Direction.FORWARD_TRAINING) {
                    out.put("mean", f.mean());
                    sc.put("mean", s[1]);
                    out.put("rstd", f.rstd());
                    sc.put("rstd", s[2]);
                }
            }
            case BACKWARD -> {
                float[] mean = narrow(f.mean());
                float[] rstd = narrow(f.rstd());
                in.put("diff_dst", diffDst);
                in.put("mean", mean);
                in.put("rstd", rstd);
                double[] dy = widen(diffDst);
                LayerNormReference.Backward b =
                        LayerNormReference.backward(d, x, dy, widen(scale), widen(mean), widen(rstd));
                double[][] s = ErrorScales.layerNormBackward(d, x, dy, widen(scale), widen(mean), widen(rstd));
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                if (d.useScale()) {
                    out.put("diff_scale", b.diffScale());
                    sc.put("diff_scale", s[1]);
                }
                if (d.useShift()) {
                    out.put("diff_shift", b.diffShift());
                    sc.put("diff_shift", s[2]);
                }
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void rmsNorm(Direction dir, RmsNormDesc d, float[] src, float[] diffDst, SplittableRandom params,
            Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        float[] scale = d.useScale() ? normal(Math.toIntExact(d.cols()), 0.25, 1.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        double[] x = widen(src);
        RmsNormReference.Forward f = RmsNormReference.forward(d, x, widen(scale));
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
                double[] dy = widen(diffDst);
                RmsNormReference.Backward b = RmsNormReference.backward(d, x, dy, widen(scale), widen(rstd));
                double[][] s = ErrorScales.rmsNormBackward(d, x, dy, widen(scale), widen(rstd));
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                if (d.useScale()) {
                    out.put("diff_scale", b.diffScale());
                    sc.put("diff_scale", s[1]);
                }
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void softmax(Direction dir, SoftmaxDesc d, float[] src, float[] diffDst, Map<String, float[]> in,
            Map<String, double[]> out, Map<String, double[]> sc) {
        double[] x = widen(src);
        double[] y = SoftmaxReference.forward(d, x);
        switch (dir) {
            case FORWARD -> {
                in.put("src", src);
                out.put("dst", y);
                putIfPresent(sc, "dst", ErrorScales.softmaxForward(d, x, y));
            }
            case BACKWARD -> {
                double[] dst = widen(narrow(y));
                double[] dy = widen(diffDst);
                in.put("dst", narrow(y));
                in.put("diff_dst", diffDst);
                out.put("diff_src", SoftmaxReference.backward(d, dst, dy));
                sc.put("diff_src", ErrorScales.softmaxBackward(d, dst, dy));
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void activation(Direction dir, ActivationDesc d, float[] src, float[] diffDst,
            Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        double[] s = widen(src);
        switch (dir) {
            case FORWARD -> {
                double[] y = ActivationReference.forward(d, s);
                in.put("src", src);
                out.put("dst", y);
                putIfPresent(sc, "dst", ErrorScales.activationForward(d, s, y));
            }
            case BACKWARD -> {
                double[] dy = widen(diffDst);
                in.put("src", src);
                in.put("diff_dst", diffDst);
                out.put("diff_src", ActivationReference.backward(d, s, dy));
                sc.put("diff_src", ErrorScales.activationBackward(d, s, dy));
            }
            case BACKWARD_FROM_DST -> {
                // The reference reads the same f32 dst the paths get, so only the paths' own roundings of dy * f'(dst)
                // are measured, against |ref|.
                float[] dst = narrow(ActivationReference.forward(d, s));
                in.put("dst", dst);
                in.put("diff_dst", diffDst);
                out.put("diff_src", ActivationReference.backwardFromDst(d, widen(dst), widen(diffDst)));
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    /** The families fill group norm's channels-first view ({@link RowLayout}); NHWC data is moved into place. */
    private static float[] fromChannelsFirst(GroupNormDesc d, float[] channelsFirst) {
        if (d.layout() != ChannelLayout.NHWC) return channelsFirst;
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        int spatial = Math.toIntExact(d.spatial());
        float[] x = new float[channelsFirst.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < spatial; s++) {
                    x[GroupNormReference.at(d, n, c, s)] = channelsFirst[(n * channels + c) * spatial + s];
                }
            }
        }
        return x;
    }

    private static void groupNorm(Direction dir, GroupNormDesc d, float[] src, float[] diffDst,
            SplittableRandom params, Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        int channels = Math.toIntExact(d.channels());
        float[] scale = d.useScale() ? normal(channels, 0.25, 1.0, params.split()) : null;
        float[] shift = d.useShift() ? normal(channels, 0.5, 0.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        putIfPresent(in, "shift", shift);
        double[] x = widen(src);
        GroupNormReference.Forward f = GroupNormReference.forward(d, x, widen(scale), widen(shift));
        switch (dir) {
            case FORWARD, FORWARD_TRAINING -> {
                double[][] s = ErrorScales.groupNormForward(d, x, widen(scale), widen(shift), f);
                out.put("dst", f.dst());
                sc.put("dst", s[0]);
                if (dir == Direction.FORWARD_TRAINING) {
                    out.put("mean", f.mean());
                    sc.put("mean", s[1]);
                    out.put("variance", f.variance());
                    sc.put("variance", s[2]);
                }
            }
            case BACKWARD -> {
                float[] mean = narrow(f.mean());
                float[] variance = narrow(f.variance());
                in.put("diff_dst", diffDst);
                in.put("mean", mean);
                in.put("variance", variance);
                double[] dy = widen(diffDst);
                GroupNormReference.Backward b =
                        GroupNormReference.backward(d, x, dy, widen(scale), widen(mean), widen(variance));
                double[][] s = ErrorScales.groupNormBackward(d, x, dy, widen(scale), widen(mean), widen(variance));
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                if (d.useScale()) {
                    out.put("diff_scale", b.diffScale());
                    sc.put("diff_scale", s[1]);
                }
                if (d.useShift()) {
                    out.put("diff_shift", b.diffShift());
                    sc.put("diff_shift", s[2]);
                }
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    /** The families fill batch norm's channels-last view ({@link RowLayout}); NCHW data is moved into place. */
    private static float[] fromChannelsLast(BatchNormDesc d, float[] channelsLast) {
        if (d.inner() == 1) return channelsLast;
        int channels = Math.toIntExact(d.channels());
        int n = Math.toIntExact(d.perChannel());
        float[] x = new float[channelsLast.length];
        for (int m = 0; m < n; m++) {
            for (int c = 0; c < channels; c++) x[BatchNormReference.element(d, c, m)] = channelsLast[m * channels + c];
        }
        return x;
    }

    private static void batchNorm(Direction dir, BatchNormDesc d, float[] src, float[] diffDst,
            SplittableRandom params, Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        int channels = Math.toIntExact(d.channels());
        float[] scale = d.useScale() ? normal(channels, 0.25, 1.0, params.split()) : null;
        float[] shift = d.useShift() ? normal(channels, 0.5, 0.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        putIfPresent(in, "shift", shift);
        double[] x = widen(src);
        BatchNormReference.Forward batch = BatchNormReference.forwardTraining(d, x, widen(scale), widen(shift));
        switch (dir) {
            case FORWARD -> {
                // Running statistics near the batch's but not equal: a path that takes the batch's fails.
                SplittableRandom r = params.split();
                float[] mean = new float[channels];
                float[] variance = new float[channels];
                for (int c = 0; c < channels; c++) {
                    double sd = Math.sqrt(batch.variance()[c]);
                    mean[c] = (float) (batch.mean()[c] + 0.25 * sd * r.nextGaussian());
                    variance[c] = (float) (batch.variance()[c] * r.nextDouble(0.5, 1.5));
                }
                in.put("mean", mean);
                in.put("variance", variance);
                BatchNormReference.Forward f =
                        BatchNormReference.forward(d, x, widen(scale), widen(shift), widen(mean), widen(variance));
                out.put("dst", f.dst());
                sc.put("dst", ErrorScales.batchNormForward(d, false, x, widen(scale), widen(shift), f)[0]);
            }
            case FORWARD_TRAINING -> {
                float[] runningMean = normal(channels, 1.0, 0.0, params.split());
                float[] runningVar = normal(channels, 0.25, 1.0, params.split());
                in.put("running_mean", runningMean);
                in.put("running_var", runningVar);
                double[][] s = ErrorScales.batchNormForward(d, true, x, widen(scale), widen(shift), batch);
                double[][] running = BatchNormReference.runningUpdate(d, widen(runningMean), widen(runningVar),
                        batch.mean(), batch.variance());
                double[][] runningScales =
                        ErrorScales.batchNormRunning(d, widen(runningMean), widen(runningVar), s[1], s[2]);
                out.put("dst", batch.dst());
                sc.put("dst", s[0]);
                out.put("mean", batch.mean());
                sc.put("mean", s[1]);
                out.put("variance", batch.variance());
                sc.put("variance", s[2]);
                out.put("running_mean", running[0]);
                sc.put("running_mean", runningScales[0]);
                out.put("running_var", running[1]);
                sc.put("running_var", runningScales[1]);
            }
            case BACKWARD -> {
                float[] mean = narrow(batch.mean());
                float[] variance = narrow(batch.variance());
                float[] dst = d.fuseRelu() ? narrow(batch.dst()) : null;
                in.put("diff_dst", diffDst);
                in.put("mean", mean);
                in.put("variance", variance);
                putIfPresent(in, "dst", dst);
                double[] dy = widen(diffDst);
                BatchNormReference.Backward b = BatchNormReference.backward(d, false, x, dy, widen(scale),
                        widen(mean), widen(variance), widen(dst));
                double[][] s = ErrorScales.batchNormBackward(d, x, dy, widen(scale), widen(mean), widen(variance),
                        widen(dst));
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                if (d.useScale()) {
                    out.put("diff_scale", b.diffScale());
                    sc.put("diff_scale", s[1]);
                }
                if (d.useShift()) {
                    out.put("diff_shift", b.diffShift());
                    sc.put("diff_shift", s[2]);
                }
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    /**
     * Instance norm: the statistics, training forward and backward as group norm with G = C; with running statistics,
     * forward normalizes by them and training forward updates them.
     */
    private static void instanceNorm(Direction dir, InstanceNormDesc d, float[] src, float[] diffDst,
            SplittableRandom params, Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        GroupNormDesc g = d.asGroupNorm();
        int batch = Math.toIntExact(d.batch());
        int channels = Math.toIntExact(d.channels());
        float[] scale = d.useScale() ? normal(channels, 0.25, 1.0, params.split()) : null;
        float[] shift = d.useShift() ? normal(channels, 0.5, 0.0, params.split()) : null;
        in.put("src", src);
        putIfPresent(in, "scale", scale);
        putIfPresent(in, "shift", shift);
        double[] x = widen(src);
        GroupNormReference.Forward f = InstanceNormReference.forward(d, x, widen(scale), widen(shift));
        switch (dir) {
            case FORWARD -> {
                if (!d.trackRunningStats()) {
                    out.put("dst", f.dst());
                    sc.put("dst", ErrorScales.groupNormForward(g, x, widen(scale), widen(shift), f)[0]);
                    return;
                }
                // Running statistics near the instances' average but not equal: a path that normalizes by the
                // instance statistics fails.
                SplittableRandom r = params.split();
                float[] runningMean = new float[channels];
                float[] runningVar = new float[channels];
                for (int c = 0; c < channels; c++) {
                    double mu = 0;
                    double var = 0;
                    for (int n = 0; n < batch; n++) {
                        mu += f.mean()[n * channels + c] / batch;
                        var += f.variance()[n * channels + c] / batch;
                    }
                    runningMean[c] = (float) (mu + 0.25 * Math.sqrt(var) * r.nextGaussian());
                    runningVar[c] = (float) (var * r.nextDouble(0.5, 1.5));
                }
                in.put("running_mean", runningMean);
                in.put("running_var", runningVar);
                out.put("dst", InstanceNormReference.forwardFromRunning(d, x, widen(scale), widen(shift),
                        widen(runningMean), widen(runningVar)));
                sc.put("dst", ErrorScales.instanceNormFromRunning(d, x, widen(scale), widen(shift),
                        widen(runningMean), widen(runningVar)));
            }
            case FORWARD_TRAINING -> {
                double[][] s = ErrorScales.groupNormForward(g, x, widen(scale), widen(shift), f);
                out.put("dst", f.dst());
                sc.put("dst", s[0]);
                out.put("mean", f.mean());
                sc.put("mean", s[1]);
                out.put("variance", f.variance());
                sc.put("variance", s[2]);
                if (d.trackRunningStats()) {
                    float[] runningMean = normal(channels, 1.0, 0.0, params.split());
                    float[] runningVar = normal(channels, 0.25, 1.0, params.split());
                    in.put("running_mean", runningMean);
                    in.put("running_var", runningVar);
                    double[][] running = InstanceNormReference.runningUpdate(d, widen(runningMean),
                            widen(runningVar), f.mean(), f.variance());
                    double[][] runningScales = ErrorScales.instanceNormRunning(d, widen(runningMean),
                            widen(runningVar), s[1], s[2]);
                    out.put("running_mean", running[0]);
                    sc.put("running_mean", runningScales[0]);
                    out.put("running_var", running[1]);
                    sc.put("running_var", runningScales[1]);
                }
            }
            case BACKWARD -> {
                float[] mean = narrow(f.mean());
                float[] variance = narrow(f.variance());
                in.put("diff_dst", diffDst);
                in.put("mean", mean);
                in.put("variance", variance);
                double[] dy = widen(diffDst);
                GroupNormReference.Backward b =
                        InstanceNormReference.backward(d, x, dy, widen(scale), widen(mean), widen(variance));
                double[][] s = ErrorScales.groupNormBackward(g, x, dy, widen(scale), widen(mean), widen(variance));
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                if (d.useScale()) {
                    out.put("diff_scale", b.diffScale());
                    sc.put("diff_scale", s[1]);
                }
                if (d.useShift()) {
                    out.put("diff_shift", b.diffShift());
                    sc.put("diff_shift", s[2]);
                }
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    private static void lrn(Direction dir, LrnDesc d, float[] src, float[] diffDst, Map<String, float[]> in,
            Map<String, double[]> out, Map<String, double[]> sc) {
        double[] x = widen(src);
        in.put("src", src);
        switch (dir) {
            // A product of x and a positive power: no cancellation, |ref| is the scale.
            case FORWARD -> out.put("dst", LrnReference.forward(d, x));
            case BACKWARD -> {
                double[] dy = widen(diffDst);
                in.put("diff_dst", diffDst);
                out.put("diff_src", LrnReference.backward(d, x, dy));
                sc.put("diff_src", LrnReference.backwardScale(d, x, dy));
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    /**
     * l2_normalize and divisive_norm: forward {@code dst} (relative to |ref|); backward {@code diff_src}, and for
     * divisive norm {@code diff_gain} (one float, d loss / d gain). Backward takes src itself (the norm is recomputed),
     * so there is no saved statistic to round.
     */
    private static void pNorm(Direction dir, String kernel, PNormReference.Form f, float[] src, float[] diffDst,
            Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc, boolean withGain) {
        double[] x = widen(src);
        in.put("src", src);
        switch (dir) {
            case FORWARD -> out.put("dst", PNormReference.forward(f, x));
            case BACKWARD -> {
                in.put("diff_dst", diffDst);
                double[] dy = widen(diffDst);
                PNormReference.Backward b = PNormReference.backward(f, x, dy);
                double[][] s = PNormReference.backwardScales(f, x, dy);
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                if (withGain) {
                    out.put("diff_gain", new double[] {b.diffGain()});
                    sc.put("diff_gain", s[1]);
                }
            }
            default -> throw unsupported(dir, kernel);
        }
    }

    /** divisive_norm across channels: as {@link #pNorm}, each element with its own window's norm. */
    private static void pNormWindow(Direction dir, DivisiveNormDesc d, float[] src, float[] diffDst,
            Map<String, float[]> in, Map<String, double[]> out, Map<String, double[]> sc) {
        double[] x = widen(src);
        in.put("src", src);
        switch (dir) {
            case FORWARD -> out.put("dst", PNormWindowReference.forward(d, x));
            case BACKWARD -> {
                in.put("diff_dst", diffDst);
                double[] dy = widen(diffDst);
                PNormReference.Backward b = PNormWindowReference.backward(d, x, dy);
                double[][] s = PNormWindowReference.backwardScales(d, x, dy);
                out.put("diff_src", b.diffSrc());
                sc.put("diff_src", s[0]);
                out.put("diff_gain", new double[] {b.diffGain()});
                sc.put("diff_gain", s[1]);
            }
            default -> throw unsupported(dir, d.kernelName());
        }
    }

    static IllegalArgumentException unsupported(Direction dir, String kernel) {
        return new IllegalArgumentException("direction: " + kernel + " has no " + dir);
    }

    private static <T> void putIfPresent(Map<String, T> m, String name, T v) {
        if (v != null) m.put(name, v);
    }

    static float[] normal(int n, double sigma, double mean, SplittableRandom rnd) {
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
