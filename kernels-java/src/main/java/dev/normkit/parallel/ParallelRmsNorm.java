package dev.normkit.parallel;

import dev.normkit.Backend;
import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.Shape;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/** RMS norm on several threads: chunks of rows; backward's diffScale from per-chunk partials. */
final class ParallelRmsNorm extends ChunkedKernel<RmsNormKernel> implements RmsNormKernel {

    private final RmsNormDesc desc;
    private final long cols;
    private final Partials partials;

    ParallelRmsNorm(Backend base, RmsNormDesc desc, ChunkRunner runner) {
        this(base, desc, Chunks.ofRows(desc.rows(), desc.cols()), runner);
    }

    private ParallelRmsNorm(Backend base, RmsNormDesc d, Chunks chunks, ChunkRunner runner) {
        super(base, d, chunks, runner,
                c -> new RmsNormDesc(Shape.of(chunks.size(c), d.cols()), 1, d.eps(), d.useScale()),
                RmsNormKernel[]::new);
        this.desc = d;
        this.cols = d.cols();
        this.partials = new Partials(chunks.count(), cols);
    }

    @Override
    public RmsNormDesc desc() {
        return desc;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, false, null);
        if (single()) {
            whole.forward(src, dst, scale);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forward(part(src, c, cols), part(dst, c, cols), scale));
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstd) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, true, rstd);
        if (single()) {
            whole.forwardTraining(src, dst, scale, rstd);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forwardTraining(part(src, c, cols), part(dst, c, cols), scale,
                part(rstd, c, 1)));
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale) {
        KernelArgs.rmsNormBackward(desc, src, diffDst, scale, rstd, diffSrc, diffScale);
        if (single() || diffScale == null) {
            if (single()) {
                whole.backward(src, diffDst, scale, rstd, diffSrc, diffScale);
            } else {
                runner.run(chunks.count(), c -> perChunk[c].backward(part(src, c, cols), part(diffDst, c, cols),
                        null, part(rstd, c, 1), part(diffSrc, c, cols), null));
            }
            return;
        }
        MemorySegment buffer = partials.take(src.isNative());
        try {
            runner.run(chunks.count(), c -> perChunk[c].backward(part(src, c, cols), part(diffDst, c, cols), scale,
                    part(rstd, c, 1), part(diffSrc, c, cols), partials.row(buffer, c)));
            partials.sumInto(buffer, 0, cols, diffScale);
        } finally {
            partials.release(buffer);
        }
    }
}
