package dev.normkit.scalar;

import static dev.normkit.scalar.FloatAccess.get;
import static dev.normkit.scalar.FloatAccess.set;

import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;
import dev.normkit.GroupNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;

/**
 * Group norm in plain loops: the readable reference. Each (sample, group) is visited in one fixed order (channel,
 * then spatial position); mean, then centred variance, in double; each output computed in double and rounded once.
 */
final class ScalarGroupNorm implements GroupNormKernel {

    private final GroupNormDesc desc;
    private final long batch;
    private final long channels;
    private final long spatial;
    private final long groups;
    private final long perGroup;
    private final boolean channelsLast;

    ScalarGroupNorm(GroupNormDesc desc) {
        this.desc = desc;
        this.batch = desc.batch();
        this.channels = desc.channels();
        this.spatial = desc.spatial();
        this.groups = desc.groups();
        this.perGroup = desc.channelsPerGroup();
        this.channelsLast = desc.layout() == ChannelLayout.NHWC;
    }

    @Override
    public GroupNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "scalar";
    }

    /** Index of channel c at spatial position s of sample n. */
    private long at(long n, long c, long s) {
        return channelsLast ? (n * spatial + s) * channels + c : (n * channels + c) * spatial + s;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, false, null, null);
        normalize(src, dst, scale, shift, null, null);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, true, mean, variance);
        normalize(src, dst, scale, shift, mean, variance);
    }

    private void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment meanOut, MemorySegment varianceOut) {
        double m = desc.groupSize();
        for (long n = 0; n < batch; n++) {
            for (long g = 0; g < groups; g++) {
                long c0 = g * perGroup;
                double sum = 0;
                for (long c = c0; c < c0 + perGroup; c++) {
                    for (long s = 0; s < spatial; s++) sum += get(src, at(n, c, s));
                }
                double mu = sum / m;
                double squares = 0;
                for (long c = c0; c < c0 + perGroup; c++) {
                    for (long s = 0; s < spatial; s++) {
                        double d = get(src, at(n, c, s)) - mu;
                        squares += d * d;
                    }
                }
                double var = squares / m;
                double rstd = 1.0 / Math.sqrt(var + desc.eps());
                for (long c = c0; c < c0 + perGroup; c++) {
                    double gamma = scale != null ? get(scale, c) : 1.0;
                    double beta = shift != null ? get(shift, c) : 0.0;
                    for (long s = 0; s < spatial; s++) {
                        long k = at(n, c, s);
                        set(dst, k, (float) ((get(src, k) - mu) * rstd * gamma + beta));
                    }
                }
                if (meanOut != null) {
                    set(meanOut, n * groups + g, (float) mu);
                    set(varianceOut, n * groups + g, (float) var);
                }
            }
        }
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.groupNormBackward(desc, src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
        for (long c = 0; c < channels; c++) {
            if (diffScale != null) set(diffScale, c, 0f);
            if (diffShift != null) set(diffShift, c, 0f);
        }
        double m = desc.groupSize();
        for (long n = 0; n < batch; n++) {
            for (long g = 0; g < groups; g++) {
                long c0 = g * perGroup;
                double mu = get(mean, n * groups + g);
                double rstd = 1.0 / Math.sqrt(get(variance, n * groups + g) + desc.eps());
                double sumG = 0;
                double sumGXhat = 0;
                for (long c = c0; c < c0 + perGroup; c++) {
                    double gamma = scale != null ? get(scale, c) : 1.0;
                    double dScale = 0;
                    double dShift = 0;
                    for (long s = 0; s < spatial; s++) {
                        long k = at(n, c, s);
                        double dy = get(diffDst, k);
                        double xhat = (get(src, k) - mu) * rstd;
                        sumG += dy * gamma;
                        sumGXhat += dy * gamma * xhat;
                        dScale += dy * xhat;
                        dShift += dy;
                    }
                    if (diffScale != null) set(diffScale, c, (float) (get(diffScale, c) + dScale));
                    if (diffShift != null) set(diffShift, c, (float) (get(diffShift, c) + dShift));
                }
                double meanG = sumG / m;
                double meanGXhat = sumGXhat / m;
                for (long c = c0; c < c0 + perGroup; c++) {
                    double gamma = scale != null ? get(scale, c) : 1.0;
                    for (long s = 0; s < spatial; s++) {
                        long k = at(n, c, s);
                        double xhat = (get(src, k) - mu) * rstd;
                        set(diffSrc, k, (float) (rstd * (get(diffDst, k) * gamma - meanG - xhat * meanGXhat)));
                    }
                }
            }
        }
    }
}
