package dev.normkit.vector;

import static dev.normkit.vector.HeapStaging.bytes;
import static dev.normkit.vector.HeapStaging.copyBack;
import static dev.normkit.vector.Placement.array;
import static dev.normkit.vector.Placement.index;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The rows of {@link VectorL2Normalize} and {@link VectorDivisiveNorm}: {@code y = gain * x / (max(n, floor) +
 * sigma)} with n the row's p-norm, and its backward. Forward reads each row twice (norm, then the scaled write);
 * backward three times (norm, {@code sum dy x}, then diffSrc), plus one pass over a scratch row for p other than 1, 2
 * and infinity, where {@code |x|^p = exp(p log |x|)} takes SVML's log and exp in a pass of its own.
 *
 * <p>Each call picks its loops once by {@link Placement}: {@link PNormArrayLoops} on {@code float[]}, the template
 * {@link PNormSegmentLoops} on native memory, the latter after {@link HeapStaging} otherwise. The scratch row is per
 * thread (for each placement kind), so concurrent calls on one kernel stay safe except on mixed memory, as for the
 * other vector kernels.
 */
final class VectorPNorm {

    private static final ThreadLocal<float[]> ARRAY_SCRATCH = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<MemorySegment> NATIVE_SCRATCH = ThreadLocal.withInitial(() -> MemorySegment.NULL);

    private final long rows;
    private final long cols;
    private final float p;
    private final float floor;
    private final float sigma;
    private final float gain;
    private final boolean needsScratch;
    private final HeapStaging staging = new HeapStaging();

    VectorPNorm(long rows, long cols, float p, float floor, float sigma, float gain) {
        this.rows = rows;
        this.cols = cols;
        this.p = p;
        this.floor = floor;
        this.sigma = sigma;
        this.gain = gain;
        this.needsScratch = p != 1f && p != 2f && p != Float.POSITIVE_INFINITY;
    }

    void forward(MemorySegment src, MemorySegment dst) {
        switch (Placement.of(src, dst)) {
            case ARRAYS -> PNormArrayLoops.forward(array(src), index(src), array(dst), index(dst), arrayScratch(),
                    (int) rows, (int) cols, p, floor, sigma, gain);
            case NATIVE -> PNormSegmentLoops.forward(src, 0, dst, 0, nativeScratch(), rows, cols, p, floor, sigma,
                    gain);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(dst, n));
                MemorySegment y = staging.output(dst, n);
                PNormSegmentLoops.forward(staging.input(src, n), 0, y, 0, nativeScratch(), rows, cols, p, floor,
                        sigma, gain);
                copyBack(y, dst);
            }
        }
    }

    /** Writes diffSrc; returns {@code sum over rows (sum dy x) / D}, d loss / d gain. */
    double backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        return switch (Placement.of(src, diffDst, diffSrc)) {
            case ARRAYS -> PNormArrayLoops.backward(array(src), index(src), array(diffDst), index(diffDst),
                    array(diffSrc), index(diffSrc), arrayScratch(), (int) rows, (int) cols, p, floor, sigma, gain);
            case NATIVE -> PNormSegmentLoops.backward(src, 0, diffDst, 0, diffSrc, 0, nativeScratch(), rows, cols, p,
                    floor, sigma, gain);
            case MIXED -> {
                long n = rows * cols;
                staging.begin(bytes(src, n) + bytes(diffDst, n) + bytes(diffSrc, n));
                MemorySegment dx = staging.output(diffSrc, n);
                double diffGain = PNormSegmentLoops.backward(staging.input(src, n), 0, staging.input(diffDst, n), 0,
                        dx, 0, nativeScratch(), rows, cols, p, floor, sigma, gain);
                copyBack(dx, diffSrc);
                yield diffGain;
            }
        };
    }

    /** This thread's scratch row, grown on first need and kept: later calls allocate nothing. */
    private float[] arrayScratch() {
        if (!needsScratch) return null;
        int need = PNormSegmentLoops.scratchFloats(cols);
        float[] s = ARRAY_SCRATCH.get();
        if (s.length < need) {
            s = new float[need];
            ARRAY_SCRATCH.set(s);
        }
        return s;
    }

    private MemorySegment nativeScratch() {
        if (!needsScratch) return null;
        long need = (long) PNormSegmentLoops.scratchFloats(cols) * Float.BYTES;
        MemorySegment s = NATIVE_SCRATCH.get();
        if (s.byteSize() < need) {
            s = Arena.ofAuto().allocate(need, 64);
            NATIVE_SCRATCH.set(s);
        }
        return s;
    }
}
