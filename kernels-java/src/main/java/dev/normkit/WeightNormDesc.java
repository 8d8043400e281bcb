package dev.normkit;

/**
 * Weight normalization, PyTorch's {@code torch.nn.utils.weight_norm}: a weight {@code w} reparameterized by a
 * direction {@code v} (of {@link #shape()}) and a gain {@code g}, one per slice along {@link #dim()}:
 *
 * <pre>
 *   norm[d] = sqrt(sum of v^2 over slice d)        slice d: the elements whose index along dim is d
 *   w       = g[d] * v / norm[d]
 * </pre>
 *
 * With the default dim 0 there is one norm per output row (a conv weight's output channel, a linear layer's output
 * feature). {@link #WHOLE_TENSOR} (PyTorch's {@code dim=None}) takes one norm over the whole tensor and one gain.
 * There is no eps: as in PyTorch, a slice of zeros gives {@code 0/0 = NaN}. Training forward saves the norms
 * ({@link #slices()} floats) for backward.
 *
 * <p>Backward, as PyTorch's {@code _weight_norm_interface_backward}, per slice:
 * {@code diff_g = sum(diff_w * v) / norm}; {@code diff_v = (g / norm) * (diff_w - v * diff_g / norm)}.
 */
public record WeightNormDesc(Shape shape, int dim) implements KernelDesc<WeightNormKernel> {

    /** The dim that asks for one norm over the whole tensor (PyTorch's {@code dim=None}). */
    public static final int WHOLE_TENSOR = -1;

    public WeightNormDesc {
        if (shape == null) {
            throw new IllegalArgumentException("shape: must not be null");
        }
        if (dim != WHOLE_TENSOR && (dim < 0 || dim >= shape.rank())) {
            throw new IllegalArgumentException("dim: must be in [0, " + shape.rank() + ") for shape " + shape
                    + ", or WHOLE_TENSOR (-1), got " + dim);
        }
    }

    /** dim 0, PyTorch's default: one norm and gain per output row. */
    public static WeightNormDesc of(Shape shape) {
        return new WeightNormDesc(shape, 0);
    }

    public WeightNormDesc withDim(int d) {
        return new WeightNormDesc(shape, d);
    }

    /** The number of slices, norms and gains: the size of dim, or 1 for the whole tensor. */
    public long slices() {
        return dim == WHOLE_TENSOR ? 1 : shape.dim(dim);
    }

    /** The product of the dims before {@link #dim()} (1 for the whole tensor). */
    public long outer() {
        return dim == WHOLE_TENSOR ? 1 : shape.sizeBefore(dim);
    }

    /**
     * The product of the dims after {@link #dim()} (the element count for the whole tensor): slice d is {@link #outer()}
     * contiguous runs of this many floats, run o starting at {@code (o * slices + d) * inner}.
     */
    public long inner() {
        return dim == WHOLE_TENSOR ? shape.elementCount() : shape.sizeFrom(dim + 1);
    }

    @Override
    public String kernelName() {
        return "weight_norm";
    }
}
