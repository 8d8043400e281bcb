package dev.normkit.parallel;

import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.Shape;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * An activation on several threads: chunks of a multiple of {@link #ALIGN} elements, so only the last chunk has a
 * vector tail, where the whole call has it.
 */
final class ParallelActivation extends ChunkedKernel<ActivationKernel> implements ActivationKernel {

    /** Elements per chunk are a multiple of this: four 512-bit vectors. */
    static final long ALIGN = 64;

    private final ActivationDesc desc;

    ParallelActivation(Backend base, ActivationDesc desc, ChunkRunner runner) {
        this(base, desc, Chunks.of(desc.shape().elementCount(), 1, ALIGN), runner);
    }

    private ParallelActivation(Backend base, ActivationDesc d, Chunks chunks, ChunkRunner runner) {
        super(base, d, chunks, runner,
                c -> new ActivationDesc(d.activation(), Shape.of(chunks.size(c)), d.alpha(), d.beta()),
                ActivationKernel[]::new);
        this.desc = d;
    }

    @Override
    public ActivationDesc desc() {
        return desc;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.activationForward(desc, src, dst);
        if (single()) {
            whole.forward(src, dst);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forward(part(src, c, 1), part(dst, c, 1)));
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackward(desc, src, diffDst, diffSrc);
        if (single()) {
            whole.backward(src, diffDst, diffSrc);
            return;
        }
        runner.run(chunks.count(),
                c -> perChunk[c].backward(part(src, c, 1), part(diffDst, c, 1), part(diffSrc, c, 1)));
    }

    @Override
    public void backwardFromDst(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.activationBackwardFromDst(desc, dst, diffDst, diffSrc);
        if (single()) {
            whole.backwardFromDst(dst, diffDst, diffSrc);
            return;
        }
        runner.run(chunks.count(),
                c -> perChunk[c].backwardFromDst(part(dst, c, 1), part(diffDst, c, 1), part(diffSrc, c, 1)));
    }
}
