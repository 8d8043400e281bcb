package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Spectral normalization (see {@link SpectralNormDesc}). src, dst, diffDst and diffSrc hold the shape's floats (W as
 * a rows x cols matrix, row-major); u holds rows floats, v cols floats, sigma one. dst may be src; diffSrc may be
 * diffDst; u and v must not overlap the others.
 */
public interface SpectralNormKernel extends Kernel {

    @Override
    SpectralNormDesc desc();

    /** Inference: {@code sigma = u^T W v} from u and v as given (read only), {@code dst = W / sigma}. */
    void forward(MemorySegment src, MemorySegment u, MemorySegment v, MemorySegment dst);

    /**
     * Training: the power iterations update u and v in place, then {@code sigma = u^T W v} is saved and
     * {@code dst = W / sigma}. With zero iterations u and v are only read.
     */
    void forwardTraining(MemorySegment src, MemorySegment u, MemorySegment v, MemorySegment dst,
            MemorySegment sigma);

    /**
     * {@code diffSrc = (diffDst - (sum(diffDst * W) / sigma) u v^T) / sigma}, with u, v and sigma as training forward
     * left them (held fixed, as in PyTorch).
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment u, MemorySegment v, MemorySegment sigma,
            MemorySegment diffSrc);

    default void forward(float[] src, float[] u, float[] v, float[] dst) {
        forward(of(src), of(u), of(v), of(dst));
    }

    default void forwardTraining(float[] src, float[] u, float[] v, float[] dst, float[] sigma) {
        forwardTraining(of(src), of(u), of(v), of(dst), of(sigma));
    }

    default void backward(float[] src, float[] diffDst, float[] u, float[] v, float[] sigma, float[] diffSrc) {
        backward(of(src), of(diffDst), of(u), of(v), of(sigma), of(diffSrc));
    }
}
