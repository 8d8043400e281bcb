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
import static dev.normkit.onednn.dnnl.ExecArg.WORKSPACE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.BatchNormDesc;
import dev.normkit.BatchNormKernel;
import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.onednn.dnnl.DataType;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlMemoryDesc;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.FormatTag;
import dev.normkit.onednn.dnnl.NormFlag;
import dev.normkit.onednn.dnnl.PropKind;
import dev.normkit.spi.KernelArgs;
import dev.normkit.spi.RunningStats;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Batch normalization on oneDNN's {@code batch_normalization} primitive, channels first and last through format tags
 * ({@code abcd}, {@code acdb} and their 3-D and 5-D forms; N x C is {@code ab}). Four primitives are made once: inference forward
 * ({@code use_global_stats}), training forward, backward, and backward with global statistics.
 *
 * <p>oneDNN saves the batch mean and biased variance, as normkit does, and keeps no running statistics: training
 * forward updates them in Java ({@link RunningStats}). With the fused ReLU, training forward runs
 * {@code fuse_norm_relu} into a kernel-owned workspace, but normkit's backward takes the forward output (dst), not
 * oneDNN's opaque workspace, so backward masks diff_dst where {@code dst <= 0} in Java (one extra pass) and runs
 * oneDNN's backward without the flag.
 */
final class OneDnnBatchNorm extends OneDnnKernel implements BatchNormKernel {

    /** The descriptors of the four primitives (the backwards' hints are owned by {@code all}). */
    record Descs(PrimitiveDescs all, DnnlPrimitiveDesc inference, DnnlPrimitiveDesc training,
            DnnlPrimitiveDesc backward, DnnlPrimitiveDesc backwardGlobal) implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    private final BatchNormDesc desc;
    private final long n;
    private final long channels;
    private final StagedPrimitive inference;
    private final StagedPrimitive training;
    private final StagedPrimitive backward;
    private final StagedPrimitive backwardGlobal;
    /** diff_dst masked by the fused ReLU; null without it. */
    private final MemorySegment masked;

