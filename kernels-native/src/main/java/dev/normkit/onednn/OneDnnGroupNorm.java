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

import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;
import dev.normkit.GroupNormKernel;
import dev.normkit.Shape;
import dev.normkit.onednn.dnnl.DnnlEngine;
import dev.normkit.onednn.dnnl.DnnlMemoryDesc;
import dev.normkit.onednn.dnnl.DnnlPrimitiveDesc;
import dev.normkit.onednn.dnnl.NormFlag;
import dev.normkit.onednn.dnnl.PropKind;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * Group normalization on oneDNN's {@code group_normalization} primitive (3.3+), layouts as batch norm's. Three
 * primitives are made once: inference forward, training forward (saves mean and variance, as normkit does) and
 * backward.
 */
final class OneDnnGroupNorm extends OneDnnKernel implements GroupNormKernel {

    /** The descriptors of the three primitives. */
    record Descs(PrimitiveDescs all, DnnlPrimitiveDesc inference, DnnlPrimitiveDesc training,
            DnnlPrimitiveDesc backward) implements AutoCloseable {
        @Override
        public void close() {
            all.close();
        }
    }

    private final GroupNormDesc desc;
    private final StagedPrimitive inference;
    private final StagedPrimitive training;
    private final StagedPrimitive backward;

    OneDnnGroupNorm(DnnlEngine engine, OneDnnThreads threads, GroupNormDesc desc, Descs pds) {
        super(engine, threads);
        this.desc = desc;
        long n = desc.shape().elementCount();
        long channels = desc.channels();
        long stats = desc.batch() * desc.groups();
        try {
            StagingBuffer data0 = staging(n), data1 = staging(n), data2 = staging(n);
            StagingBuffer scale = staging(channels), shift = staging(channels);
            StagingBuffer diffScale = staging(channels), diffShift = staging(channels);
            StagingBuffer mean = staging(stats), variance = staging(stats);

            inference = primitive(pds.inference());
            training = primitive(pds.training());
            for (StagedPrimitive f : new StagedPrimitive[] {inference, training}) {
                f.stage(SRC, n, data0);
                f.stage(DST, n, data1);
                if (desc.useScale()) f.stage(SCALE, channels, scale);
                if (desc.useShift()) f.stage(SHIFT, channels, shift);
            }
            training.stage(MEAN, stats, mean);
            training.stage(VARIANCE, stats, variance);

            backward = primitive(pds.backward());
            backward.stage(SRC, n, data0);
            backward.stage(DIFF_DST, n, data1);
            backward.stage(DIFF_SRC, n, data2);
            backward.stage(MEAN, stats, mean);
            backward.stage(VARIANCE, stats, variance);
            if (desc.useScale()) {
                backward.stage(SCALE, channels, scale);
                backward.stage(DIFF_SCALE, channels, diffScale);
            }
            if (desc.useShift()) backward.stage(DIFF_SHIFT, channels, diffShift);
        } catch (RuntimeException e) {
            throw closeAfterFailure(e);
        }
    }

    /** The oneDNN descriptors of a group norm descriptor. */
    static Descs descs(DnnlEngine engine, GroupNormDesc d) {
        Set<NormFlag> flags = EnumSet.noneOf(NormFlag.class);
        if (d.useScale()) flags.add(NormFlag.USE_SCALE);
        if (d.useShift()) flags.add(NormFlag.USE_SHIFT);
        PropKind backwardKind = flags.isEmpty() ? PropKind.BACKWARD_DATA : PropKind.BACKWARD;
        long groups = d.groups();
        float eps = d.eps();
        PrimitiveDescs all = new PrimitiveDescs();
        // oneDNN 3.13's group normalization corrupts the heap on 2-D (N x C) tensors; N x C x 1 is the same memory.
        Shape shape = d.shape().rank() == 2 ? Shape.of(d.batch(), d.channels(), 1) : d.shape();
        ChannelLayout layout = d.shape().rank() == 2 ? ChannelLayout.NCHW : d.layout();
        try (DnnlMemoryDesc data = OneDnnBatchNorm.dataDesc(shape, layout)) {
            DnnlPrimitiveDesc inference = all.add(() -> DnnlPrimitiveDesc.groupNormForward(engine,
                    PropKind.FORWARD_INFERENCE, data, data, groups, eps, flags));
            DnnlPrimitiveDesc training = all.add(() -> DnnlPrimitiveDesc.groupNormForward(engine,
                    PropKind.FORWARD_TRAINING, data, data, groups, eps, flags));
            DnnlPrimitiveDesc backward = all.add(() -> DnnlPrimitiveDesc.groupNormBackward(engine, backwardKind,
                    data, data, data, groups, eps, flags, training));
            return new Descs(all, inference, training, backward);
        }
    }

    @Override
    public GroupNormDesc desc() {
        return desc;
    }

    @Override
    public synchronized void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, false, null, null);
        begin();
        forwardArguments(inference, src, dst, scale, shift);
        inference.execute(stream);
    }

    @Override
    public synchronized void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, true, mean, variance);
        begin();
        forwardArguments(training, src, dst, scale, shift);
        training.output(MEAN, mean);
        training.output(VARIANCE, variance);
        training.execute(stream);
    }

    private static void forwardArguments(StagedPrimitive f, MemorySegment src, MemorySegment dst,
            MemorySegment scale, MemorySegment shift) {
        f.input(SRC, src);
        if (scale != null) f.input(SCALE, scale);
        if (shift != null) f.input(SHIFT, shift);
        f.output(DST, dst);
    }

    @Override
    public synchronized void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.groupNormBackward(desc, src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
        begin();
        backward.input(SRC, src);
        backward.input(DIFF_DST, diffDst);
        backward.input(MEAN, mean);
        backward.input(VARIANCE, variance);
        if (scale != null) backward.input(SCALE, scale);
        backward.output(DIFF_SRC, diffSrc);
        if (diffScale != null) backward.output(DIFF_SCALE, diffScale);
        if (diffShift != null) backward.output(DIFF_SHIFT, diffShift);
        backward.execute(stream);
    }
}
