package dev.normkit.spi;

import static dev.normkit.spi.SegmentArgs.input;
import static dev.normkit.spi.SegmentArgs.optionalInput;
import static dev.normkit.spi.SegmentArgs.optionalOutput;
import static dev.normkit.spi.SegmentArgs.output;

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
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;
import java.lang.foreign.MemorySegment;

/**
 * One place for each kernel operation's argument checks, so every path rejects the same inputs with the same
 * messages. Paths call these at the top of each run method.
 */
public final class KernelArgs {
    private KernelArgs() {}

    /** Layer norm forward; {@code mean} and {@code rstd} are checked only when {@code training}. */
    public static void layerNormForward(LayerNormDesc d, MemorySegment src, MemorySegment dst, MemorySegment scale,
            MemorySegment shift, boolean training, MemorySegment mean, MemorySegment rstd) {
        long n = d.shape().elementCount();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, d.cols(), d.useScale(), "useScale");
        optionalInput("shift", shift, d.cols(), d.useShift(), "useShift");
        if (training) {
            output("mean", mean, d.rows());
            output("rstd", rstd, d.rows());
        }
    }

    public static void layerNormBackward(LayerNormDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment scale, MemorySegment mean, MemorySegment rstd, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        long n = d.shape().elementCount();
        input("src", src, n);
        input("diffDst", diffDst, n);
        optionalInput("scale", scale, d.cols(), d.useScale(), "useScale");
        input("mean", mean, d.rows());
        input("rstd", rstd, d.rows());
        output("diffSrc", diffSrc, n);
        optionalOutput("diffScale", diffScale, d.cols(), d.useScale(), "useScale");
        optionalOutput("diffShift", diffShift, d.cols(), d.useShift(), "useShift");
    }

    /** RMS norm forward; {@code rstd} is checked only when {@code training}. */
    public static void rmsNormForward(RmsNormDesc d, MemorySegment src, MemorySegment dst, MemorySegment scale,
            boolean training, MemorySegment rstd) {
        long n = d.shape().elementCount();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, d.cols(), d.useScale(), "useScale");
        if (training) {
            output("rstd", rstd, d.rows());
        }
    }

    public static void rmsNormBackward(RmsNormDesc d, MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale) {
        long n = d.shape().elementCount();
        input("src", src, n);
        input("diffDst", diffDst, n);
        optionalInput("scale", scale, d.cols(), d.useScale(), "useScale");
        input("rstd", rstd, d.rows());
        output("diffSrc", diffSrc, n);
        optionalOutput("diffScale", diffScale, d.cols(), d.useScale(), "useScale");
    }

    public static void softmaxForward(SoftmaxDesc d, MemorySegment src, MemorySegment dst) {
        long n = d.shape().elementCount();
        input("src", src, n);
        output("dst", dst, n);
    }

    public static void softmaxBackward(SoftmaxDesc d, MemorySegment dst, MemorySegment diffDst,
            MemorySegment diffSrc) {
        long n = d.shape().elementCount();
        input("dst", dst, n);
        input("diffDst", diffDst, n);
        output("diffSrc", diffSrc, n);
    }

    public static void activationForward(ActivationDesc d, MemorySegment src, MemorySegment dst) {
        sameShapeForward(d, src, dst);
    }

    public static void activationBackward(ActivationDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment diffSrc) {
        if (!d.activation().hasBackward()) {
            throw new IllegalStateException(d.kernelName() + " has no backward (it is forward only)");
        }
        sameShapeBackward(d, src, diffDst, diffSrc);
    }

    public static void activationBackwardFromDst(ActivationDesc d, MemorySegment dst, MemorySegment diffDst,
            MemorySegment diffSrc) {
        if (!d.hasBackwardFromDst()) {
            throw new IllegalStateException(d.kernelName() + " with alpha=" + d.alpha() + ", beta=" + d.beta()
                    + " has no backward from dst; use backward(src, diffDst, diffSrc)");
        }
        long n = d.shape().elementCount();
        input("dst", dst, n);
        input("diffDst", diffDst, n);
        output("diffSrc", diffSrc, n);
    }

    /** Batch norm inference forward: the given statistics are inputs. */
    public static void batchNormForward(BatchNormDesc d, MemorySegment src, MemorySegment dst, MemorySegment scale,
            MemorySegment shift, MemorySegment mean, MemorySegment variance) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        optionalInput("shift", shift, c, d.useShift(), "useShift");
        input("mean", mean, c);
        input("variance", variance, c);
    }

    /** Batch norm training forward: mean and variance are outputs; the running statistics both or neither. */
    public static void batchNormForwardTraining(BatchNormDesc d, MemorySegment src, MemorySegment dst,
            MemorySegment scale, MemorySegment shift, MemorySegment mean, MemorySegment variance,
            MemorySegment runningMean, MemorySegment runningVar) {
        if (d.perChannel() < 2) {
            throw new IllegalArgumentException("shape: training needs more than 1 value per channel (the unbiased "
                    + "variance divides by n - 1), got n = " + d.perChannel() + " for " + d.shape());
        }
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        optionalInput("shift", shift, c, d.useShift(), "useShift");
        output("mean", mean, c);
        output("variance", variance, c);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException((runningMean == null ? "runningMean" : "runningVar")
                    + ": must be given together with " + (runningMean == null ? "runningVar" : "runningMean")
                    + " (or both null to keep no running statistics)");
        }
        if (runningMean != null) {
            output("runningMean", runningMean, c);
            output("runningVar", runningVar, c);
        }
    }

    /** Batch norm backward (either kind): dst is needed exactly when the ReLU is fused. */
    public static void batchNormBackward(BatchNormDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment scale, MemorySegment mean, MemorySegment variance, MemorySegment dst,
            MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        input("diffDst", diffDst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        input("mean", mean, c);
        input("variance", variance, c);
        optionalInput("dst", dst, n, d.fuseRelu(), "fuseRelu");
        output("diffSrc", diffSrc, n);
        optionalOutput("diffScale", diffScale, c, d.useScale(), "useScale");
        optionalOutput("diffShift", diffShift, c, d.useShift(), "useShift");
    }

    /** Group norm forward; {@code mean} and {@code variance} are checked only when {@code training}. */
    public static void groupNormForward(GroupNormDesc d, MemorySegment src, MemorySegment dst, MemorySegment scale,
            MemorySegment shift, boolean training, MemorySegment mean, MemorySegment variance) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        optionalInput("shift", shift, c, d.useShift(), "useShift");
        if (training) {
            output("mean", mean, d.batch() * d.groups());
            output("variance", variance, d.batch() * d.groups());
        }
    }

    public static void groupNormBackward(GroupNormDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment scale, MemorySegment mean, MemorySegment variance, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        input("diffDst", diffDst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        input("mean", mean, d.batch() * d.groups());
        input("variance", variance, d.batch() * d.groups());
        output("diffSrc", diffSrc, n);
        optionalOutput("diffScale", diffScale, c, d.useScale(), "useScale");
        optionalOutput("diffShift", diffShift, c, d.useShift(), "useShift");
    }

    /** Instance norm inference forward: the running statistics are inputs, given exactly when tracked. */
    public static void instanceNormForward(InstanceNormDesc d, MemorySegment src, MemorySegment dst,
            MemorySegment scale, MemorySegment shift, MemorySegment runningMean, MemorySegment runningVar) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        optionalInput("shift", shift, c, d.useShift(), "useShift");
        optionalInput("runningMean", runningMean, c, d.trackRunningStats(), "trackRunningStats");
        optionalInput("runningVar", runningVar, c, d.trackRunningStats(), "trackRunningStats");
    }

    /** Instance norm training forward: mean and variance ({@code N x C}) are outputs, the running statistics too. */
    public static void instanceNormForwardTraining(InstanceNormDesc d, MemorySegment src, MemorySegment dst,
            MemorySegment scale, MemorySegment shift, MemorySegment mean, MemorySegment variance,
            MemorySegment runningMean, MemorySegment runningVar) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        output("dst", dst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        optionalInput("shift", shift, c, d.useShift(), "useShift");
        output("mean", mean, d.batch() * c);
        output("variance", variance, d.batch() * c);
        optionalOutput("runningMean", runningMean, c, d.trackRunningStats(), "trackRunningStats");
        optionalOutput("runningVar", runningVar, c, d.trackRunningStats(), "trackRunningStats");
    }

    public static void instanceNormBackward(InstanceNormDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment scale, MemorySegment mean, MemorySegment variance, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        long n = d.shape().elementCount();
        long c = d.channels();
        input("src", src, n);
        input("diffDst", diffDst, n);
        optionalInput("scale", scale, c, d.useScale(), "useScale");
        input("mean", mean, d.batch() * c);
        input("variance", variance, d.batch() * c);
        output("diffSrc", diffSrc, n);
        optionalOutput("diffScale", diffScale, c, d.useScale(), "useScale");
        optionalOutput("diffShift", diffShift, c, d.useShift(), "useShift");
    }

    /** Weight norm forward; {@code norm} is checked only when {@code training}. */
    public static void weightNormForward(WeightNormDesc d, MemorySegment v, MemorySegment g, MemorySegment w,
            boolean training, MemorySegment norm) {
        long n = d.shape().elementCount();
        input("v", v, n);
        input("g", g, d.slices());
        output("w", w, n);
        if (training) {
            output("norm", norm, d.slices());
        }
    }

    public static void weightNormBackward(WeightNormDesc d, MemorySegment v, MemorySegment g, MemorySegment norm,
            MemorySegment diffW, MemorySegment diffV, MemorySegment diffG) {
        long n = d.shape().elementCount();
        input("v", v, n);
        input("g", g, d.slices());
        input("norm", norm, d.slices());
        input("diffW", diffW, n);
        output("diffV", diffV, n);
        output("diffG", diffG, d.slices());
    }

    /** Spectral norm forward; {@code sigma} is checked only when {@code training}. */
    public static void spectralNormForward(SpectralNormDesc d, MemorySegment src, MemorySegment u, MemorySegment v,
            MemorySegment dst, boolean training, MemorySegment sigma) {
        long n = d.shape().elementCount();
        input("src", src, n);
        if (training && d.powerIterations() > 0) { // updated in place
            output("u", u, d.rows());
            output("v", v, d.cols());
        } else {
            input("u", u, d.rows());
            input("v", v, d.cols());
        }
        output("dst", dst, n);
        if (training) {
            output("sigma", sigma, 1);
        }
    }

    public static void spectralNormBackward(SpectralNormDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment u, MemorySegment v, MemorySegment sigma, MemorySegment diffSrc) {
        long n = d.shape().elementCount();
        input("src", src, n);
        input("diffDst", diffDst, n);
        input("u", u, d.rows());
        input("v", v, d.cols());
        input("sigma", sigma, 1);
        output("diffSrc", diffSrc, n);
    }

    public static void lrnForward(LrnDesc d, MemorySegment src, MemorySegment dst) {
        sameShapeForward(d, src, dst);
    }

    public static void lrnBackward(LrnDesc d, MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        sameShapeBackward(d, src, diffDst, diffSrc);
    }

    public static void l2NormalizeForward(L2NormalizeDesc d, MemorySegment src, MemorySegment dst) {
        sameShapeForward(d, src, dst);
    }

    public static void l2NormalizeBackward(L2NormalizeDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment diffSrc) {
        sameShapeBackward(d, src, diffDst, diffSrc);
    }

    public static void divisiveNormForward(DivisiveNormDesc d, MemorySegment src, MemorySegment dst) {
        sameShapeForward(d, src, dst);
    }

    /** Divisive norm backward; {@code diffGain} is optional (null: not wanted), else one float. */
    public static void divisiveNormBackward(DivisiveNormDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment diffSrc, MemorySegment diffGain) {
        long n = d.shape().elementCount();
        input("src", src, n);
        input("diffDst", diffDst, n);
        output("diffSrc", diffSrc, n);
        if (diffGain != null) output("diffGain", diffGain, 1);
    }

    /** src and dst each hold the descriptor's whole tensor (elementwise and same-shape kernels). */
    private static void sameShapeForward(KernelDesc<?> d, MemorySegment src, MemorySegment dst) {
        long n = d.shape().elementCount();
        input("src", src, n);
        output("dst", dst, n);
    }

    /** src, diffDst and diffSrc each hold the descriptor's whole tensor. */
    private static void sameShapeBackward(KernelDesc<?> d, MemorySegment src, MemorySegment diffDst,
            MemorySegment diffSrc) {
        long n = d.shape().elementCount();
        input("src", src, n);
        input("diffDst", diffDst, n);
        output("diffSrc", diffSrc, n);
    }
}
