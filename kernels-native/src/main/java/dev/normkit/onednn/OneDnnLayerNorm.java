package dev.normkit.onednn;

import static dev.normkit.onednn.dnnl.ExecArg.DIFF_DST;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SCALE;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SHIFT;
import static dev.normkit.onednn.dnnl.ExecArg.DIFF_SRC;
import static dev.normkit.onednn.dnnl.ExecArg.DST;
import static dev.normkit.onednn.dnnl.ExecArg.MEAN;
import static dev.normkit.onednn.dnnl.ExecArg.SCALE;
import static dev.normkit.onednn.dnnl.ExecArg.SHIFT;
import static dev.normkit.onednn.dnnl.ExecArg.SRC;
import static dev.normkit.onednn.dnnl.ExecArg.VARIANCE;

import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.NormFlag;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Layer normalization on oneDNN's {@code layer_normalization} primitive over the {@code rows x cols} view, with
 * {@code use_scale} / {@code use_shift} as the descriptor says. Three primitives are made once: inference forward,
 * training forward and backward.
 *
 * <p>oneDNN saves the variance where normkit saves rstd: training forward lets oneDNN write the variance into a
 * kernel-owned buffer and writes {@code rstd = 1/sqrt(var + eps)} to the caller's; backward turns the caller's rstd
 * back into the variance ({@code 1/rstd^2 - eps}) in that buffer. The mean passes straight through.
 */
final class OneDnnLayerNorm extends OneDnnKernel implements LayerNormKernel {

    private final LayerNormDesc desc;
    private final long rows;
    private final MemorySegment variance;
    private final StagedPrimitive inference;
    private final StagedPrimitive training;
    private final StagedPrimitive backward;

    OneDnnLayerNorm(DnnlEngine engine, OneDnnThreads threads, LayerNormDesc desc, LayerNormalizationDescs pds) {
        super(engine, threads);
        this.desc = desc;
        this.rows = desc.rows();
        long n = desc.shape().elementCount();
        long cols = desc.cols();
        try {
            // Staging for heap arguments, allocated on first need and shared by the primitives (one runs at a time):
            // three data tensors, three parameter vectors and the mean. The variance is always kernel-owned.
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            StagingBuffer param0 = staging(cols), param1 = staging(cols), param2 = staging(cols);
            StagingBuffer mean = staging(rows);
            variance = floats(rows);

            inference = primitive(pds.inference());
            inference.stage(SRC, n, data0);
            inference.stage(DST, n, data1);
            stageParameters(inference, cols, param0, param1);

            training = primitive(pds.training());
            training.stage(SRC, n, data0);
            training.stage(DST, n, data1);
            stageParameters(training, cols, param0, param1);
            training.stage(MEAN, rows, mean);
            training.fix(VARIANCE, rows, variance);

            backward = primitive(pds.backward());
            backward.stage(SRC, n, data0);
            backward.stage(DIFF_DST, n, data1);
            backward.stage(DIFF_SRC, n, data2);
            backward.stage(MEAN, rows, mean);
            backward.fix(VARIANCE, rows, variance);
            if (desc.useScale()) {
                backward.stage(SCALE, cols, param0);
                backward.stage(DIFF_SCALE, cols, param1);
            }
            if (desc.useShift()) {
                backward.stage(DIFF_SHIFT, cols, param2);
            }
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    private void stageParameters(StagedPrimitive forward, long cols, StagingBuffer scale, StagingBuffer shift) {
        if (desc.useScale()) {
            forward.stage(SCALE, cols, scale);
        }
        if (desc.useShift()) {
            forward.stage(SHIFT, cols, shift);
        }
    }

    /** The oneDNN flags for a layer norm descriptor. */
    static Set<NormFlag> flags(LayerNormDesc d) {
        Set<NormFlag> flags = EnumSet.noneOf(NormFlag.class);
        if (d.useScale()) flags.add(NormFlag.USE_SCALE);
        if (d.useShift()) flags.add(NormFlag.USE_SHIFT);
        return flags;
    }

    /** The oneDNN descriptors of a layer norm descriptor. */
    static LayerNormalizationDescs descs(DnnlEngine engine, LayerNormDesc d) {
        return LayerNormalizationDescs.create(engine, d.rows(), d.cols(), d.eps(), flags(d));
    }

    @Override
    public LayerNormDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, false, null, null);
        begin();
        forwardArguments(inference, src, dst, scale, shift);
        inference.execute(stream);
    }

    @Override
    public synchronized void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale,
            MemorySegment shift,
            MemorySegment mean, MemorySegment rstd) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, true, mean, rstd);
        begin();
        forwardArguments(training, src, dst, scale, shift);
        training.output(MEAN, mean);
        training.execute(stream);
        RstdConversion.toRstd(variance, rstd, rows, desc.eps());
    }

    private void forwardArguments(StagedPrimitive forward, MemorySegment src, MemorySegment dst, MemorySegment scale,
            MemorySegment shift) {
        forward.input(SRC, src);
        if (scale != null) forward.input(SCALE, scale);
        if (shift != null) forward.input(SHIFT, shift);
        forward.output(DST, dst);
    }

    @Override
    public synchronized void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.layerNormBackward(desc, src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
        begin();
        RstdConversion.toVariance(rstd, variance, rows, desc.eps());
        backward.input(SRC, src);
        backward.input(DIFF_DST, diffDst);
        backward.input(MEAN, mean);
        if (scale != null) backward.input(SCALE, scale);
        backward.output(DIFF_SRC, diffSrc);
        if (diffScale != null) backward.output(DIFF_SCALE, diffScale);
        if (diffShift != null) backward.output(DIFF_SHIFT, diffShift);
        backward.execute(stream);
    }
}
