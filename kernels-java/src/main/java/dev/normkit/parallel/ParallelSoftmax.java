package dev.normkit.parallel;

import dev.normkit.Backend;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Softmax on several threads: chunks of the outer dimension (rows when the axis is the last one; whole
 * {@code axis x inner} slabs otherwise, which stay contiguous). A shape with one outer position runs on its caller.
 */
final class ParallelSoftmax extends ChunkedKernel<SoftmaxKernel> implements SoftmaxKernel {

    private final SoftmaxDesc desc;
    private final long slab;

    ParallelSoftmax(Backend base, SoftmaxDesc desc, ChunkRunner runner) {
        this(base, desc, Chunks.ofRows(desc.outer(), desc.axisLength() * desc.inner()), runner);
    }

    private ParallelSoftmax(Backend base, SoftmaxDesc d, Chunks chunks, ChunkRunner runner) {
        super(base, d, chunks, runner, c -> chunkDesc(d, chunks.size(c)), SoftmaxKernel[]::new);
        this.desc = d;
        this.slab = d.axisLength() * d.inner();
    }

    /** The same softmax on {@code outer} positions; last-axis stays last-axis (its loops differ from inner > 1). */
    private static SoftmaxDesc chunkDesc(SoftmaxDesc d, long outer) {
        Shape shape = d.inner() == 1 ? Shape.of(outer, d.axisLength()) : Shape.of(outer, d.axisLength(), d.inner());
        return new SoftmaxDesc(shape, 1, d.log());
    }

    @Override
    public SoftmaxDesc desc() {
        return desc;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.softmaxForward(desc, src, dst);
        if (single()) {
            whole.forward(src, dst);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forward(part(src, c, slab), part(dst, c, slab)));
    }

    @Override
    public void backward(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.softmaxBackward(desc, dst, diffDst, diffSrc);
        if (single()) {
            whole.backward(dst, diffDst, diffSrc);
            return;
        }
        runner.run(chunks.count(),
                c -> perChunk[c].backward(part(dst, c, slab), part(diffDst, c, slab), part(diffSrc, c, slab)));
    }
}
