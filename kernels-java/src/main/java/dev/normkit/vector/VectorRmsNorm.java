package dev.normkit.vector;

import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static dev.normkit.vector.Placement.array;
import static dev.normkit.vector.Placement.index;

import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * RMS norm on the Vector API. Forward is one pass per row: {@code y = x * rstd * gamma} is written while
 * {@code sum(x^2)} of the next row accumulates (so each row comes from memory once, as the previous row streams out);
 * a row whose f32 squares overflow or underflow (see {@link RowLoops#squaresNeedDouble}) gets its sum recomputed in
 * double. Backward reads each row twice: {@code sum(g * xhat)}, then diffSrc is written while diffScale accumulates
 * across rows.
 *
 * <p>Each call picks its loops once by {@link Placement}: {@link RmsNormArrayLoops} on {@code float[]}, the template
 * {@link RmsNormSegmentLoops} on native memory, the latter after {@link HeapStaging} otherwise.
 * Not thread-safe (as {@link dev.normkit.Kernel} allows): calls on mixed memory share the kernel's staging buffer.
 */
final class VectorRmsNorm implements RmsNormKernel {

    private final RmsNormDesc desc;
    private final long rows;
    private final long cols;
    private final HeapStaging staging = new HeapStaging();

    VectorRmsNorm(RmsNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
    }

    @Override
    public RmsNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, false, null);
        normalize(src, dst, scale, null);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstd) {
        KernelArgs.rmsNormForward(desc, src, dst, scale, true, rstd);
        normalize(src, dst, scale, rstd);
    }

    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstd) {
        switch (Placement.of(src, dst, scale, rstd)) {
            case ARRAYS -> RmsNormArrayLoops.forward(array(src), index(src), array(dst), index(dst), array(scale),
                    index(scale), array(rstd), index(rstd), (int) rows, (int) cols, desc.eps());
            case NATIVE -> RmsNormSegmentLoops.forward(src, 0, dst, 0, scale, 0, rstd, 0, rows, cols, desc.eps());
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(dst, n) + bytes(scale, cols) + bytes(rstd, rows));
                MemorySegment y = staging.output(dst, n);
                MemorySegment s = staging.output(rstd, rows);
                RmsNormSegmentLoops.forward(staging.input(src, n), 0, y, 0, staging.input(scale, cols), 0, s, 0,
                        rows, cols, desc.eps());
                copyBack(y, dst);
                copyBack(s, rstd);
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale) {
        KernelArgs.rmsNormBackward(desc, src, diffDst, scale, rstd, diffSrc, diffScale);
        switch (Placement.of(src, diffDst, scale, rstd, diffSrc, diffScale)) {
            case ARRAYS -> RmsNormArrayLoops.backward(array(src), index(src), array(diffDst), index(diffDst),
                    array(scale), index(scale), array(rstd), index(rstd), array(diffSrc), index(diffSrc),
                    array(diffScale), index(diffScale), (int) rows, (int) cols);
            case NATIVE -> RmsNormSegmentLoops.backward(src, 0, diffDst, 0, scale, 0, rstd, 0, diffSrc, 0, diffScale,
                    0, rows, cols);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(diffDst, n) + bytes(scale, cols) + bytes(rstd, rows)
                        + bytes(diffSrc, n) + bytes(diffScale, cols));
                MemorySegment dx = staging.output(diffSrc, n);
                MemorySegment dScale = staging.output(diffScale, cols);
                RmsNormSegmentLoops.backward(staging.input(src, n), 0, staging.input(diffDst, n), 0,
                        staging.input(scale, cols), 0, staging.input(rstd, rows), 0, dx, 0, dScale, 0, rows, cols);
                copyBack(dx, diffSrc);
                copyBack(dScale, diffScale);
            }
        }
    }
}
