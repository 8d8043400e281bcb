package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.LayerNormDesc;
import dev.normkit.LayerNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Layer norm in plain loops: the readable reference. Per row, the mean and then the centred variance are summed in
 * double (two passes, so a large common offset costs no accuracy), and each output is computed in double and rounded
 * once.
 */
final class ScalarLayerNorm implements LayerNormKernel {

    private final LayerNormDesc desc;
    private final long rows;
    private final long cols;

    ScalarLayerNorm(LayerNormDesc desc) {
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
        return "scalar";
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

    /** Saves the statistics when {@code meanOut} and {@code rstdOut} are given. */
    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment meanOut, MemorySegment rstdOut) {
        for (long r = 0; r < rows; r++) {
            long row = r * cols;
            double sum = 0;
            for (long j = 0; j < cols; j++) {
                sum += get(src, row + j);
            }
            double mean = sum / cols;
            double squares = 0;
            for (long j = 0; j < cols; j++) {
                double d = get(src, row + j) - mean;
                squares += d * d;
            }
            double rstd = 1.0 / Math.sqrt(squares / cols + desc.eps());
            for (long j = 0; j < cols; j++) {
                double y = (get(src, row + j) - mean) * rstd;
                if (scale != null) y *= get(scale, j);
                if (shift != null) y += get(shift, j);
                set(dst, row + j, (float) y);
            }
            if (meanOut != null) {
                set(meanOut, r, (float) mean);
                set(rstdOut, r, (float) rstd);
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.layerNormBackward(desc, src, diffDst, scale, mean, rstd, diffSrc, diffScale, diffShift);
        for (long j = 0; j < cols; j++) {
            if (diffScale != null) set(diffScale, j, 0f);
            if (diffShift != null) set(diffShift, j, 0f);
        }
        for (long r = 0; r < rows; r++) {
            long row = r * cols;
            double mu = get(mean, r);
            double rs = get(rstd, r);
            // g = dy * gamma; the row needs mean(g) and mean(g * xhat) before any diffSrc can be written.
            double sumG = 0;
            double sumGXhat = 0;
            for (long j = 0; j < cols; j++) {
                double dy = get(diffDst, row + j);
                double xhat = (get(src, row + j) - mu) * rs;
                double g = scale != null ? dy * get(scale, j) : dy;
                sumG += g;
                sumGXhat += g * xhat;
                if (diffScale != null) set(diffScale, j, (float) (get(diffScale, j) + dy * xhat));
                if (diffShift != null) set(diffShift, j, (float) (get(diffShift, j) + dy));
            }
            double meanG = sumG / cols;
            double meanGXhat = sumGXhat / cols;
            for (long j = 0; j < cols; j++) {
                double dy = get(diffDst, row + j);
                double xhat = (get(src, row + j) - mu) * rs;
                double g = scale != null ? dy * get(scale, j) : dy;
                set(diffSrc, row + j, (float) (rs * (g - meanG - xhat * meanGXhat)));
            }
        }
    }
}
