package dev.normkit.vector;

import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static dev.normkit.vector.Placement.array;
import static dev.normkit.vector.Placement.index;

import dev.normkit.SoftmaxDesc;
import dev.normkit.SoftmaxKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax on the Vector API, along any axis ({@code outer x length x inner}, element {@code k} of a
 * row {@code inner} floats after element {@code k - 1}).
 *
 * <p>Innermost axis ({@code inner == 1}), two passes per row: {@code e = exp(x - max)} summed (softmax writes e to
 * dst); then softmax scales dst by {@code 1/sum} and log-softmax writes {@code (x - max) - log(sum)}, while the max of
 * the next row accumulates, so each row is read from memory once. Backward: one reduction pass
 * ({@code sum(dy * y)}, or {@code sum(dy)}), one writing pass.
 *
 * <p>Other axes: the same passes run down a block of {@code LANES} adjacent rows at once, one vector per axis
 * element, so loads stay contiguous across the inner dimension; the {@code inner % LANES} rows left over run in
 * double, one at a time.
 *
 * <p>The max skips NaN, but a NaN still reaches the sum, so the whole row becomes NaN; +inf in a row gives
 * {@code inf - inf = NaN}, as PyTorch does.
 *
 * <p>exp is {@link VectorMath#expRepeatable}, a polynomial of exactly rounded operations within 1 ulp (subnormal
 * results included), inlined: the same bits interpreted and compiled (issue 10; the Vector API's {@code EXP} is SVML
 * in C2 code and {@code Math.exp} per lane before, an ulp apart). The scalar tails take {@code Math.exp}, an intrinsic
 * that every tier shares. log-softmax's log is {@code Math.log} per row (per lane on other axes), for the same reason.
 * An earlier polynomial exp was measured within noise of SVML's; this one's speed against onednn is in bench/results.
 *
 * <p>Each call picks its loops once by {@link Placement}: {@link SoftmaxArrayLoops} on {@code float[]}, the template
 * {@link SoftmaxSegmentLoops} on native memory, the latter after {@link HeapStaging} otherwise.
 * Not thread-safe (as {@link dev.normkit.Kernel} allows): calls on mixed memory share the kernel's staging buffer.
 */
final class VectorSoftmax implements SoftmaxKernel {

    private final SoftmaxDesc desc;
    private final long outer;
    private final long length;
    private final long inner;
    private final boolean log;
    private final HeapStaging staging = new HeapStaging();

    VectorSoftmax(SoftmaxDesc desc) {
        this.desc = desc;
        this.outer = desc.outer();
        this.length = desc.axisLength();
        this.inner = desc.inner();
        this.log = desc.log();
    }

    @Override
    public SoftmaxDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.softmaxForward(desc, src, dst);
        switch (Placement.of(src, dst)) {
            case ARRAYS -> SoftmaxArrayLoops.forward(array(src), index(src), array(dst), index(dst), (int) outer,
                    (int) length, (int) inner, log);
            case NATIVE -> SoftmaxSegmentLoops.forward(src, 0, dst, 0, outer, length, inner, log);
            case MIXED -> {
                long n = outer * length * inner;
                staging.begin(bytes(src, n) + bytes(dst, n));
                MemorySegment y = staging.output(dst, n);
                SoftmaxSegmentLoops.forward(staging.input(src, n), 0, y, 0, outer, length, inner, log);
                copyBack(y, dst);
            }
        }
    }

    @Override
    public void backward(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc) {
        KernelArgs.softmaxBackward(desc, dst, diffDst, diffSrc);
        switch (Placement.of(dst, diffDst, diffSrc)) {
            case ARRAYS -> SoftmaxArrayLoops.backward(array(dst), index(dst), array(diffDst), index(diffDst),
                    array(diffSrc), index(diffSrc), (int) outer, (int) length, (int) inner, log);
            case NATIVE -> SoftmaxSegmentLoops.backward(dst, 0, diffDst, 0, diffSrc, 0, outer, length, inner, log);
            case MIXED -> {
                long n = outer * length * inner;
                staging.begin(bytes(dst, n) + bytes(diffDst, n) + bytes(diffSrc, n));
                MemorySegment dx = staging.output(diffSrc, n);
                SoftmaxSegmentLoops.backward(staging.input(dst, n), 0, staging.input(diffDst, n), 0, dx, 0, outer,
                        length, inner, log);
                copyBack(dx, diffSrc);
            }
        }
    }
}
