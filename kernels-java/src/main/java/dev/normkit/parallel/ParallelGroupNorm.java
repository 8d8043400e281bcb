package dev.normkit.parallel;

import dev.normkit.Backend;
import dev.normkit.GroupNormDesc;
import dev.normkit.GroupNormKernel;
import dev.normkit.Shape;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Group norm on several threads: chunks of samples (each sample's groups are independent, in either layout, and a
 * sample is contiguous); backward's diffScale and diffShift from per-chunk partials. A batch of one runs on one
 * thread: splitting a sample's groups would need strided views in NHWC.
 */
final class ParallelGroupNorm extends ChunkedKernel<GroupNormKernel> implements GroupNormKernel {

    private final GroupNormDesc desc;
    private final long perSample;
    private final long channels;
    private final long groups;
    private final Partials partials;

    ParallelGroupNorm(Backend base, GroupNormDesc desc, ChunkRunner runner) {
        this(base, desc, Chunks.ofRows(desc.batch(), desc.shape().elementCount() / desc.batch()), runner);
    }

    private ParallelGroupNorm(Backend base, GroupNormDesc d, Chunks chunks, ChunkRunner runner) {
        super(base, d, chunks, runner, c -> new GroupNormDesc(withBatch(d.shape(), chunks.size(c)), d.layout(),
                d.groups(), d.eps(), d.useScale(), d.useShift()), GroupNormKernel[]::new);
        this.desc = d;
        this.perSample = d.shape().elementCount() / d.batch();
        this.channels = d.channels();
        this.groups = d.groups();
        this.partials = new Partials(chunks.count(), 2 * channels);
    }

    /** {@code shape} with {@code n} samples (axis 0 is the batch in both layouts). */
    private static Shape withBatch(Shape shape, long n) {
        long[] dims = shape.dims();
        dims[0] = n;
        return Shape.of(dims);
    }

    @Override
    public GroupNormDesc desc() {
        return desc;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, false, null, null);
        if (single()) {
            whole.forward(src, dst, scale, shift);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forward(part(src, c, perSample), part(dst, c, perSample), scale,
                shift));
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, true, mean, variance);
        if (single()) {
            whole.forwardTraining(src, dst, scale, shift, mean, variance);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forwardTraining(part(src, c, perSample), part(dst, c, perSample),
                scale, shift, part(mean, c, groups), part(variance, c, groups)));
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.groupNormBackward(desc, src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
        if (single()) {
            whole.backward(src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
            return;
        }
        // Each chunk's row of the buffer holds its diffScale partial, then its diffShift partial.
        MemorySegment buffer = partials.take(src.isNative());
        try {
            runner.run(chunks.count(), c -> {
                MemorySegment row = partials.row(buffer, c);
                perChunk[c].backward(part(src, c, perSample), part(diffDst, c, perSample), scale,
                        part(mean, c, groups), part(variance, c, groups), part(diffSrc, c, perSample),
                        diffScale == null ? null : row.asSlice(0, channels * Float.BYTES),
                        diffShift == null ? null : row.asSlice(channels * Float.BYTES, channels * Float.BYTES));
            });
            if (diffScale != null) partials.sumInto(buffer, 0, channels, diffScale);
            if (diffShift != null) partials.sumInto(buffer, channels, channels, diffShift);
        } finally {
            partials.release(buffer);
        }
    }
}
