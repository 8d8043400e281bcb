package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Local response normalization (see {@link LrnDesc}). src, dst, diffDst and diffSrc are dense f32 tensors of the
 * descriptor's shape. dst may be src (in place); diffSrc may be diffDst.
 *
 * <p>Backward takes src, not anything forward saved: with {@code w_j = k + alpha/divisor * (window sum at j)},
 *
 * <pre>
 *   diffSrc_i = diffDst_i w_i^-beta - 2 alpha beta / divisor * src_i * sum over the j whose window holds i of
 *               diffDst_j src_j w_j^(-beta-1)
 * </pre>
 */
public interface LrnKernel extends Kernel {

    @Override
    LrnDesc desc();

    void forward(MemorySegment src, MemorySegment dst);

    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc);

    default void forward(float[] src, float[] dst) {
        forward(of(src), of(dst));
    }

    default void backward(float[] src, float[] diffDst, float[] diffSrc) {
        backward(of(src), of(diffDst), of(diffSrc));
    }
}
