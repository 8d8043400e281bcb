package dev.normkit.parallel;

import dev.normkit.Backend;
import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.Shape;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/** Layer norm on several threads: chunks of rows; backward's diffScale and diffShift from per-chunk partials. */
final class ParallelLayerNorm extends ChunkedKernel<LayerNormKernel> implements LayerNormKernel {

    private final LayerNormDesc desc;
    private final long cols;
    private final Partials partials;

    ParallelLayerNorm(Backend base, LayerNormDesc desc, ChunkRunner runner) {
        this(base, desc, Chunks.ofRows(desc.rows(), desc.cols()), runner);
    }

    private ParallelLayerNorm(Backend base, LayerNormDesc d, Chunks chunks, ChunkRunner runner) {
        super(base, d, chunks, runner,
                c -> new LayerNormDesc(Shape.of(chunks.size(c), d.cols()), 1, d.eps(), d.useScale(), d.useShift()),
                LayerNormKernel[]::new);
        this.desc = d;
        this.cols = d.cols();
        this.partials = new Partials(chunks.count(), 2 * cols);
    }

    @Override
    public LayerNormDesc desc() {
        return desc;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, false, null, null);
        if (single()) {
            whole.forward(src, dst, scale, shift);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forward(part(src, c, cols), part(dst, c, cols), scale, shift));
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment rstd) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, true, mean, rstd);
        if (single()) {
            whole.forwardTraining(src, dst, scale, shift, mean, rstd);
            return;
        }
        runner.run(chunks.count(), c -> perChunk[c].forwardTraining(part(src, c, cols), part(dst, c, cols), scale,
                shift, part(mean, c, 1), part(rstd, c, 1)));
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.layerNormBackward(desc, src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
        if (single()) {
            whole.backward(src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
            return;
        }
        // Each chunk's row of the buffer holds its diffScale partial, then its diffShift partial.
        MemorySegment buffer = partials.take(src.isNative());
        try {
            runner.run(chunks.count(), c -> {
                MemorySegment row = partials.row(buffer, c);
                perChunk[c].backward(part(src, c, cols), part(diffDst, c, cols), scale, part(mean, c, 1),
                        part(rstd, c, 1), part(diffSrc, c, cols),
                        diffScale == null ? null : row.asSlice(0, cols * Float.BYTES),
                        diffShift == null ? null : row.asSlice(cols * Float.BYTES, cols * Float.BYTES));
            });
            if (diffScale != null) partials.sumInto(buffer, 0, cols, diffScale);
            if (diffShift != null) partials.sumInto(buffer, cols, cols, diffShift);
        } finally {
            partials.release(buffer);
        }
    }
}
