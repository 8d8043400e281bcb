package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Group normalization (see {@link GroupNormDesc}). src, dst, diffSrc and diffDst are dense f32 tensors in the
 * descriptor's layout; scale (gamma), shift (beta), diffScale and diffShift hold C floats; mean and variance hold
 * {@code N x groups} floats (sample-major). Scale and shift must be given exactly when the descriptor uses them, and
 * be {@code null} otherwise. dst may be src (in place); diffSrc may be diffDst.
 */
public interface GroupNormKernel extends Kernel {

    @Override
    GroupNormDesc desc();

    /** Forward: statistics computed per (sample, group) and not saved. */
    void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift);

    /** As {@link #forward}, and saves each (sample, group)'s mean and biased variance. */
    void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance);

    /**
     * Backward from the saved statistics, per (sample, group) with {@code g = diffDst * gamma_c}:
     * {@code diffSrc = rstd * (g - mean(g) - xhat * mean(g * xhat))}; {@code diffScale_c = sum diffDst * xhat} and
     * {@code diffShift_c = sum diffDst} over samples and spatial positions.
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift);

    default void forward(float[] src, float[] dst, float[] scale, float[] shift) {
        forward(of(src), of(dst), of(scale), of(shift));
    }

    default void forwardTraining(float[] src, float[] dst, float[] scale, float[] shift, float[] mean,
            float[] variance) {
        forwardTraining(of(src), of(dst), of(scale), of(shift), of(mean), of(variance));
    }

    default void backward(float[] src, float[] diffDst, float[] scale, float[] mean, float[] variance,
            float[] diffSrc, float[] diffScale, float[] diffShift) {
        backward(of(src), of(diffDst), of(scale), of(mean), of(variance), of(diffSrc), of(diffScale),
                of(diffShift));
    }
}
