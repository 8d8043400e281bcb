package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Layer normalization (see {@link LayerNormDesc}). All tensors are dense row-major f32: src, dst, diffSrc and diffDst
 * hold {@code rows x cols} floats; scale (gamma), shift (beta), diffScale and diffShift hold {@code cols}; mean and rstd
 * hold {@code rows}. Scale and shift must be given exactly when the descriptor uses them, and be {@code null}
 * otherwise. dst may be src (in place); diffSrc may be diffDst.
 */
public interface LayerNormKernel extends Kernel {

    @Override
    LayerNormDesc desc();

    /** Inference forward: statistics are computed per row and not saved. */
    void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift);

    /** Training forward: as {@link #forward}, and saves each row's mean and rstd = 1/sqrt(var + eps). */
    void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment mean, MemorySegment rstd);

    /**
     * Backward from the saved statistics, with {@code g = diffDst * gamma}:
     * {@code diffSrc = rstd * (g - mean(g) - xhat * mean(g * xhat))}; {@code diffScale = sum over rows diffDst * xhat}
     * and {@code diffShift = sum over rows diffDst}, overwritten (each must be given exactly when the descriptor uses
     * scale, respectively shift, and {@code null} otherwise).
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment mean,
            MemorySegment rstd, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift);

    default void forward(float[] src, float[] dst, float[] scale, float[] shift) {
        forward(of(src), of(dst), of(scale), of(shift));
    }

    default void forwardTraining(float[] src, float[] dst, float[] scale, float[] shift, float[] mean, float[] rstd) {
        forwardTraining(of(src), of(dst), of(scale), of(shift), of(mean), of(rstd));
    }

    default void backward(float[] src, float[] diffDst, float[] scale, float[] mean, float[] rstd, float[] diffSrc,
            float[] diffScale, float[] diffShift) {
        backward(of(src), of(diffDst), of(scale), of(mean), of(rstd), of(diffSrc), of(diffScale), of(diffShift));
    }
}
