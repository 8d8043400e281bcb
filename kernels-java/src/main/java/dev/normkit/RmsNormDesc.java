package dev.normkit;

/**
 * RMS normalization over the innermost {@code normalizedAxes} axes (flattened to {@link #cols()}); no mean is
 * subtracted.
 *
 * <pre>
 *   rstd = 1 / sqrt(mean(x^2) + eps)
 *   y    = x * rstd * gamma        gamma of length cols; optional
 * </pre>
 *
 * Training forward saves {@code rstd} (rows floats) for backward. Default eps is PyTorch's for f32, the machine
 * epsilon 1.1920929e-07.
 */
public record RmsNormDesc(Shape shape, int normalizedAxes, float eps, boolean useScale)
        implements KernelDesc<RmsNormKernel> {

    /** PyTorch's default for f32: {@code torch.finfo(torch.float32).eps}. */
    public static final float DEFAULT_EPS = Math.ulp(1.0f);

    public RmsNormDesc {
        NormChecks.shapeAndAxes(shape, normalizedAxes);
        NormChecks.eps(eps);
    }

    public static RmsNormDesc of(Shape shape) {
        return new RmsNormDesc(shape, 1, DEFAULT_EPS, true);
    }

    public RmsNormDesc withNormalizedAxes(int k) {
        return new RmsNormDesc(shape, k, eps, useScale);
    }

    public RmsNormDesc withEps(float e) {
        return new RmsNormDesc(shape, normalizedAxes, e, useScale);
    }

    public RmsNormDesc withScale(boolean on) {
        return new RmsNormDesc(shape, normalizedAxes, eps, on);
    }

    public long rows() {
        return shape.sizeBefore(shape.rank() - normalizedAxes);
    }

    public long cols() {
        return shape.sizeFrom(shape.rank() - normalizedAxes);
    }

    @Override
    public String kernelName() {
        return "rms_norm";
    }
}
