package dev.normkit.spi;

import static dev.normkit.spi.SegmentArgs.input;
import static dev.normkit.spi.SegmentArgs.optionalInput;
import static dev.normkit.spi.SegmentArgs.optionalOutput;
import static dev.normkit.spi.SegmentArgs.output;

import dev.normkit.ActivationDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
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
        long n = d.shape().elementCount();
        input("src", src, n);
        output("dst", dst, n);
    }

    public static void activationBackward(ActivationDesc d, MemorySegment src, MemorySegment diffDst,
            MemorySegment diffSrc) {
        long n = d.shape().elementCount();
        input("src", src, n);
        input("diffDst", diffDst, n);
        output("diffSrc", diffSrc, n);
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
}
