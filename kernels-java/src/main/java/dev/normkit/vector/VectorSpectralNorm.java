package dev.normkit.vector;

import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static dev.normkit.vector.Placement.array;
import static dev.normkit.vector.Placement.index;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.SpectralNormDesc;
import dev.normkit.SpectralNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Spectral norm on the Vector API. A power iteration is two passes over W: {@code W^T u} adds each row of W, times
 * u[i], into v with fma lanes (rows are contiguous, so no strided reads), and {@code W v} is one dot product per row
 * (f32 lanes, 4x unrolled). Training forward then takes sigma from the last {@code W v} (no third pass) and writes
 * {@code dst = W * (1 / sigma)}. Backward reads W and diffDst twice: {@code sum(diffDst * W)}, then per row one fma
 * per element. Sums across rows are in double; within a row in f32 lanes.
 *
 * <p>Each call picks its loops once by {@link Placement}: {@link SpectralNormArrayLoops} on {@code float[]}, the
 * template {@link SpectralNormSegmentLoops} on native memory, the latter after {@link HeapStaging} otherwise (u and
 * v, updated in place, are copied in and back). Not thread-safe on mixed memory.
 */
final class VectorSpectralNorm implements SpectralNormKernel {

    private final SpectralNormDesc desc;
    private final long rows;
    private final long cols;
    private final HeapStaging staging = new HeapStaging();

    VectorSpectralNorm(SpectralNormDesc desc) {
        this.desc = desc;
        this.rows = desc.rows();
        this.cols = desc.cols();
    }

    @Override
    public SpectralNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment u, MemorySegment v, MemorySegment dst) {
        KernelArgs.spectralNormForward(desc, src, u, v, dst, false, null);
        switch (Placement.of(src, u, v, dst)) {
            case ARRAYS -> SpectralNormArrayLoops.forward(array(src), index(src), array(u), index(u), array(v),
                    index(v), array(dst), index(dst), (int) rows, (int) cols);
            case NATIVE -> SpectralNormSegmentLoops.forward(src, 0, u, 0, v, 0, dst, 0, rows, cols);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(u, rows) + bytes(v, cols) + bytes(dst, n));
                MemorySegment out = staging.output(dst, n);
                SpectralNormSegmentLoops.forward(staging.input(src, n), 0, staging.input(u, rows), 0,
                        staging.input(v, cols), 0, out, 0, rows, cols);
                copyBack(out, dst);
            }
        }
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment u, MemorySegment v, MemorySegment dst,
            MemorySegment sigma) {
        KernelArgs.spectralNormForward(desc, src, u, v, dst, true, sigma);
        int iterations = desc.powerIterations();
        float eps = desc.eps();
        float s = switch (Placement.of(src, u, v, dst, sigma)) {
            case ARRAYS -> SpectralNormArrayLoops.forwardTraining(array(src), index(src), array(u), index(u),
                    array(v), index(v), array(dst), index(dst), (int) rows, (int) cols, iterations, eps);
            case NATIVE -> SpectralNormSegmentLoops.forwardTraining(src, 0, u, 0, v, 0, dst, 0, rows, cols,
                    iterations, eps);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(u, rows) + bytes(v, cols) + bytes(dst, n));
                MemorySegment uIn = staging.input(u, rows);
                MemorySegment vIn = staging.input(v, cols);
                MemorySegment out = staging.output(dst, n);
                float r = SpectralNormSegmentLoops.forwardTraining(staging.input(src, n), 0, uIn, 0, vIn, 0, out, 0,
                        rows, cols, iterations, eps);
                copyBack(uIn, u);
                copyBack(vIn, v);
                copyBack(out, dst);
                yield r;
            }
        };
        sigma.setAtIndex(JAVA_FLOAT, 0, s);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment u, MemorySegment v,
            MemorySegment sigma, MemorySegment diffSrc) {
        KernelArgs.spectralNormBackward(desc, src, diffDst, u, v, sigma, diffSrc);
        float s = sigma.getAtIndex(JAVA_FLOAT, 0);
        switch (Placement.of(src, diffDst, u, v, diffSrc)) {
            case ARRAYS -> SpectralNormArrayLoops.backward(array(src), index(src), array(diffDst), index(diffDst),
                    array(u), index(u), array(v), index(v), s, array(diffSrc), index(diffSrc), (int) rows,
                    (int) cols);
            case NATIVE -> SpectralNormSegmentLoops.backward(src, 0, diffDst, 0, u, 0, v, 0, s, diffSrc, 0, rows,
                    cols);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(diffDst, n) + bytes(u, rows) + bytes(v, cols)
                        + bytes(diffSrc, n));
                MemorySegment out = staging.output(diffSrc, n);
                SpectralNormSegmentLoops.backward(staging.input(src, n), 0, staging.input(diffDst, n), 0,
                        staging.input(u, rows), 0, staging.input(v, cols), 0, s, out, 0, rows, cols);
                copyBack(out, diffSrc);
            }
        }
    }
}
