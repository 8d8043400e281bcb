package dev.normkit;

/**
 * Group normalization: the C channels split into {@code groups} groups of consecutive channels; statistics per
 * (sample, group) over the group's channels and every spatial position ({@code m = C / groups * H * W} values).
 *
 * <pre>
 *   mu = mean(x), var = mean((x - mu)^2)  (biased), rstd = 1 / sqrt(var + eps)   per (n, g)
 *   y  = (x - mu) * rstd * gamma_c + beta_c      gamma, beta of length C; each optional
 * </pre>
 *
 * Training forward saves the mean and biased variance of each (n, g), {@code N x groups} floats (oneDNN's
 * convention, as batch norm). Defaults follow PyTorch's {@code GroupNorm}: eps 1e-5, affine on.
 */
public record GroupNormDesc(Shape shape, ChannelLayout layout, long groups, float eps, boolean useScale,
        boolean useShift) implements KernelDesc<GroupNormKernel> {

    public static final float DEFAULT_EPS = 1e-5f;

    public GroupNormDesc {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (layout == null) throw new IllegalArgumentException("layout: must not be null");
        if (!layout.accepts(shape.rank())) {
            throw new IllegalArgumentException("shape: layout " + layout + " needs rank " + layout.ranks() + ", got "
                    + shape + " (rank " + shape.rank() + ")");
        }
        if (shape.elementCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape: " + shape + " has more than 2^31 - 1 elements");
        }
        long c = shape.dim(layout.channelAxis(shape.rank()));
        if (groups < 1 || c % groups != 0) {
            throw new IllegalArgumentException("groups: must divide the " + c + " channels of " + shape + ", got "
                    + groups);
        }
        NormChecks.eps(eps);
    }

    /** {@code groups} groups on {@code shape}, channels first: rank 2 is N x C, ranks 3 to 5 N x C x spatial. */
    public static GroupNormDesc of(Shape shape, long groups) {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (shape.rank() < 2 || shape.rank() > 5) {
            throw new IllegalArgumentException("shape: group norm needs rank 2 (N x C) to 5 (N x C x D x H x W), got "
                    + shape);
        }
        return of(shape, shape.rank() == 2 ? ChannelLayout.NC : ChannelLayout.NCHW, groups);
    }

    public static GroupNormDesc of(Shape shape, ChannelLayout layout, long groups) {
        return new GroupNormDesc(shape, layout, groups, DEFAULT_EPS, true, true);
    }

    public GroupNormDesc withEps(float e) {
        return new GroupNormDesc(shape, layout, groups, e, useScale, useShift);
    }

    public GroupNormDesc withScale(boolean on) {
        return new GroupNormDesc(shape, layout, groups, eps, on, useShift);
    }

    public GroupNormDesc withShift(boolean on) {
        return new GroupNormDesc(shape, layout, groups, eps, useScale, on);
    }

    /** Number of samples N (the first axis). */
    public long batch() {
        return shape.dim(0);
    }

    /** Number of channels C. */
    public long channels() {
        return shape.dim(layout.channelAxis(shape.rank()));
    }

    /** Spatial positions per sample: the product of the axes other than N and C (1 for N x C). */
    public long spatial() {
        return shape.elementCount() / (batch() * channels());
    }

    /** Channels per group, {@code C / groups}. */
    public long channelsPerGroup() {
        return channels() / groups;
    }

    /** Values each statistic is taken over: {@code C / groups * spatial}. */
    public long groupSize() {
        return channelsPerGroup() * spatial();
    }

    @Override
    public String kernelName() {
        return "group_norm";
    }
}
