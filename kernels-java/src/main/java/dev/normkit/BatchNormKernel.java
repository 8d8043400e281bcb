package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Batch normalization (see {@link BatchNormDesc}). src, dst, diffSrc and diffDst are dense f32 tensors in the
 * descriptor's layout; every per-channel argument (scale, shift, mean, variance, the running statistics, diffScale,
 * diffShift) holds C floats. Scale and shift must be given exactly when the descriptor uses them, and be {@code null}
 * otherwise. dst may be src (in place); diffSrc may be diffDst.
 *
 * <p>Statistics are the mean and the biased variance; {@code rstd = 1/sqrt(variance + eps)} is derived from them.
 */
public interface BatchNormKernel extends Kernel {

    @Override
    BatchNormDesc desc();

    /** Inference forward from given statistics (usually the running ones). */
    void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift, MemorySegment mean,
            MemorySegment variance);

    /**
     * Training forward from the batch's statistics: saves each channel's batch mean and biased variance, and updates
     * {@code runningMean} and {@code runningVar} in place (see {@link BatchNormDesc}); give both, or neither to keep no
     * running statistics.
     *
     * @throws IllegalArgumentException if a channel has a single value (n = 1): its unbiased variance is undefined
     */
    void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment variance, MemorySegment runningMean, MemorySegment runningVar);

    /**
     * Backward of training forward, from the saved batch statistics, with {@code g = diffDst * gamma} (masked to 0
     * where {@code dst <= 0} when the ReLU is fused):
     * {@code diffSrc = rstd * (g - mean(g) - xhat * mean(g * xhat))}, {@code diffScale = sum diffDst * xhat},
     * {@code diffShift = sum diffDst} (the sums over each channel's n values, of the masked diffDst). {@code dst} is
     * the forward output, needed exactly when the ReLU is fused ({@code null} otherwise).
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment dst, MemorySegment diffSrc, MemorySegment diffScale,
            MemorySegment diffShift);

    /**
     * Backward of inference forward (statistics held fixed, oneDNN's {@code use_global_stats}):
     * {@code diffSrc = rstd * g}; diffScale and diffShift as in {@link #backward}.
     */
    void backwardGlobalStats(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment variance, MemorySegment dst, MemorySegment diffSrc, MemorySegment diffScale,
            MemorySegment diffShift);

    default void forward(float[] src, float[] dst, float[] scale, float[] shift, float[] mean, float[] variance) {
        forward(of(src), of(dst), of(scale), of(shift), of(mean), of(variance));
    }

    default void forwardTraining(float[] src, float[] dst, float[] scale, float[] shift, float[] mean,
            float[] variance, float[] runningMean, float[] runningVar) {
        forwardTraining(of(src), of(dst), of(scale), of(shift), of(mean), of(variance), of(runningMean),
                of(runningVar));
    }

    default void backward(float[] src, float[] diffDst, float[] scale, float[] mean, float[] variance, float[] dst,
            float[] diffSrc, float[] diffScale, float[] diffShift) {
        backward(of(src), of(diffDst), of(scale), of(mean), of(variance), of(dst), of(diffSrc), of(diffScale),
                of(diffShift));
    }

    default void backwardGlobalStats(float[] src, float[] diffDst, float[] scale, float[] mean, float[] variance,
            float[] dst, float[] diffSrc, float[] diffScale, float[] diffShift) {
        backwardGlobalStats(of(src), of(diffDst), of(scale), of(mean), of(variance), of(dst), of(diffSrc),
                of(diffScale), of(diffShift));
    }
}
