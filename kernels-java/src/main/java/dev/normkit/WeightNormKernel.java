package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Weight normalization (see {@link WeightNormDesc}). v, w, diffW and diffV hold the shape's floats; g, norm and diffG
 * hold {@link WeightNormDesc#slices()} floats. w may be v; diffV may be diffW.
 */
public interface WeightNormKernel extends Kernel {

    @Override
    WeightNormDesc desc();

    /** {@code w = g * v / ||v||} per slice; the norms are not saved. */
    void forward(MemorySegment v, MemorySegment g, MemorySegment w);

    /** As {@link #forward}, and saves each slice's norm {@code ||v||} for backward. */
    void forwardTraining(MemorySegment v, MemorySegment g, MemorySegment w, MemorySegment norm);

    /**
     * Gradients of v and g from the gradient of w, with the norms saved by training forward:
     * {@code diffG = sum(diffW * v) / norm}, {@code diffV = (g / norm) * (diffW - v * diffG / norm)}; both overwritten.
     */
    void backward(MemorySegment v, MemorySegment g, MemorySegment norm, MemorySegment diffW, MemorySegment diffV,
            MemorySegment diffG);

    default void forward(float[] v, float[] g, float[] w) {
        forward(of(v), of(g), of(w));
    }

    default void forwardTraining(float[] v, float[] g, float[] w, float[] norm) {
        forwardTraining(of(v), of(g), of(w), of(norm));
    }

    default void backward(float[] v, float[] g, float[] norm, float[] diffW, float[] diffV, float[] diffG) {
        backward(of(v), of(g), of(norm), of(diffW), of(diffV), of(diffG));
    }
}
