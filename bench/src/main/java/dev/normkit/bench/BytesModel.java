package dev.normkit.bench;

import static dev.normkit.bench.TensorSpec.in;
import static dev.normkit.bench.TensorSpec.out;

import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import dev.normkit.conformance.Direction;
import dev.normkit.conformance.KernelId;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes a kernel direction must move: every tensor it reads once plus every tensor it writes once, at f32. GB/s in
 * every report is {@link #bytes} divided by the time of one call. The benchmarks allocate exactly these tensors, so
 * what is counted is what is touched.
 *
 * <pre>
 *   layer_norm forward           src, scale, shift            -> dst
 *   layer_norm forward_training  src, scale, shift            -> dst, mean, rstd
 *   layer_norm backward          src, diffDst, scale, mean, rstd -> diffSrc, diffScale, diffShift
 *   rms_norm   as layer_norm without shift and mean
 *   softmax    forward           src -> dst;  backward dst, diffDst -> diffSrc
 *   activation forward           src -> dst;  backward src, diffDst -> diffSrc;  backward_from_dst dst, diffDst -> diffSrc
 *   batch_norm forward           src, scale, shift, mean, variance -> dst
 *   batch_norm forward_training  src, scale, shift -> dst, mean, variance, runningMean, runningVar
 *   batch_norm backward          src, diffDst, scale, mean, variance
 *                                -> diffSrc, diffScale, diffShift
 *   group_norm as layer_norm, with variance for rstd and N x groups statistics
 *   instance_norm as group_norm with N x C statistics; forward also reads runningMean, runningVar and
 *                forward_training also updates them, when the descriptor tracks them
 *   lrn        forward           src -> dst;  backward src, diffDst -> diffSrc
 *   l2_normalize forward         src -> dst;  backward src, diffDst -> diffSrc
 *   divisive_norm as l2_normalize; backward also -> diffGain (1 float)
 *   copy roof                    src -> dst
 * </pre>
 *
 * scale and shift appear only where the kernel's descriptor uses them. Batch norm's running statistics are read and
 * written (C floats each, counted once).
 */
public final class BytesModel {
    private BytesModel() {}

    /** The tensors {@code kernel}'s {@code direction} reads and writes on {@code shape}, inputs first. */
    public static List<TensorSpec> tensors(KernelId kernel, Direction direction, Shape shape) {
        if (!kernel.directions().contains(direction)) {
            throw new IllegalArgumentException("direction: " + kernel + " has " + kernel.directions() + ", not "
                    + direction);
        }
        return tensors(kernel.desc(shape), direction);
    }

    /**
     * The tensors {@code desc}'s {@code direction} reads and writes, inputs first: the same model for any descriptor,
     * not only the library defaults {@link KernelId#desc} makes ({@code normkit run} takes parameters).
     */
    public static List<TensorSpec> tensors(KernelDesc<?> desc, Direction direction) {
        long n = desc.shape().elementCount();
        List<TensorSpec> t = new ArrayList<>();
        switch (desc) {
            case LayerNormDesc d -> {
                long rows = d.rows();
                long cols = d.cols();
                if (direction == Direction.BACKWARD) {
                    t.add(in("src", n));
                    t.add(in("diffDst", n));
                    if (d.useScale()) t.add(in("scale", cols));
                    t.add(in("mean", rows));
                    t.add(in("rstd", rows));
                    t.add(out("diffSrc", n));
                    if (d.useScale()) t.add(out("diffScale", cols));
                    if (d.useShift()) t.add(out("diffShift", cols));
                } else {
                    t.add(in("src", n));
                    if (d.useScale()) t.add(in("scale", cols));
                    if (d.useShift()) t.add(in("shift", cols));
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) {
                        t.add(out("mean", rows));
                        t.add(out("rstd", rows));
                    }
                }
            }
            case RmsNormDesc d -> {
                long rows = d.rows();
                long cols = d.cols();
                if (direction == Direction.BACKWARD) {
                    t.add(in("src", n));
                    t.add(in("diffDst", n));
                    if (d.useScale()) t.add(in("scale", cols));
                    t.add(in("rstd", rows));
                    t.add(out("diffSrc", n));
                    if (d.useScale()) t.add(out("diffScale", cols));
                } else {
                    t.add(in("src", n));
                    if (d.useScale()) t.add(in("scale", cols));
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) t.add(out("rstd", rows));
                }
            }
            case SoftmaxDesc d -> {
                if (direction == Direction.BACKWARD) {
                    t.add(in("dst", n));
                    t.add(in("diffDst", n));
                    t.add(out("diffSrc", n));
                } else {
                    t.add(in("src", n));
                    t.add(out("dst", n));
                }
            }
            case ActivationDesc d -> {
                switch (direction) {
                    case FORWARD -> {
                        t.add(in("src", n));
                        t.add(out("dst", n));
                    }
                    case BACKWARD -> {
                        t.add(in("src", n));
                        t.add(in("diffDst", n));
                        t.add(out("diffSrc", n));
                    }
                    case BACKWARD_FROM_DST -> {
                        t.add(in("dst", n));
                        t.add(in("diffDst", n));
                        t.add(out("diffSrc", n));
                    }
                    case FORWARD_TRAINING -> throw new IllegalArgumentException(
                            "direction: activations have no " + direction);
                }
            }
            case LrnDesc d -> {
                t.add(in("src", n));
                if (direction == Direction.BACKWARD) t.add(in("diffDst", n));
                t.add(out(direction == Direction.BACKWARD ? "diffSrc" : "dst", n));
            }
            case GroupNormDesc d -> {
                long c = d.channels();
                long stats = d.batch() * d.groups();
                if (direction == Direction.BACKWARD) {
                    t.add(in("src", n));
                    t.add(in("diffDst", n));
                    if (d.useScale()) t.add(in("scale", c));
                    t.add(in("mean", stats));
                    t.add(in("variance", stats));
                    t.add(out("diffSrc", n));
                    if (d.useScale()) t.add(out("diffScale", c));
                    if (d.useShift()) t.add(out("diffShift", c));
                } else {
                    t.add(in("src", n));
                    if (d.useScale()) t.add(in("scale", c));
                    if (d.useShift()) t.add(in("shift", c));
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) {
                        t.add(out("mean", stats));
                        t.add(out("variance", stats));
                    }
                }
            }
            // Weight norm: v, g, w as src, scale, dst; the norms saved per slice.
            case WeightNormDesc d -> {
                long s = d.slices();
                t.add(in("src", n));
                t.add(in("scale", s));
                if (direction == Direction.BACKWARD) {
                    t.add(in("norm", s));
                    t.add(in("diffDst", n));
                    t.add(out("diffSrc", n));
                    t.add(out("diffScale", s));
                } else {
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) t.add(out("norm", s));
                }
            }
            // Spectral norm: u and v are read (and, in training, written in place: counted once, as inputs). Training
            // reads W once per power-iteration pass more than the model counts (two per iteration).
            case SpectralNormDesc d -> {
                t.add(in("src", n));
                if (direction == Direction.BACKWARD) t.add(in("diffDst", n));
                t.add(in("u", d.rows()));
                t.add(in("v", d.cols()));
                if (direction == Direction.BACKWARD) {
                    t.add(in("sigma", 1));
                    t.add(out("diffSrc", n));
                } else {
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) t.add(out("sigma", 1));
                }
            }
            case BatchNormDesc d -> {
                long c = d.channels();
                t.add(in("src", n));
                if (direction == Direction.BACKWARD) {
                    t.add(in("diffDst", n));
                    if (d.useScale()) t.add(in("scale", c));
                    t.add(in("mean", c));
                    t.add(in("variance", c));
                    t.add(out("diffSrc", n));
                    if (d.useScale()) t.add(out("diffScale", c));
                    if (d.useShift()) t.add(out("diffShift", c));
                } else {
                    if (d.useScale()) t.add(in("scale", c));
                    if (d.useShift()) t.add(in("shift", c));
                    if (direction == Direction.FORWARD) {
                        t.add(in("mean", c));
                        t.add(in("variance", c));
                    }
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) {
                        t.add(out("mean", c));
                        t.add(out("variance", c));
                        t.add(out("runningMean", c));
                        t.add(out("runningVar", c));
                    }
                }
            }
            case InstanceNormDesc d -> {
                long c = d.channels();
                long stats = d.batch() * c;
                t.add(in("src", n));
                if (direction == Direction.BACKWARD) {
                    t.add(in("diffDst", n));
                    if (d.useScale()) t.add(in("scale", c));
                    t.add(in("mean", stats));
                    t.add(in("variance", stats));
                    t.add(out("diffSrc", n));
                    if (d.useScale()) t.add(out("diffScale", c));
                    if (d.useShift()) t.add(out("diffShift", c));
                } else {
                    if (d.useScale()) t.add(in("scale", c));
                    if (d.useShift()) t.add(in("shift", c));
                    if (direction == Direction.FORWARD && d.trackRunningStats()) {
                        t.add(in("runningMean", c));
                        t.add(in("runningVar", c));
                    }
                    t.add(out("dst", n));
                    if (direction == Direction.FORWARD_TRAINING) {
                        t.add(out("mean", stats));
                        t.add(out("variance", stats));
                        if (d.trackRunningStats()) {
                            t.add(out("runningMean", c));
                            t.add(out("runningVar", c));
                        }
                    }
                }
            }
            case L2NormalizeDesc d -> pNorm(t, n, direction, false);
            case DivisiveNormDesc d -> pNorm(t, n, direction, true);
        }
        return List.copyOf(t);
    }

    /** l2_normalize and divisive_norm: backward recomputes the norm from src, so it reads src, not a statistic. */
    private static void pNorm(List<TensorSpec> t, long n, Direction direction, boolean diffGain) {
        t.add(in("src", n));
        if (direction == Direction.BACKWARD) {
            t.add(in("diffDst", n));
            t.add(out("diffSrc", n));
            if (diffGain) t.add(out("diffGain", 1));
        } else {
            t.add(out("dst", n));
        }
    }

    /** Bytes one call of {@code kernel}'s {@code direction} moves on {@code shape}. */
    public static long bytes(KernelId kernel, Direction direction, Shape shape) {
        return sum(tensors(kernel, direction, shape));
    }

    /** The copy roof's tensors on {@code shape}: src read, dst written. */
    public static List<TensorSpec> copyTensors(Shape shape) {
        long n = shape.elementCount();
        return List.of(in("src", n), out("dst", n));
    }

    /** Bytes one copy-roof call moves on {@code shape}. */
    public static long copyBytes(Shape shape) {
        return sum(copyTensors(shape));
    }

    /**
     * GB/s (1e9 bytes per second) for {@code bytes} moved per call in {@code nsPerCall}, by {@code callers} calling at
     * once; the threads of one call share its bytes.
     */
    public static double gigabytesPerSecond(long bytes, double nsPerCall, int callers) {
        return (double) bytes * callers / nsPerCall;
    }

    private static long sum(List<TensorSpec> tensors) {
        long b = 0;
        for (TensorSpec s : tensors) b += s.bytes();
        return b;
    }
}
