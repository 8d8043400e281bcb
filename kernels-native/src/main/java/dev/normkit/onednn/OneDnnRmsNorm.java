package dev.normkit.onednn;

import static dev.normkit.onednn.dnnl.ExecArg.DIFF_DST;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SCALE;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SRC;
import static dev.normkit.onednn.dnnl.ExecArg.DST;
import static dev.normkit.onednn.dnnl.ExecArg.SCALE;
import static dev.normkit.onednn.dnnl.ExecArg.SRC;
import static dev.normkit.onednn.dnnl.ExecArg.VARIANCE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.NormFlag;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * RMS normalization on oneDNN's {@code layer_normalization} primitive with the {@code rms_norm} flag (plus
 * {@code use_scale} when the descriptor has a scale), over the {@code rows x cols} view. Three primitives are made
 * once: inference forward, training forward and backward.
 *
 * <p>oneDNN keeps the mean of squares in its VARIANCE argument (and uses no MEAN): training forward writes it into a
 * kernel-owned buffer and gives the caller {@code rstd = 1/sqrt(mean(x^2) + eps)}; backward turns the caller's rstd
 * back into the mean of squares.
 *
 * <p><b>oneDNN 3.13 computes RMS norm's diff_src wrongly</b>: its backward (reference and JIT alike) keeps layer
 * norm's {@code -mean(g)} term, giving {@code rstd * (g - mean(g) - xhat * mean(g * xhat))} where RMS norm's gradient
 * is {@code rstd * (g - xhat * mean(g * xhat))} ({@code g = diffDst * gamma}; there is no mean to differentiate).
 * benchdnn's reference has the same term, so oneDNN's own tests agree with it. This kernel adds
 * {@code rstd * mean(g)} back per row: one Java pass over diffDst before execution (diffSrc may overwrite it) and one
 * over diffSrc after. diff_scale is right as oneDNN computes it.
 */
final class OneDnnRmsNorm extends OneDnnKernel implements RmsNormKernel {

    private final RmsNormDesc desc;
    private final long rows;
    private final long cols;
    private final MemorySegment meanOfSquares;
    /** Per row, {@code mean(diffDst * gamma)}: what oneDNN's backward wrongly subtracts (see the class comment). */
    private final MemorySegment gradientMeans;
    private final StagedPrimitive inference;
    private final StagedPrimitive training;
    private final StagedPrimitive backward;

