package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.BatchNormDesc;
import dev.normkit.BatchNormKernel;
import dev.normkit.spi.KernelArgs;
import dev.normkit.spi.RunningStats;
import java.lang.foreign.MemorySegment;

/**
 * Batch norm in plain loops: the readable reference. The tensor is {@code outer x C x inner}; each channel's values
 * are visited in one fixed order (outer, then inner), so every call gives the same bits. Mean, then centred variance,
 * in double (two passes); each output computed in double and rounded once.
 */
final class ScalarBatchNorm implements BatchNormKernel {

    private final BatchNormDesc desc;
    private final long outer;
    private final long channels;
    private final long inner;
    private final long n;

    ScalarBatchNorm(BatchNormDesc desc) {
        this.desc = desc;
        this.outer = desc.outer();
        this.channels = desc.channels();
        this.inner = desc.inner();
        this.n = desc.perChannel();
    }

    @Override
    public BatchNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    /** Index of the i-th value of run o of channel c. */
    private long at(long o, long c, long i) {
        return (o * channels + c) * inner + i;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance) {
        KernelArgs.batchNormForward(desc, src, dst, scale, shift, mean, variance);
        for (long c = 0; c < channels; c++) {
            write(src, dst, scale, shift, c, get(mean, c), get(variance, c));
        }
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance, MemorySegment runningMean, MemorySegment runningVar) {
        KernelArgs.batchNormForwardTraining(desc, src, dst, scale, shift, mean, variance, runningMean, runningVar);
        for (long c = 0; c < channels; c++) {
            double sum = 0;
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) sum += get(src, at(o, c, i));
            }
            double mu = sum / n;
            double squares = 0;
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    double d = get(src, at(o, c, i)) - mu;
                    squares += d * d;
                }
            }
            double var = squares / n;
            set(mean, c, (float) mu);
            set(variance, c, (float) var);
            write(src, dst, scale, shift, c, mu, var);
        }
        RunningStats.update(desc, mean, variance, runningMean, runningVar);
    }

    private void write(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift, long c,
            double mu, double var) {
        double rstd = 1.0 / Math.sqrt(var + desc.eps());
        double gamma = scale != null ? get(scale, c) : 1.0;
        double beta = shift != null ? get(shift, c) : 0.0;
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                long k = at(o, c, i);
                double y = (get(src, k) - mu) * rstd * gamma + beta;
                if (desc.fuseRelu()) y = Math.max(y, 0.0);
                set(dst, k, (float) y);
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment dst, MemorySegment diffSrc, MemorySegment diffScale,
            MemorySegment diffShift) {
        KernelArgs.batchNormBackward(desc, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
        gradient(false, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
    }

    @Override
    public void backwardGlobalStats(MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment mean, MemorySegment variance, MemorySegment dst, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.batchNormBackward(desc, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
        gradient(true, src, diffDst, scale, mean, variance, dst, diffSrc, diffScale, diffShift);
    }

    private void gradient(boolean global, MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment mean, MemorySegment variance, MemorySegment dst, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        for (long c = 0; c < channels; c++) {
            double mu = get(mean, c);
            double rstd = 1.0 / Math.sqrt(get(variance, c) + desc.eps());
            double gamma = scale != null ? get(scale, c) : 1.0;
            double sumG = 0;
            double sumGXhat = 0;
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    long k = at(o, c, i);
                    double g = grad(diffDst, dst, k);
                    sumG += g;
                    sumGXhat += g * (get(src, k) - mu) * rstd;
                }
            }
            if (diffScale != null) set(diffScale, c, (float) sumGXhat);
            if (diffShift != null) set(diffShift, c, (float) sumG);
            double meanG = global ? 0.0 : sumG / n;
            double meanGXhat = global ? 0.0 : sumGXhat / n;
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    long k = at(o, c, i);
                    double xhat = (get(src, k) - mu) * rstd;
                    set(diffSrc, k, (float) (gamma * rstd * (grad(diffDst, dst, k) - meanG - xhat * meanGXhat)));
                }
            }
        }
    }

    /** diffDst, or 0 where the fused ReLU cut the output off (dst <= 0). */
    private double grad(MemorySegment diffDst, MemorySegment dst, long k) {
        return dst != null && get(dst, k) <= 0f ? 0.0 : get(diffDst, k);
    }
}
