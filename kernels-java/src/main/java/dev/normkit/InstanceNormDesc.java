package dev.normkit;

/**
 * Instance normalization: group normalization with one group per channel, statistics per (sample, channel) over the
 * spatial positions ({@code m = H * W} values).
 *
 * <pre>
 *   mu = mean(x), var = mean((x - mu)^2)  (biased), rstd = 1 / sqrt(var + eps)   per (n, c)
 *   y  = (x - mu) * rstd * gamma_c + beta_c      gamma, beta of length C; each optional
 * </pre>
 *
 * Training forward saves the mean and biased variance of each (n, c), {@code N x C} floats (sample-major), and, with
 * {@code trackRunningStats}, updates per-channel running statistics as PyTorch's {@code InstanceNorm} does: with
 * {@code k = momentum}, {@code running_mean = (1 - k) running_mean + k mean_n(mu)} and
 * {@code running_var = (1 - k) running_var + k mean_n(var) m / (m - 1)} (the instance statistics averaged over the
 * N samples, the variance made unbiased over the m spatial positions). With {@code trackRunningStats}, inference
 * forward normalizes with the running statistics (PyTorch's eval mode: batch-norm inference per channel); without,
 * with each instance's own. Defaults follow PyTorch's {@code InstanceNorm2d}: eps 1e-5, momentum 0.1, affine off
 * (no scale, no shift), no running statistics.
 */
public record InstanceNormDesc(Shape shape, ChannelLayout layout, float eps, float momentum, boolean useScale,
        boolean useShift, boolean trackRunningStats) implements KernelDesc<InstanceNormKernel> {

    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_MOMENTUM = 0.1f;

    public InstanceNormDesc {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (layout == null) throw new IllegalArgumentException("layout: must not be null");
        if (layout == ChannelLayout.NC) {
            throw new IllegalArgumentException("layout: instance norm needs spatial axes, NCHW or NHWC, got NC");
        }
        if (!layout.accepts(shape.rank())) {
            throw new IllegalArgumentException("shape: layout " + layout + " needs rank " + layout.ranks() + ", got "
                    + shape + " (rank " + shape.rank() + ")");
        }
        if (shape.elementCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape: " + shape + " has more than 2^31 - 1 elements");
        }
        long spatial = shape.elementCount() / (shape.dim(0) * shape.dim(layout.channelAxis(shape.rank())));
        if (spatial < 2) {
            // PyTorch refuses it too: one value per instance normalizes to beta alone, and its unbiased variance
            // (for the running statistics) divides by m - 1 = 0.
            throw new IllegalArgumentException("shape: instance norm needs more than 1 spatial position per channel, "
                    + "got " + shape);
        }
        NormChecks.eps(eps);
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("momentum: must be in [0, 1], got " + momentum);
        }
    }

    /**
     * PyTorch's defaults on {@code shape}, channels first: ranks 3 to 5 are N x C x spatial; rank 2 is PyTorch's
     * unbatched {@code (C, L)} input of {@code InstanceNorm1d}, one sample, so the descriptor's shape is
     * {@code 1 x C x L} (the same memory).
     */
    public static InstanceNormDesc of(Shape shape) {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (shape.rank() == 2) return of(Shape.of(1, shape.dim(0), shape.dim(1)), ChannelLayout.NCHW);
        return of(shape, ChannelLayout.NCHW);
    }

    public static InstanceNormDesc of(Shape shape, ChannelLayout layout) {
        return new InstanceNormDesc(shape, layout, DEFAULT_EPS, DEFAULT_MOMENTUM, false, false, false);
    }

    public InstanceNormDesc withEps(float e) {
        return new InstanceNormDesc(shape, layout, e, momentum, useScale, useShift, trackRunningStats);
    }

    public InstanceNormDesc withMomentum(float m) {
        return new InstanceNormDesc(shape, layout, eps, m, useScale, useShift, trackRunningStats);
    }

    /** Scale and shift both on or both off, as PyTorch's {@code affine}. */
    public InstanceNormDesc withAffine(boolean on) {
        return new InstanceNormDesc(shape, layout, eps, momentum, on, on, trackRunningStats);
    }

    public InstanceNormDesc withScale(boolean on) {
        return new InstanceNormDesc(shape, layout, eps, momentum, on, useShift, trackRunningStats);
    }

    public InstanceNormDesc withShift(boolean on) {
        return new InstanceNormDesc(shape, layout, eps, momentum, useScale, on, trackRunningStats);
    }

    /** PyTorch's {@code track_running_stats}. */
    public InstanceNormDesc withRunningStats(boolean on) {
        return new InstanceNormDesc(shape, layout, eps, momentum, useScale, useShift, on);
    }

    /** Number of samples N (the first axis). */
    public long batch() {
        return shape.dim(0);
    }

    /** Number of channels C. */
    public long channels() {
        return shape.dim(layout.channelAxis(shape.rank()));
    }

    /** Spatial positions per sample: the values each statistic is taken over. */
    public long spatial() {
        return shape.elementCount() / (batch() * channels());
    }

    /** The same normalization as group norm with one group per channel: what training forward and backward run. */
    public GroupNormDesc asGroupNorm() {
        return new GroupNormDesc(shape, layout, channels(), eps, useScale, useShift);
    }

    /** Batch-norm inference per channel, what forward runs from the running statistics. */
    public BatchNormDesc asBatchNorm() {
        return new BatchNormDesc(shape, layout, eps, momentum, useScale, useShift, false);
    }

    @Override
    public String kernelName() {
        return "instance_norm";
    }
}
