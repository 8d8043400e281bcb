package dev.normkit.vector;

import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static dev.normkit.vector.Placement.array;
import static dev.normkit.vector.Placement.index;

import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Layer norm on the Vector API.
 *
 * <p>Forward is one pass per row: row r is written, {@code y = ((x - m1) * rstd - c * rstd) * gamma + beta}, while
 * the moments of row r + 1 about a centre K (the mean of its first vector) accumulate, {@code sum(d)} and
 * {@code sum(d^2)} with {@code d = x - K}. Each row so comes from memory once, as the previous row streams out, as a
 * copy would. Centring keeps the variance from cancelling where {@code E[x^2] - mean^2} would (a large common
 * offset); {@code m1} is the f32 mean and {@code c} what f32 rounding took from it. A row whose K is far from its mean
 * gets one more pass centred on the mean, and a row whose f32 squares overflow or underflow (see
 * {@link RowLoops#squaresNeedDouble}) gets its statistics in double.
 *
 * <p>Backward reads each row twice: {@code sum(g)} and {@code sum(g * xhat)}; then diffSrc is written while
 * diffScale and diffShift accumulate, column by column, across rows.
 *
 * <p>Each call picks its loops once by {@link Placement}: {@link LayerNormArrayLoops} on {@code float[]}, the
 * template {@link LayerNormSegmentLoops} on native memory, the latter after {@link HeapStaging} otherwise.
 * Not thread-safe (as {@link dev.normkit.Kernel} allows): calls on mixed memory share the kernel's staging buffer.
 */
final class VectorLayerNorm implements LayerNormKernel {

    private final LayerNormDesc desc;
    private final long rows;
    private final long cols;
    private final HeapStaging staging = new HeapStaging();

    VectorLayerNorm(LayerNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
    }

    @Override
    public LayerNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, false, null, null);
        normalize(src, dst, scale, shift, null, null);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment rstd) {
        KernelArgs.layerNormForward(desc, src, dst, scale, shift, true, mean, rstd);
        normalize(src, dst, scale, shift, mean, rstd);
    }

    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment rstd) {
        switch (Placement.of(src, dst, scale, shift, mean, rstd)) {
            case ARRAYS -> LayerNormArrayLoops.forward(array(src), index(src), array(dst), index(dst), array(scale),
                    index(scale), array(shift), index(shift), array(mean), index(mean), array(rstd), index(rstd),
                    (int) rows, (int) cols, desc.eps());
            case NATIVE -> LayerNormSegmentLoops.forward(src, 0, dst, 0, scale, 0, shift, 0, mean, 0, rstd, 0, rows,
                    cols, desc.eps());
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(dst, n) + bytes(scale, cols) + bytes(shift, cols)
                        + bytes(mean, rows) + bytes(rstd, rows));
                MemorySegment y = staging.output(dst, n);
                MemorySegment m = staging.output(mean, rows);
                MemorySegment s = staging.output(rstd, rows);
                LayerNormSegmentLoops.forward(staging.input(src, n), 0, y, 0, staging.input(scale, cols), 0,
                        staging.input(shift, cols), 0, m, 0, s, 0, rows, cols, desc.eps());
                copyBack(y, dst);
                copyBack(m, mean);
                copyBack(s, rstd);
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.layerNormBackward(desc, src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
        switch (Placement.of(src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift)) {
            case ARRAYS -> LayerNormArrayLoops.backward(array(src), index(src), array(diffDst), index(diffDst),
                    array(scale), index(scale), array(mean), index(mean), array(rstd), index(rstd), array(diffSrc),
                    index(diffSrc), array(diffScale), index(diffScale), array(diffShift), index(diffShift),
                    (int) rows, (int) cols);
            case NATIVE -> LayerNormSegmentLoops.backward(src, 0, diffDst, 0, scale, 0, mean, 0, rstd, 0, diffSrc, 0,
                    diffScale, 0, diffShift, 0, rows, cols);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(diffDst, n) + bytes(scale, cols) + bytes(mean, rows)
                        + bytes(rstd, rows) + bytes(diffSrc, n) + bytes(diffScale, cols) + bytes(diffShift, cols));
                MemorySegment dx = staging.output(diffSrc, n);
                MemorySegment dScale = staging.output(diffScale, cols);
                MemorySegment dShift = staging.output(diffShift, cols);
                LayerNormSegmentLoops.backward(staging.input(src, n), 0, staging.input(diffDst, n), 0,
                        staging.input(scale, cols), 0, staging.input(mean, rows), 0, staging.input(rstd, rows), 0,
                        dx, 0, dScale, 0, dShift, 0, rows, cols);
                copyBack(dx, diffSrc);
                copyBack(dScale, diffScale);
                copyBack(dShift, diffShift);
            }
        }
    }
}
