package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.SpectralNormDesc;
import dev.normkit.SpectralNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Spectral norm in plain loops, every sum in double. A power iteration stores W^T u (and W v) in v (and u) as floats
 * before normalizing them in place: the one extra rounding buys a kernel that allocates nothing. sigma is
 * {@code u^T (W v)} recomputed after the iterations, as PyTorch computes it.
 */
final class ScalarSpectralNorm implements SpectralNormKernel {

    private final SpectralNormDesc desc;
    private final long rows;
    private final long cols;

    ScalarSpectralNorm(SpectralNormDesc desc) {
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
        return "scalar";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment u, MemorySegment v, MemorySegment dst) {
        KernelArgs.spectralNormForward(desc, src, u, v, dst, false, null);
        divide(src, dst, sigma(src, u, v));
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment u, MemorySegment v, MemorySegment dst,
            MemorySegment sigma) {
        KernelArgs.spectralNormForward(desc, src, u, v, dst, true, sigma);
        for (int k = 0; k < desc.powerIterations(); k++) {
            // v = normalize(W^T u)
            double squares = 0;
            for (long j = 0; j < cols; j++) {
                double t = 0;
                for (long i = 0; i < rows; i++) t += (double) get(u, i) * get(src, i * cols + j);
                squares += t * t;
                set(v, j, (float) t);
            }
            scaleInPlace(v, cols, 1.0 / Math.max(Math.sqrt(squares), desc.eps()));
            // u = normalize(W v)
            squares = 0;
            for (long i = 0; i < rows; i++) {
                double s = rowDot(src, i, v);
                squares += s * s;
                set(u, i, (float) s);
            }
            scaleInPlace(u, rows, 1.0 / Math.max(Math.sqrt(squares), desc.eps()));
        }
        double s = sigma(src, u, v);
        divide(src, dst, s);
        set(sigma, 0, (float) s);
    }

    /** {@code u^T W v}. */
    private double sigma(MemorySegment src, MemorySegment u, MemorySegment v) {
        double sigma = 0;
        for (long i = 0; i < rows; i++) sigma += get(u, i) * rowDot(src, i, v);
        return sigma;
    }

    private double rowDot(MemorySegment src, long i, MemorySegment v) {
        double s = 0;
        for (long j = 0; j < cols; j++) s += (double) get(src, i * cols + j) * get(v, j);
        return s;
    }

    private static void scaleInPlace(MemorySegment x, long n, double factor) {
        for (long j = 0; j < n; j++) set(x, j, (float) (get(x, j) * factor));
    }

    private void divide(MemorySegment src, MemorySegment dst, double sigma) {
        long n = rows * cols;
        for (long k = 0; k < n; k++) set(dst, k, (float) (get(src, k) / sigma));
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment u, MemorySegment v,
            MemorySegment sigma, MemorySegment diffSrc) {
        KernelArgs.spectralNormBackward(desc, src, diffDst, u, v, sigma, diffSrc);
        double s = get(sigma, 0);
        double dot = 0;
        long n = rows * cols;
        for (long k = 0; k < n; k++) dot += (double) get(diffDst, k) * get(src, k);
        double c = dot / s; // sum(diffDst * dst), with dst = W / sigma
        for (long i = 0; i < rows; i++) {
            double cu = c * get(u, i);
            for (long j = 0; j < cols; j++) {
                long k = i * cols + j;
                set(diffSrc, k, (float) ((get(diffDst, k) - cu * get(v, j)) / s));
            }
        }
    }
}
