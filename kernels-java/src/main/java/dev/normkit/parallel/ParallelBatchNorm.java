package dev.normkit.parallel;

import dev.normkit.Backend;
import dev.normkit.BatchNormDesc;
import dev.normkit.BatchNormKernel;
import dev.normkit.ChannelLayout;
import dev.normkit.Shape;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Batch norm on several threads, inference forward only for now: given the statistics, every output is its own
 * element's, so the call is cut into chunks of the outer dimension (NCHW: samples; NHWC and N x C: rows of C), each a
 * contiguous batch norm of its own, and gives the plain kernel's bits. Training forward and backward run on the
 * caller: their per-channel sums span the whole batch, and splitting them needs each path's partial moments and
 * gradient sums of a slice, which the kernels do not offer yet.
 */
final class ParallelBatchNorm extends ChunkedKernel<BatchNormKernel> implements BatchNormKernel {

    private final BatchNormDesc desc;
    private final long perUnit;

    ParallelBatchNorm(Backend base, BatchNormDesc desc, ChunkRunner runner) {
        this(base, desc, Chunks.ofRows(desc.outer(), desc.channels() * desc.inner()), runner);
    }

    private ParallelBatchNorm(Backend base, BatchNormDesc d, Chunks chunks, ChunkRunner runner) {
        super(base, d, chunks, runner, c -> chunkDesc(d, chunks.size(c)), BatchNormKernel[]::new);
        this.desc = d;
        this.perUnit = d.channels() * d.inner();
    }

    /**
     * A chunk of {@code units} outer units: NCHW keeps its shape with {@code units} samples; NHWC and N x C become
     * {@code units x C} (the rows of C a chunk holds, whatever spatial axes they came from).
     */
    private static BatchNormDesc chunkDesc(BatchNormDesc d, long units) {
        Shape shape;
        ChannelLayout layout;
        if (d.layout() == ChannelLayout.NCHW) {
            long[] dims = d.shape().dims();
            dims[0] = units;
            shape = Shape.of(dims);
            layout = ChannelLayout.NCHW;
        } else {
            shape = Shape.of(units, d.channels());
            layout = ChannelLayout.NC;
        }
        return new BatchNormDesc(shape, layout, d.eps(), d.momentum(), d.useScale(), d.useShift(), d.fuseRelu());
    }

    @Override
    public BatchNormDesc desc() {
        return desc;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance) {
        KernelArgs.batchNormForward(desc, src, dst, scale, shift, mean, variance);
        if (single()) {
            whole.forward(src, dst, scale, shift, mean, variance);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forward(part(src, c, perUnit), part(dst, c, perUnit), scale, shift,
                mean, variance));
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance, MemorySegment runningMean, MemorySegment runningVar) {
        whole.forwardTraining(src, dst, scale, shift, mean, variance, runningMean, runningVar);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment dst, MemorySegment diffSrc, MemorySegment diffScale,
            MemorySegment diffShift) {
        whole.backward(src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
    }

    @Override
    public void backwardGlobalStats(MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment mean, MemorySegment variance, MemorySegment dst, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        whole.backwardGlobalStats(src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
    }
}