    OneDnnRmsNorm(DnnlEngine engine, OneDnnThreads threads, RmsNormDesc desc, LayerNormalizationDescs pds) {
        super(engine, threads);
        this.desc = desc;
        this.rows = desc.rows();
        long n = desc.shape().elementCount();
        this.cols = desc.cols();
        try {
            // Staging for heap arguments, allocated on first need and shared by the primitives (one runs at a time).
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            StagingBuffer param0 = staging(cols), param1 = staging(cols);
            meanOfSquares = floats(rows);
            gradientMeans = floats(rows);

            inference = primitive(pds.inference());
            training = primitive(pds.training());
            for (StagedPrimitive forward : new StagedPrimitive[] {inference, training}) {
                forward.stage(SRC, n, data0);
                forward.stage(DST, n, data1);
                if (desc.useScale()) forward.stage(SCALE, cols, param0);
            }
            training.fix(VARIANCE, rows, meanOfSquares);

            backward = primitive(pds.backward());
            backward.stage(SRC, n, data0);
            backward.stage(DIFF_DST, n, data1);
            backward.stage(DIFF_SRC, n, data2);
            backward.fix(VARIANCE, rows, meanOfSquares);
            if (desc.useScale()) {
                backward.stage(SCALE, cols, param0);
                backward.stage(DIFF_SCALE, cols, param1);
            }
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    /** The oneDNN descriptors of an RMS norm descriptor. */
    static LayerNormalizationDescs descs(DnnlEngine engine, RmsNormDesc d) {
        Set<NormFlag> flags = EnumSet.of(NormFlag.RMS_NORM);
        if (d.useScale()) flags.add(NormFlag.USE_SCALE);
        return LayerNormalizationDescs.create(engine, d.rows(), d.cols(), d.eps(), flags);
    }

    @Override
    public RmsNormDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst, MemorySegment scale) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, false, null);
        begin();
        forwardArguments(inference, src, dst, scale);
        inference.execute(stream);
    }

    @Override
    public synchronized void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale,
            MemorySegment rstd) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, true, rstd);
        begin();
        forwardArguments(training, src, dst, scale);
        training.execute(stream);
        RstdConversion.toRstd(meanOfSquares, rstd, rows, desc.eps());
    }

    private static void forwardArguments(StagedPrimitive forward, MemorySegment src, MemorySegment dst,
            MemorySegment scale) {
        forward.input(SRC, src);
        if (scale != null) forward.input(SCALE, scale);
        forward.output(DST, dst);
    }

    @Override
    public synchronized void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale) {
        KernelArgs.rmsNormBackward(desc, src, diffDst, scale, rstd, diffSrc, diffScale);
        begin();
        RstdConversion.toVariance(rstd, meanOfSquares, rows, desc.eps());
        backward.input(SRC, src);
        backward.input(DIFF_DST, diffDst);
        if (scale != null) backward.input(SCALE, scale);
        backward.output(DIFF_SRC, diffSrc);
        if (diffScale != null) backward.output(DIFF_SCALE, diffScale);
        // The correction works on the native memory oneDNN reads and writes (heap arguments' staging buffers), so
        // its loops see one segment type; the means are taken first because diffSrc may overwrite diffDst.
        gradientMeans(backward.data(DIFF_DST), scale == null ? null : backward.data(SCALE));
        backward.run(stream);
        addBackGradientMeans(rstd, backward.data(DIFF_SRC));
        backward.copyOut();
    }

    /** {@code gradientMeans[r] = mean over the row of diffDst * gamma}. */
    private void gradientMeans(MemorySegment diffDst, MemorySegment scale) {
        for (long r = 0; r < rows; r++) {
            long first = r * cols;
            // Four independent sums: one would wait on each addition's latency.
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            long c = 0;
            for (; c + 4 <= cols; c += 4) {
                s0 += diffDst.getAtIndex(JAVA_FLOAT, first + c) * gamma(scale, c);
                s1 += diffDst.getAtIndex(JAVA_FLOAT, first + c + 1) * gamma(scale, c + 1);
                s2 += diffDst.getAtIndex(JAVA_FLOAT, first + c + 2) * gamma(scale, c + 2);
                s3 += diffDst.getAtIndex(JAVA_FLOAT, first + c + 3) * gamma(scale, c + 3);
            }
            for (; c < cols; c++) {
                s0 += diffDst.getAtIndex(JAVA_FLOAT, first + c) * gamma(scale, c);
            }
            gradientMeans.setAtIndex(JAVA_FLOAT, r, (float) (((s0 + s1) + (s2 + s3)) / cols));
        }
    }

    private static double gamma(MemorySegment scale, long c) {
        return scale == null ? 1.0 : scale.getAtIndex(JAVA_FLOAT, c);
    }

    /** {@code diffSrc += rstd * mean(g)} per row: undoes oneDNN's layer-norm-only term. */
    private void addBackGradientMeans(MemorySegment rstd, MemorySegment diffSrc) {
        for (long r = 0; r < rows; r++) {
            float correction = rstd.getAtIndex(JAVA_FLOAT, r) * gradientMeans.getAtIndex(JAVA_FLOAT, r);
            long first = r * cols;
            for (long c = 0; c < cols; c++) {
                long i = first + c;
                diffSrc.setAtIndex(JAVA_FLOAT, i, diffSrc.getAtIndex(JAVA_FLOAT, i) + correction);
            }
        }
    }
}
