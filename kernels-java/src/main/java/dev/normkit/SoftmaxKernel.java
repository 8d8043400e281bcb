package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Softmax or log-softmax (see {@link SoftmaxDesc}). Every tensor holds {@code shape.elementCount()} floats. dst may be
 * src; diffSrc may be diffDst.
 */
public interface SoftmaxKernel extends Kernel {

    @Override
    SoftmaxDesc desc();

    void forward(MemorySegment src, MemorySegment dst);

    /** Backward from the forward output {@code dst} and the upstream gradient. */
    void backward(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc);

    default void forward(float[] src, float[] dst) {
        forward(of(src), of(dst));
    }

    default void backward(float[] dst, float[] diffDst, float[] diffSrc) {
        backward(of(dst), of(diffDst), of(diffSrc));
    }
}
