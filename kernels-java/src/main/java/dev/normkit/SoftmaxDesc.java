package dev.normkit;

/**
 * Softmax or log-softmax along {@code axis} of {@code shape}; every other position is an independent row.
 *
 * <pre>
 *   m = max(x), softmax = exp(x - m) / sum(exp(x - m)), log_softmax = x - m - log(sum(exp(x - m)))
 * </pre>
 *
 * Backward takes the forward output (dst), as oneDNN does: softmax {@code dx = y * (dy - sum(dy * y))},
 * log-softmax {@code dx = dy - exp(y) * sum(dy)}.
 */
public record SoftmaxDesc(Shape shape, int axis, boolean log) implements KernelDesc<SoftmaxKernel> {

    public SoftmaxDesc {
        if (shape == null) {
            throw new IllegalArgumentException("shape: must not be null");
        }
        if (axis < 0 || axis >= shape.rank()) {
            throw new IllegalArgumentException(
                    "axis: must be in [0, " + shape.rank() + ") for shape " + shape + ", got " + axis);
        }
    }

    /** Softmax along the last axis. */
    public static SoftmaxDesc of(Shape shape) {
        return new SoftmaxDesc(shape, shape.rank() - 1, false);
    }

    /** Log-softmax along the last axis. */
    public static SoftmaxDesc logOf(Shape shape) {
        return new SoftmaxDesc(shape, shape.rank() - 1, true);
    }

    /** Same kernel along another axis; negative values count from the end (-1 is the last axis). */
    public SoftmaxDesc withAxis(int a) {
        return new SoftmaxDesc(shape, a < 0 ? shape.rank() + a : a, log);
    }

    /** Product of the axes before {@link #axis()}. */
    public long outer() {
        return shape.sizeBefore(axis);
    }

    /** Length of the softmax axis. */
    public long axisLength() {
        return shape.dim(axis);
    }

    /** Product of the axes after {@link #axis()}: the stride between consecutive elements of one row. */
    public long inner() {
        return shape.sizeFrom(axis + 1);
    }

    @Override
    public String kernelName() {
        return log ? "log_softmax" : "softmax";
    }
}
