package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * An elementwise activation (see {@link ActivationDesc}). Every tensor holds {@code shape.elementCount()} floats; any
 * output may alias an input. NaN inputs give NaN outputs on the Java paths.
 */
public interface ActivationKernel extends Kernel {

    @Override
    ActivationDesc desc();

    void forward(MemorySegment src, MemorySegment dst);

    /** {@code diffSrc = diffDst * f'(src)}. */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc);

    /**
     * {@code diffSrc = diffDst * f'(src)} computed from the forward output {@code dst}.
     *
     * @throws IllegalStateException unless {@link ActivationDesc#hasBackwardFromDst()}
     */
    void backwardFromDst(MemorySegment dst, MemorySegment diffDst, MemorySegment diffSrc);

    default void forward(float[] src, float[] dst) {
        forward(of(src), of(dst));
    }

    default void backward(float[] src, float[] diffDst, float[] diffSrc) {
        backward(of(src), of(diffDst), of(diffSrc));
    }

    default void backwardFromDst(float[] dst, float[] diffDst, float[] diffSrc) {
        backwardFromDst(of(dst), of(diffDst), of(diffSrc));
    }
}
