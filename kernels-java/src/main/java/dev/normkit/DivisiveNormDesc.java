package dev.normkit;

/**
 * Divisive p-norm normalization, the seeds' microcircuit form, over the innermost {@code normalizedAxes} axes
 * (flattened to {@link #cols()}):
 *
 * <pre>
 *   n = ||x||_p = (sum |x_i|^p)^(1/p)      p = +infinity: max |x_i|
 *   y = g * x / (sigma + n)
 * </pre>
 *
 * p is any real {@code > 0} or {@code +infinity}; for {@code p < 1}, n is the quasi-norm as
 * {@code numpy.linalg.norm} computes it. sigma {@code >= 0} smooths the division; g is the gain. Defaults (normkit's choice; the seeds set their own):
 * p = 2, sigma = 1, g = 1. Backward gives diffSrc and, on request, d loss / d g.
 */
public record DivisiveNormDesc(Shape shape, int normalizedAxes, float p, float sigma, float gain)
        implements KernelDesc<DivisiveNormKernel> {

    public static final float DEFAULT_P = 2f;
    public static final float DEFAULT_SIGMA = 1f;
    public static final float DEFAULT_GAIN = 1f;

    public DivisiveNormDesc {
        NormChecks.shapeAndAxes(shape, normalizedAxes);
        PNormChecks.p(p);
        if (!(sigma >= 0f) || Float.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma: must be finite and >= 0, got " + sigma);
        }
        if (!Float.isFinite(gain)) {
            throw new IllegalArgumentException("gain: must be finite, got " + gain);
        }
    }

    public static DivisiveNormDesc of(Shape shape) {
        return new DivisiveNormDesc(shape, 1, DEFAULT_P, DEFAULT_SIGMA, DEFAULT_GAIN);
    }

    public DivisiveNormDesc withNormalizedAxes(int k) {
        return new DivisiveNormDesc(shape, k, p, sigma, gain);
    }

    /** The norm's order: a real {@code > 0}, or {@link Float#POSITIVE_INFINITY} for the max norm. */
    public DivisiveNormDesc withP(float order) {
        return new DivisiveNormDesc(shape, normalizedAxes, order, sigma, gain);
    }

    public DivisiveNormDesc withSigma(float s) {
        return new DivisiveNormDesc(shape, normalizedAxes, p, s, gain);
    }

    public DivisiveNormDesc withGain(float g) {
        return new DivisiveNormDesc(shape, normalizedAxes, p, sigma, g);
    }

    public long rows() {
        return shape.sizeBefore(shape.rank() - normalizedAxes);
    }

    public long cols() {
        return shape.sizeFrom(shape.rank() - normalizedAxes);
    }

    /** The divisor of a row whose norm is {@code norm}: {@code sigma + norm}. */
    public double denominator(double norm) {
        return sigma + norm;
    }

    @Override
    public String kernelName() {
        return "divisive_norm";
    }
}
