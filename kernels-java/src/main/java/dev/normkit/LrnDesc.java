package dev.normkit;

/**
 * Local response normalization (LRN) on a dense row-major tensor of N samples and C channels: {@code N x C}
 * ({@link ChannelLayout#NC}), or with 1 to 3 spatial axes channels first ({@link ChannelLayout#NCHW}) or channels last
 * ({@link ChannelLayout#NHWC}).
 *
 * <pre>
 *   y = x * (k + alpha / divisor * sum of x'^2 over the window of x)^-beta
 * </pre>
 *
 * <ul>
 *   <li>{@link Algorithm#ACROSS_CHANNELS}: the window is a run of neighbouring channels at the same sample and
 *       position; {@code divisor = localSize}.</li>
 *   <li>{@link Algorithm#WITHIN_CHANNEL} (oneDNN's {@code lrn_within_channel}): the window is a
 *       {@code localSize}-wide box on every spatial axis of the same channel; {@code divisor = localSize^d}, d the
 *       number of spatial axes (oneDNN's reference scales alpha so).</li>
 * </ul>
 *
 * Windows are cut at the tensor's edges (PyTorch pads with zeros, which adds nothing), and the divisor stays fixed.
 * Where the window sits is the {@link Convention}: for an odd {@code localSize} both conventions are the same formula;
 * for an even one they differ (see there).
 *
 * <p>Defaults follow PyTorch's {@code LocalResponseNorm}: localSize 5, alpha 1e-4, beta 0.75, k 1, across channels.
 */
