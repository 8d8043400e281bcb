package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.RmsNormDesc;
import dev.normkit.RmsNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/** RMS norm in plain loops: the mean of squares is summed in double, each output computed in double. */
final class ScalarRmsNorm implements RmsNormKernel {

    private final RmsNormDesc desc;
    private final long rows;
    private final long cols;

    ScalarRmsNorm(RmsNormDesc desc) {
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
        return "scalar";
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

    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstdOut) {
        for (long r = 0; r < rows; r++) {
            long row = r * cols;
            double squares = 0;
            for (long j = 0; j < cols; j++) {
                double x = get(src, row + j);
                squares += x * x;
            }
            double rstd = 1.0 / Math.sqrt(squares / cols + desc.eps());
            for (long j = 0; j < cols; j++) {
                double y = get(src, row + j) * rstd;
                if (scale != null) y *= get(scale, j);
                set(dst, row + j, (float) y);
            }
            if (rstdOut != null) set(rstdOut, r, (float) rstd);
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale) {
        KernelArgs.rmsNormBackward(desc, src, diffDst, scale, rstd, diffSrc, diffScale);
        if (diffScale != null) {
            for (long j = 0; j < cols; j++) set(diffScale, j, 0f);
        }
        for (long r = 0; r < rows; r++) {
            long row = r * cols;
            double rs = get(rstd, r);
            double sumGXhat = 0;
            for (long j = 0; j < cols; j++) {
                double dy = get(diffDst, row + j);
                double xhat = get(src, row + j) * rs;
                double g = scale != null ? dy * get(scale, j) : dy;
                sumGXhat += g * xhat;
                if (diffScale != null) set(diffScale, j, (float) (get(diffScale, j) + dy * xhat));
            }
            double meanGXhat = sumGXhat / cols;
            for (long j = 0; j < cols; j++) {
                double dy = get(diffDst, row + j);
                double xhat = get(src, row + j) * rs;
                double g = scale != null ? dy * get(scale, j) : dy;
                set(diffSrc, row + j, (float) (rs * (g - xhat * meanGXhat)));
            }
        }
    }
}
