package dev.normkit;

import static dev.normkit.ArraySegments.of;

import java.lang.foreign.MemorySegment;

/**
 * p-norm normalize (see {@link L2NormalizeDesc}). Every tensor holds {@code shape.elementCount()} floats. dst may be
 * src; diffSrc may be diffDst. Backward recomputes each row's norm from src (nothing is saved by forward).
 */
public interface L2NormalizeKernel extends Kernel {

    @Override
    L2NormalizeDesc desc();

    void forward(MemorySegment src, MemorySegment dst);

    /**
     * With {@code D = max(n, eps)}, {@code D' = (n >= eps)}, {@code s = sum_j dy_j x_j} and {@code dn/dx_i} the norm's
     * gradient ({@code sign(x_i) (|x_i|/n)^(p-1)}; for p = inf split evenly among the |x_i| equal to n; 0 for a zero
     * row): {@code diffSrc_i = dy_i / D - D' s / D^2 * dn/dx_i}.
     */
    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc);

    default void forward(float[] src, float[] dst) {
        forward(of(src), of(dst));
    }

    default void backward(float[] src, float[] diffDst, float[] diffSrc) {
        backward(of(src), of(diffDst), of(diffSrc));
    }
}