public record LrnDesc(Shape shape, ChannelLayout layout, Algorithm algorithm, Convention convention, long localSize, float alpha, float beta,
        float k) implements KernelDesc<LrnKernel> {

    public static final long DEFAULT_LOCAL_SIZE = 5;
    public static final float DEFAULT_ALPHA = 1e-4f;
    public static final float DEFAULT_BETA = 0.75f;
    public static final float DEFAULT_K = 1.0f;

    /** Where the window runs. */
    public enum Algorithm {
        /** Over neighbouring channels (the classic LRN of AlexNet; PyTorch's only one). */
        ACROSS_CHANNELS,
        /** Over a box of neighbouring positions in the same channel (oneDNN only). */
        WITHIN_CHANNEL
    }

    /**
     * Where the window of channel c sits; both divide alpha by {@code localSize} across channels.
     *
     * <ul>
     *   <li>{@link #PYTORCH}: {@code [c - localSize/2, c + (localSize-1)/2]}, always {@code localSize} channels
     *       before cutting at the edges (PyTorch zero-pads, then {@code avg_pool}s {@code localSize} values). An even
     *       size reaches one channel further down than up.</li>
     *   <li>{@link #ONEDNN}: {@code [c - (localSize-1)/2, c + (localSize-1)/2]} (its reference implementation's
     *       {@code half_size}), symmetric: an even size sums only {@code localSize - 1} channels but still divides
     *       by {@code localSize}. Within channel, the same half-width on each spatial axis.</li>
     * </ul>
     */
    public enum Convention { PYTORCH, ONEDNN }

    public LrnDesc {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (layout == null) throw new IllegalArgumentException("layout: must not be null");
        if (algorithm == null) throw new IllegalArgumentException("algorithm: must not be null");
        if (!layout.accepts(shape.rank())) {
            throw new IllegalArgumentException("shape: layout " + layout + " needs rank " + layout.ranks() + ", got "
                    + shape + " (rank " + shape.rank() + ")");
        }
        if (convention == null) throw new IllegalArgumentException("convention: must not be null");
        int minRank = algorithm == Algorithm.ACROSS_CHANNELS ? 2 : 3;
        if (shape.rank() < minRank || shape.rank() > 5) {
            throw new IllegalArgumentException("shape: lrn " + algorithm + " needs rank " + minRank
                    + " to 5 (N x C" + (minRank == 2 ? "" : " and spatial axes") + "), got " + shape);
        }
        if (shape.elementCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("shape: " + shape + " has more than 2^31 - 1 elements");
        }
        if (algorithm == Algorithm.WITHIN_CHANNEL && convention == Convention.PYTORCH) {
            throw new IllegalArgumentException("convention: PyTorch has no within-channel LRN; use ONEDNN with "
                    + "WITHIN_CHANNEL");
        }
        if (localSize < 1 || localSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("localSize: must be in [1, 2^31 - 1], got " + localSize);
        }
        if (!(alpha >= 0f) || Float.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha: must be finite and >= 0, got " + alpha);
        }
        if (!Float.isFinite(beta)) {
            throw new IllegalArgumentException("beta: must be finite, got " + beta);
        }
        // k > 0 keeps the base positive: with k = 0 an all-zero window gives 0 * 0^-beta, NaN.
        if (!(k > 0f) || Float.isInfinite(k)) {
            throw new IllegalArgumentException("k: must be finite and > 0, got " + k);
        }
    }

    /** PyTorch's defaults (size 5, alpha 1e-4, beta 0.75, k 1) across channels, on N x C or N x C x spatial. */
    public static LrnDesc of(Shape shape) {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        return of(shape, shape.rank() == 2 ? ChannelLayout.NC : ChannelLayout.NCHW);
    }

    /** PyTorch's defaults in the given layout. */
    public static LrnDesc of(Shape shape, ChannelLayout layout) {
        return new LrnDesc(shape, layout, Algorithm.ACROSS_CHANNELS, Convention.PYTORCH, DEFAULT_LOCAL_SIZE,
                DEFAULT_ALPHA, DEFAULT_BETA, DEFAULT_K);
    }

    /** Within channel needs the ONEDNN convention; set it first ({@code withConvention}) or this throws. */
    public LrnDesc withAlgorithm(Algorithm a) {
        return new LrnDesc(shape, layout, a, convention, localSize, alpha, beta, k);
    }

    public LrnDesc withConvention(Convention c) {
        return new LrnDesc(shape, layout, algorithm, c, localSize, alpha, beta, k);
    }

    /** oneDNN's within-channel LRN: {@code withConvention(ONEDNN).withAlgorithm(WITHIN_CHANNEL)}. */
    public LrnDesc withinChannel() {
        return new LrnDesc(shape, layout, Algorithm.WITHIN_CHANNEL, Convention.ONEDNN, localSize, alpha, beta, k);
    }

    public LrnDesc withLocalSize(long n) {
        return new LrnDesc(shape, layout, algorithm, convention, n, alpha, beta, k);
    }

    public LrnDesc withAlpha(float a) {
        return new LrnDesc(shape, layout, algorithm, convention, localSize, a, beta, k);
    }

    public LrnDesc withBeta(float b) {
        return new LrnDesc(shape, layout, algorithm, convention, localSize, alpha, b, k);
    }

    public LrnDesc withK(float kk) {
        return new LrnDesc(shape, layout, algorithm, convention, localSize, alpha, beta, kk);
    }

    /** Number of samples N (axis 0). */
    public long batch() {
        return shape.dim(0);
    }

    /** Number of channels C (axis 1, or the last axis channels last). */
    public long channels() {
        return shape.dim(layout.channelAxis(shape.rank()));
    }

    /** Whether the channels are the innermost axis (NHWC). */
    public boolean channelsLast() {
        return layout == ChannelLayout.NHWC;
    }

    /** Positions per channel: the product of the spatial axes (1 for N x C). */
    public long spatial() {
        return shape.elementCount() / (batch() * channels());
    }

    /** How far the window reaches below its centre, along channels (across) or each spatial axis (within). */
    public long reachBelow() {
        return convention == Convention.PYTORCH ? localSize / 2 : (localSize - 1) / 2;
    }

    /** How far the window reaches above its centre. */
    public long reachAbove() {
        return (localSize - 1) / 2;
    }

    /** What alpha is divided by: localSize across channels, localSize^(spatial axes) within. */
    public double divisor() {
        return algorithm == Algorithm.ACROSS_CHANNELS ? localSize : Math.pow(localSize, shape.rank() - 2);
    }

    @Override
    public String kernelName() {
        return "lrn";
    }
}