    OneDnnBatchNorm(DnnlEngine engine, OneDnnThreads threads, BatchNormDesc desc, Descs pds) {
        super(engine, threads);
        this.desc = desc;
        this.n = desc.shape().elementCount();
        this.channels = desc.channels();
        try {
            // Staging for heap arguments, shared by the primitives (one runs at a time).
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            StagingBuffer scale = staging(channels), shift = staging(channels);
            StagingBuffer mean = staging(channels), variance = staging(channels);
            StagingBuffer diffScale = staging(channels), diffShift = staging(channels);
            masked = desc.fuseRelu() ? floats(n) : null;

            inference = primitive(pds.inference());
            inference.stage(SRC, n, data0);
            inference.stage(DST, n, data1);
            inference.stage(MEAN, channels, mean);
            inference.stage(VARIANCE, channels, variance);
            stageParameters(inference, scale, shift);

            training = primitive(pds.training());
            training.stage(SRC, n, data0);
            training.stage(DST, n, data1);
            training.stage(MEAN, channels, mean);
            training.stage(VARIANCE, channels, variance);
            stageParameters(training, scale, shift);
            long workspace = pds.training().byteSize(WORKSPACE);
            if (workspace > 0) training.fix(WORKSPACE, workspace / Float.BYTES, floats(workspace / Float.BYTES));

            backward = primitive(pds.backward());
            backwardGlobal = primitive(pds.backwardGlobal());
            for (StagedPrimitive b : new StagedPrimitive[] {backward, backwardGlobal}) {
                b.stage(SRC, n, data0);
                if (masked == null) {
                    b.stage(DIFF_DST, n, data1);
                } else {
                    b.fix(DIFF_DST, n, masked);
                }
                b.stage(DIFF_SRC, n, data2);
                b.stage(MEAN, channels, mean);
                b.stage(VARIANCE, channels, variance);
                if (desc.useScale()) {
                    b.stage(SCALE, channels, scale);
                    b.stage(DIFF_SCALE, channels, diffScale);
                }
                if (desc.useShift()) b.stage(DIFF_SHIFT, channels, diffShift);
            }
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    private void stageParameters(StagedPrimitive forward, StagingBuffer scale, StagingBuffer shift) {
        if (desc.useScale()) forward.stage(SCALE, channels, scale);
        if (desc.useShift()) forward.stage(SHIFT, channels, shift);
    }

    /**
     * The oneDNN descriptors of a batch norm descriptor. The backwards never carry {@code fuse_norm_relu} (see the
     * class comment), so their hints are training forwards without it.
     *
     * @throws IllegalArgumentException when the fused ReLU's workspace is not a whole number of floats: oneDNN's
     *     reference and plain-layout implementations keep one byte per element, and {@link StagedPrimitive} binds
     *     kernel-owned buffers in floats
     */
    static Descs descs(DnnlEngine engine, BatchNormDesc d) {
        Set<NormFlag> plain = EnumSet.noneOf(NormFlag.class);
        if (d.useScale()) plain.add(NormFlag.USE_SCALE);
        if (d.useShift()) plain.add(NormFlag.USE_SHIFT);
        Set<NormFlag> forward = EnumSet.copyOf(plain);
        if (d.fuseRelu()) forward.add(NormFlag.FUSE_NORM_RELU);
        Set<NormFlag> global = EnumSet.copyOf(plain);
        global.add(NormFlag.USE_GLOBAL_STATS);
        Set<NormFlag> forwardGlobal = EnumSet.copyOf(global);
        if (d.fuseRelu()) forwardGlobal.add(NormFlag.FUSE_NORM_RELU);
        PropKind backwardKind = plain.isEmpty() ? PropKind.BACKWARD_DATA : PropKind.BACKWARD;
        float eps = d.eps();
        PrimitiveDescs all = new PrimitiveDescs();
        try (DnnlMemoryDesc data = dataDesc(d.shape(), d.layout())) {
            DnnlPrimitiveDesc inference = all.add(() -> DnnlPrimitiveDesc.batchNormForward(engine,
                    PropKind.FORWARD_INFERENCE, data, data, eps, forwardGlobal));
            DnnlPrimitiveDesc training = all.add(() -> DnnlPrimitiveDesc.batchNormForward(engine,
                    PropKind.FORWARD_TRAINING, data, data, eps, forward));
            DnnlPrimitiveDesc hint = d.fuseRelu() ? all.add(() ->
                    DnnlPrimitiveDesc.batchNormForward(engine, PropKind.FORWARD_TRAINING, data, data, eps, plain))
                    : training;
            DnnlPrimitiveDesc globalHint = all.add(() -> DnnlPrimitiveDesc.batchNormForward(engine,
                    PropKind.FORWARD_TRAINING, data, data, eps, global));
            DnnlPrimitiveDesc backward = all.add(() -> DnnlPrimitiveDesc.batchNormBackward(engine, backwardKind,
                    data, data, data, eps, plain, hint));
            DnnlPrimitiveDesc backwardGlobal = all.add(() -> DnnlPrimitiveDesc.batchNormBackward(engine,
                    backwardKind, data, data, data, eps, global, globalHint));
            long workspace = training.byteSize(WORKSPACE);
            if (workspace % Float.BYTES != 0) {
                all.close();
                throw new IllegalArgumentException("fuseRelu: oneDNN's workspace for " + d.shape() + " is "
                        + workspace + " bytes, not whole floats");
            }
            return new Descs(all, inference, training, backward, backwardGlobal);
        }
    }

    /**
     * A data tensor's oneDNN descriptor: logical dims N, C, spatial..., stored in {@code layout} (batch and group norm
     * share it).
     */
    static DnnlMemoryDesc dataDesc(Shape shape, ChannelLayout layout) {
        long[] s = shape.dims();
        if (layout != ChannelLayout.NHWC) {
            return DnnlMemoryDesc.of(DataType.F32, FormatTag.plain(s.length), s);
        }
        long[] logical = new long[s.length];
        logical[0] = s[0];
        logical[1] = s[s.length - 1];
        System.arraycopy(s, 1, logical, 2, s.length - 2);
        return DnnlMemoryDesc.of(DataType.F32, FormatTag.channelsLast(s.length), logical);
    }

    @Override
    public BatchNormDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance) {
        KernelArgs.batchNormForward(desc, src, dst, scale, shift, mean, variance);
        begin();
        inference.input(SRC, src);
        inference.input(MEAN, mean);
        inference.input(VARIANCE, variance);
        if (scale != null) inference.input(SCALE, scale);
        if (shift != null) inference.input(SHIFT, shift);
        inference.output(DST, dst);
        inference.execute(stream);
    }

    @Override
    public synchronized void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance, MemorySegment runningMean, MemorySegment runningVar) {
        KernelArgs.batchNormForwardTraining(desc, src, dst, scale, shift, mean, variance, runningMean, runningVar);
        begin();
        training.input(SRC, src);
        if (scale != null) training.input(SCALE, scale);
        if (shift != null) training.input(SHIFT, shift);
        training.output(DST, dst);
        training.output(MEAN, mean);
        training.output(VARIANCE, variance);
        training.execute(stream);
        RunningStats.update(desc, mean, variance, runningMean, runningVar);
    }

    @Override
    public synchronized void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment dst, MemorySegment diffSrc, MemorySegment diffScale,
            MemorySegment diffShift) {
        KernelArgs.batchNormBackward(desc, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
        run(backward, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
    }

    @Override
    public synchronized void backwardGlobalStats(MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment mean, MemorySegment variance, MemorySegment dst, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.batchNormBackward(desc, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
        run(backwardGlobal, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
    }

    private void run(StagedPrimitive p, MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment mean, MemorySegment variance, MemorySegment dst, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        begin();
        p.input(SRC, src);
        if (masked != null) {
            // PyTorch's ReLU backward: the gradient passes where the output is > 0 (NaN included), else 0.
            for (long i = 0; i < n; i++) {
                float g = dst.getAtIndex(JAVA_FLOAT, i) <= 0f ? 0f : diffDst.getAtIndex(JAVA_FLOAT, i);
                masked.setAtIndex(JAVA_FLOAT, i, g);
            }
        } else {
            p.input(DIFF_DST, diffDst);
        }
        p.input(MEAN, mean);
        p.input(VARIANCE, variance);
        if (scale != null) p.input(SCALE, scale);
        p.output(DIFF_SRC, diffSrc);
        if (diffScale != null) p.output(DIFF_SCALE, diffScale);
        if (diffShift != null) p.output(DIFF_SHIFT, diffShift);
        p.execute(stream);
    }
}
