package dev.normkit.spi;

import dev.normkit.Backend;
import dev.normkit.BatchNormKernel;
import dev.normkit.GroupNormKernel;
import dev.normkit.InstanceNormDesc;
import dev.normkit.InstanceNormKernel;
import dev.normkit.Support;
import java.lang.foreign.MemorySegment;

/**
 * Instance norm on any path, made of that path's own kernels rather than loops of its own: training forward, backward
 * and inference forward without running statistics are the path's group norm with one group per channel (the same
 * statistics over the same values, saved in the same {@code N x C} order); inference forward from running statistics
 * is the path's batch-norm inference per channel (PyTorch's eval mode); the running-statistics update is
 * {@link RunningStats#updateFromInstances}, one O(N*C) pass over the saved statistics after the kernel.
 */
public final class InstanceNormOnGroupNorm implements InstanceNormKernel {

    private final InstanceNormDesc desc;
    private final GroupNormKernel groupNorm;
    private final BatchNormKernel batchNorm;

    private InstanceNormOnGroupNorm(InstanceNormDesc desc, GroupNormKernel groupNorm, BatchNormKernel batchNorm) {
        this.desc = desc;
        this.groupNorm = groupNorm;
        this.batchNorm = batchNorm;
    }

    /** Whether {@code path} runs the kernels this one is made of, with the first reason it does not. */
    public static Support support(Backend path, InstanceNormDesc desc) {
        Support groups = path.support(desc.asGroupNorm());
        if (!groups.supported() || !desc.trackRunningStats()) return groups;
        return path.support(desc.asBatchNorm());
    }

    /** Makes {@code path}'s group norm (G = C) and, when running statistics are tracked, its batch norm. */
    public static InstanceNormKernel create(Backend path, InstanceNormDesc desc) {
        GroupNormKernel groupNorm = path.create(desc.asGroupNorm());
        if (!desc.trackRunningStats()) return new InstanceNormOnGroupNorm(desc, groupNorm, null);
        try {
            return new InstanceNormOnGroupNorm(desc, groupNorm, path.create(desc.asBatchNorm()));
        } catch (RuntimeException e) {
            groupNorm.close();
            throw e;
        }
    }

    @Override
    public InstanceNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return groupNorm.path();
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment runningMean, MemorySegment runningVar) {
        KernelArgs.instanceNormForward(desc, src, dst, scale, shift, runningMean, runningVar);
        if (batchNorm != null) {
            batchNorm.forward(src, dst, scale, shift, runningMean, runningVar);
        } else {
            groupNorm.forward(src, dst, scale, shift);
        }
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance, MemorySegment runningMean, MemorySegment runningVar) {
        KernelArgs.instanceNormForwardTraining(desc, src, dst, scale, shift, mean, variance, runningMean,
                runningVar);
        groupNorm.forwardTraining(src, dst, scale, shift, mean, variance);
        RunningStats.updateFromInstances(desc, mean, variance, runningMean, runningVar);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.instanceNormBackward(desc, src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
        groupNorm.backward(src, diffDst, scale, mean, variance, diffSrc, diffScale, diffShift);
    }

    @Override
    public void close() {
        try {
            groupNorm.close();
        } finally {
            if (batchNorm != null) batchNorm.close();
        }
    }
}
