package dev.normkit;

/**
 * Layer normalization over the innermost {@code normalizedAxes} axes of {@code shape}, flattened to one axis of
 * length {@link #cols()}; every one of the {@link #rows()} leading positions is normalized on its own.
 *
 * <pre>
 *   mu = mean(x), var = mean((x - mu)^2)  (biased), rstd = 1 / sqrt(var + eps)
 *   y  = (x - mu) * rstd * gamma + beta      gamma, beta of length cols; each optional
 * </pre>
 *
 * Training forward saves {@code mean} and {@code rstd} (rows floats each) for backward. Defaults follow PyTorch:
 * eps 1e-5, scale and shift on, one normalized axis.
 */
public record LayerNormDesc(Shape shape, int normalizedAxes, float eps, boolean useScale, boolean useShift)
        implements KernelDesc<LayerNormKernel> {

    public static final float DEFAULT_EPS = 1e-5f;

    public LayerNormDesc {
        NormChecks.shapeAndAxes(shape, normalizedAxes);
        NormChecks.eps(eps);
    }

    /** Normalizes the last axis of {@code shape} with PyTorch's defaults. */
    public static LayerNormDesc of(Shape shape) {
        return new LayerNormDesc(shape, 1, DEFAULT_EPS, true, true);
    }

    public LayerNormDesc withNormalizedAxes(int k) {
        return new LayerNormDesc(shape, k, eps, useScale, useShift);
    }

    public LayerNormDesc withEps(float e) {
        return new LayerNormDesc(shape, normalizedAxes, e, useScale, useShift);
    }

    public LayerNormDesc withScale(boolean on) {
        return new LayerNormDesc(shape, normalizedAxes, eps, on, useShift);
    }

    public LayerNormDesc withShift(boolean on) {
        return new LayerNormDesc(shape, normalizedAxes, eps, useScale, on);
    }

    /** Number of independently normalized rows: the product of the leading axes. */
    public long rows() {
        return shape.sizeBefore(shape.rank() - normalizedAxes);
    }

    /** Length of one normalized row: the product of the normalized axes. */
    public long cols() {
        return shape.sizeFrom(shape.rank() - normalizedAxes);
    }

    @Override
    public String kernelName() {
        return "layer_norm";
    }
}
