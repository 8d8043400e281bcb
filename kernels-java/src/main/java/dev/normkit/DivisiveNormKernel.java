package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * Divisive p-norm normalization (see {@link DivisiveNormDesc}). Every tensor holds {@code shape.elementCount()}
 * floats; diffGain, when given, one. dst may be src; diffSrc may be diffDst. Backward recomputes each row's norm from
 * src (nothing is saved by forward).
 */
public interface DivisiveNormKernel extends Kernel {

    @Override
    DivisiveNormDesc desc();

    void forward(MemorySegment src, MemorySegment dst);

    /**
     * With {@code D = sigma + n}, {@code s = sum_j dy_j x_j} and {@code dn/dx_i} the norm's gradient (as
     * {@link L2NormalizeKernel#backward}): {@code diffSrc_i = g (dy_i / D - s / D^2 * dn/dx_i)}. diffGain, if not
     * null, receives {@code sum over rows s / D} (overwritten); null skips it.
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, MemorySegment diffGain);

    default void forward(float[] src, float[] dst) {
        forward(of(src), of(dst));
    }

    default void backward(float[] src, float[] diffDst, float[] diffSrc, float[] diffGain) {
        backward(of(src), of(diffDst), of(diffSrc), of(diffGain));
    }
}
