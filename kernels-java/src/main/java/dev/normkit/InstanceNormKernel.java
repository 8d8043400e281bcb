package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Instance normalization (see {@link InstanceNormDesc}). src, dst, diffSrc and diffDst are dense f32 tensors in the
 * descriptor's layout; scale (gamma), shift (beta), diffScale, diffShift and the running statistics hold C floats;
 * mean and variance hold {@code N x C} floats (sample-major). Scale and shift must be given exactly when the
 * descriptor uses them, and the running statistics exactly when it tracks them; {@code null} otherwise. dst may be
 * src (in place); diffSrc may be diffDst.
 */
public interface InstanceNormKernel extends Kernel {

    @Override
    InstanceNormDesc desc();

    /**
     * Inference forward: with {@code trackRunningStats}, from the running statistics (inputs, the variance as stored:
     * unbiased); without, from each instance's own statistics, not saved.
     */
    void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment runningMean, MemorySegment runningVar);

    /**
     * Training forward from each instance's statistics: saves each (sample, channel)'s mean and biased variance and,
     * with {@code trackRunningStats}, updates {@code runningMean} and {@code runningVar} in place.
     */
    void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance, MemorySegment runningMean, MemorySegment runningVar);

    /**
     * Backward of training forward, from the saved statistics, per (sample, channel) with {@code g = diffDst * gamma_c}:
     * {@code diffSrc = rstd * (g - mean(g) - xhat * mean(g * xhat))}; {@code diffScale_c = sum diffDst * xhat} and
     * {@code diffShift_c = sum diffDst} over samples and spatial positions.
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift);

    default void forward(float[] src, float[] dst, float[] scale, float[] shift, float[] runningMean,
            float[] runningVar) {
        forward(of(src), of(dst), of(scale), of(shift), of(runningMean), of(runningVar));
    }

    default void forwardTraining(float[] src, float[] dst, float[] scale, float[] shift, float[] mean,
            float[] variance, float[] runningMean, float[] runningVar) {
        forwardTraining(of(src), of(dst), of(scale), of(shift), of(mean), of(variance), of(runningMean),
                of(runningVar));
    }

    default void backward(float[] src, float[] diffDst, float[] scale, float[] mean, float[] variance,
            float[] diffSrc, float[] diffScale, float[] diffShift) {
        backward(of(src), of(diffDst), of(scale), of(mean), of(variance), of(diffSrc), of(diffScale),
                of(diffShift));
    }
}
