package dev.normkit;

/**
 * PyTorch's {@code F.normalize(x, p, dim=-1, eps)} over the innermost {@code normalizedAxes} axes (flattened to
 * {@link #cols()}): each row divided by its p-norm, floored at eps (not added).
 *
 * <pre>
 *   n = ||x||_p = (sum |x_i|^p)^(1/p)      p = +infinity: max |x_i|
 *   y = x / max(n, eps)
 * </pre>
 *
 * p is any real {@code > 0} or {@code +infinity} (PyTorch accepts any p; for {@code p < 1} the "norm" is the
 * quasi-norm, as {@code numpy.linalg.norm} computes it). Defaults as PyTorch: p = 2, eps = 1e-12. Backward follows autograd through
 * {@code clamp_min}: the norm's gradient flows where {@code n >= eps} (so at {@code n == eps} too), none below.
 * normkit normalizes the innermost axes only; PyTorch's {@code dim=1} on a 2-D tensor is that axis.
 */
public record L2NormalizeDesc(Shape shape, int normalizedAxes, float p, float eps)
        implements KernelDesc<L2NormalizeKernel> {

    public static final float DEFAULT_P = 2f;
    /** PyTorch's default floor on the norm. */
    public static final float DEFAULT_EPS = 1e-12f;

    public L2NormalizeDesc {
        NormChecks.shapeAndAxes(shape, normalizedAxes);
        PNormChecks.p(p);
        NormChecks.eps(eps);
    }

    public static L2NormalizeDesc of(Shape shape) {
        return new L2NormalizeDesc(shape, 1, DEFAULT_P, DEFAULT_EPS);
    }

    public L2NormalizeDesc withNormalizedAxes(int k) {
        return new L2NormalizeDesc(shape, k, p, eps);
    }

    /** The norm's order: a real {@code > 0}, or {@link Float#POSITIVE_INFINITY} for the max norm. */
    public L2NormalizeDesc withP(float order) {
        return new L2NormalizeDesc(shape, normalizedAxes, order, eps);
    }

    public L2NormalizeDesc withEps(float e) {
        return new L2NormalizeDesc(shape, normalizedAxes, p, e);
    }

    public long rows() {
        return shape.sizeBefore(shape.rank() - normalizedAxes);
    }

    public long cols() {
        return shape.sizeFrom(shape.rank() - normalizedAxes);
    }

    /** The divisor of a row whose norm is {@code norm}: {@code max(norm, eps)}, NaN for a NaN norm. */
    public double denominator(double norm) {
        return Double.isNaN(norm) ? norm : Math.max(norm, eps);
    }

    /** d denominator / d norm: 1 where {@code norm >= eps} (autograd's {@code clamp_min}), else 0. */
    public double denominatorSlope(double norm) {
        return norm >= eps ? 1.0 : 0.0;
    }

    @Override
    public String kernelName() {
        return "l2_normalize";
    }
}
