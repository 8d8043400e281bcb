package dev.normkit;

/**
 * Batch normalization: per channel c, statistics over every other axis (n = N*H*W values).
 *
 * <pre>
 *   mu = mean(x), var = mean((x - mu)^2)  (biased), rstd = 1 / sqrt(var + eps)
 *   y  = (x - mu) * rstd * gamma + beta      gamma, beta of length C; each optional
 *   y  = max(0, y)                            when fuseRelu
 * </pre>
 *
 * Training forward uses the batch's statistics, saves its mean and biased variance (as oneDNN does) and, when given
 * running statistics, updates them as PyTorch does with {@code m = momentum}:
 * {@code running_mean = (1 - m) running_mean + m mu}, {@code running_var = (1 - m) running_var + m var n / (n - 1)}.
 * Inference forward uses given statistics. Defaults follow PyTorch: eps 1e-5, momentum 0.1, scale and shift on, no
 * fused ReLU.
 */
public record BatchNormDesc(Shape shape, ChannelLayout layout, float eps, float momentum, boolean useScale,
        boolean useShift, boolean fuseRelu) implements KernelDesc<BatchNormKernel> {

    public static final float DEFAULT_EPS = 1e-5f;
    public static final float DEFAULT_MOMENTUM = 0.1f;

    public BatchNormDesc {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (layout == null) throw new IllegalArgumentException("layout: must not be null");
        if (!layout.accepts(shape.rank())) {
            throw new IllegalArgumentException("shape: layout " + layout + " needs rank " + layout.ranks() + ", got "
                    + shape + " (rank " + shape.rank() + ")");
        }
        if (shape.elementCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape: " + shape + " has more than 2^31 - 1 elements");
        }
        NormChecks.eps(eps);
        if (!(momentum >= 0f && momentum <= 1f)) {
            throw new IllegalArgumentException("momentum: must be in [0, 1], got " + momentum);
        }
    }

    /**
     * PyTorch's defaults on {@code shape}, channels first as PyTorch lays them out: rank 2 is
     * {@link ChannelLayout#NC}, ranks 3 to 5 {@link ChannelLayout#NCHW} (N x C x spatial).
     */
    public static BatchNormDesc of(Shape shape) {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (shape.rank() < 2 || shape.rank() > 5) {
            throw new IllegalArgumentException("shape: batch norm needs rank 2 (N x C) to 5 (N x C x D x H x W), got "
                    + shape);
        }
        return of(shape, shape.rank() == 2 ? ChannelLayout.NC : ChannelLayout.NCHW);
    }

    public static BatchNormDesc of(Shape shape, ChannelLayout layout) {
        return new BatchNormDesc(shape, layout, DEFAULT_EPS, DEFAULT_MOMENTUM, true, true, false);
    }

    public BatchNormDesc withEps(float e) {
        return new BatchNormDesc(shape, layout, e, momentum, useScale, useShift, fuseRelu);
    }

    public BatchNormDesc withMomentum(float m) {
        return new BatchNormDesc(shape, layout, eps, m, useScale, useShift, fuseRelu);
    }

    public BatchNormDesc withScale(boolean on) {
        return new BatchNormDesc(shape, layout, eps, momentum, on, useShift, fuseRelu);
    }

    public BatchNormDesc withShift(boolean on) {
        return new BatchNormDesc(shape, layout, eps, momentum, useScale, on, fuseRelu);
    }

    public BatchNormDesc withFusedRelu(boolean on) {
        return new BatchNormDesc(shape, layout, eps, momentum, useScale, useShift, on);
    }

    /** Number of channels C. */
    public long channels() {
        return shape.dim(channelAxis());
    }

    private int channelAxis() {
        return layout.channelAxis(shape.rank());
    }

    /** Product of the axes before the channel axis. */
    public long outer() {
        return shape.sizeBefore(channelAxis());
    }

    /** Product of the axes after the channel axis: the length of each contiguous run of one channel. */
    public long inner() {
        return shape.sizeFrom(channelAxis() + 1);
    }

    /** Values each channel's statistics are taken over: {@code outer * inner} (N*H*W). */
    public long perChannel() {
        return outer() * inner();
    }

    @Override
    public String kernelName() {
        return "batch_norm";
    }
}
