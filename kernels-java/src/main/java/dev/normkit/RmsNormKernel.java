package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * RMS normalization (see {@link RmsNormDesc}). src, dst, diffSrc and diffDst hold {@code rows x cols} floats; scale
 * and diffScale hold {@code cols} (given exactly when the descriptor uses scale, {@code null} otherwise); rstd holds
 * {@code rows}. dst may be src; diffSrc may be diffDst.
 */
public interface RmsNormKernel extends Kernel {

    @Override
    RmsNormDesc desc();

    /** Inference forward: rstd computed per row, not saved. */
    void forward(MemorySegment src, MemorySegment dst, MemorySegment scale);

    /** Training forward: as {@link #forward}, and saves each row's rstd = 1/sqrt(mean(x^2) + eps). */
    void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment rstd);

    /**
     * Backward with {@code xhat = x * rstd}, {@code g = diffDst * gamma}:
     * {@code diffSrc = rstd * (g - xhat * mean(g * xhat))}; {@code diffScale = sum over rows diffDst * xhat},
     * overwritten.
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment rstd,
            MemorySegment diffSrc, MemorySegment diffScale);

    default void forward(float[] src, float[] dst, float[] scale) {
        forward(of(src), of(dst), of(scale));
    }

    default void forwardTraining(float[] src, float[] dst, float[] scale, float[] rstd) {
        forwardTraining(of(src), of(dst), of(scale), of(rstd));
    }

    default void backward(float[] src, float[] diffDst, float[] scale, float[] rstd, float[] diffSrc,
            float[] diffScale) {
        backward(of(src), of(diffDst), of(scale), of(rstd), of(diffSrc), of(diffScale));
    }
}
