package dev.normkit;

/**
 * Divisive p-norm normalization, the seeds' microcircuit form, in one of two {@link Region}s:
 *
 * <pre>
 *   n = ||x||_p = (sum |x_i|^p)^(1/p)      p = +infinity: max |x_i|
 *   y = g * x / (sigma + n)
 * </pre>
 *
 * <ul>
 *   <li>{@link Region#LAST_AXES} ({@link #of}): n is taken over the innermost {@code normalizedAxes} axes, flattened
 *       to {@link #cols()}; each of the {@link #rows()} leading positions has one n.</li>
 *   <li>{@link Region#ACROSS_CHANNELS} ({@link #acrossChannels}): each element has its own n, over the {@code
 *       localSize} channels {@code [c - h, c + h]}, {@code h = (localSize - 1) / 2}, around its channel c at the same
 *       sample and position, cut at the first and last channel (LRN's window, oneDNN's symmetric convention; the
 *       missing channels count as zeros, which add nothing to a p-norm). The tensor is N x C ({@link
 *       ChannelLayout#NC}) or has 1 to 3 spatial axes channels first ({@link ChannelLayout#NCHW}) or last ({@link
 *       ChannelLayout#NHWC}). localSize is odd, so the window is centred; {@code normalizedAxes} is 0.</li>
 * </ul>
 *
 * p is any real {@code > 0} or {@code +infinity}; for {@code p < 1}, n is the quasi-norm as
 * {@code numpy.linalg.norm} computes it. sigma {@code >= 0} smooths the division; g is the gain. Defaults (normkit's
 * choice; the seeds set their own): p = 2, sigma = 1, g = 1, localSize 5 (LRN's). Backward gives diffSrc and, on
 * request, d loss / d g.
 */
public record DivisiveNormDesc(Shape shape, Region region, int normalizedAxes, ChannelLayout layout, long localSize,
        float p, float sigma, float gain) implements KernelDesc<DivisiveNormKernel> {

    public static final float DEFAULT_P = 2f;
    public static final float DEFAULT_SIGMA = 1f;
    public static final float DEFAULT_GAIN = 1f;
    /** The window across channels unless set: LRN's (AlexNet's and PyTorch's) default size. */
    public static final long DEFAULT_LOCAL_SIZE = 5;

    /** What one norm is taken over. */
    public enum Region {
        /** The innermost {@code normalizedAxes} axes: one norm per row. */
        LAST_AXES,
        /** A window of {@code localSize} neighbouring channels at one sample and position: one norm per element. */
        ACROSS_CHANNELS
    }

    public DivisiveNormDesc {
        if (region == null) throw new IllegalArgumentException("region: must not be null");
        if (region == Region.LAST_AXES) {
            NormChecks.shapeAndAxes(shape, normalizedAxes);
            if (layout != null) {
                throw new IllegalArgumentException("layout: only the ACROSS_CHANNELS region has a channel layout; "
                        + "must be null over the last axes, got " + layout);
            }
            if (localSize != 0) {
                throw new IllegalArgumentException("localSize: only the ACROSS_CHANNELS region has a window; must be 0 "
                        + "over the last axes, got " + localSize);
            }
        } else {
            acrossChannelsChecks(shape, normalizedAxes, layout, localSize);
        }
        PNormChecks.p(p);
        if (!(sigma >= 0f) || Float.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma: must be finite and >= 0, got " + sigma);
        }
        if (!Float.isFinite(gain)) {
            throw new IllegalArgumentException("gain: must be finite, got " + gain);
        }
    }

    private static void acrossChannelsChecks(Shape shape, int normalizedAxes, ChannelLayout layout, long localSize) {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        if (layout == null) throw new IllegalArgumentException("layout: must not be null across channels");
        if (!layout.accepts(shape.rank())) {
            throw new IllegalArgumentException("shape: layout " + layout + " needs rank " + layout.ranks() + ", got "
                    + shape + " (rank " + shape.rank() + ")");
        }
        if (normalizedAxes != 0) {
            throw new IllegalArgumentException("normalizedAxes: across channels the window is the normalized region, "
                    + "not trailing axes; must be 0, got " + normalizedAxes);
        }
        long channels = shape.dim(layout.channelAxis(shape.rank()));
        if (localSize < 1 || localSize > channels) {
            throw new IllegalArgumentException("localSize: must be in [1, C = " + channels + "] for shape " + shape
                    + " (" + layout + "), got " + localSize);
        }
        if (localSize % 2 == 0) {
            throw new IllegalArgumentException("localSize: must be odd (the window is (localSize - 1) / 2 channels "
                    + "either side of its centre), got " + localSize);
        }
    }

    /** Source-compatible form of the last-axes descriptor (before the channel window existed). */
    public DivisiveNormDesc(Shape shape, int normalizedAxes, float p, float sigma, float gain) {
        this(shape, Region.LAST_AXES, normalizedAxes, null, 0, p, sigma, gain);
    }

    /** Over the last axis, with the defaults. */
    public static DivisiveNormDesc of(Shape shape) {
        return new DivisiveNormDesc(shape, 1, DEFAULT_P, DEFAULT_SIGMA, DEFAULT_GAIN);
    }

    /** Across a window of {@code localSize} (odd) channels in the given layout, with the default p, sigma, g. */
    public static DivisiveNormDesc acrossChannels(Shape shape, ChannelLayout layout, long localSize) {
        return new DivisiveNormDesc(shape, Region.ACROSS_CHANNELS, 0, layout, localSize, DEFAULT_P, DEFAULT_SIGMA,
                DEFAULT_GAIN);
    }

    /** Across channels, N x C for rank 2 and channels first otherwise (as {@link LrnDesc#of}). */
    public static DivisiveNormDesc acrossChannels(Shape shape, long localSize) {
        if (shape == null) throw new IllegalArgumentException("shape: must not be null");
        return acrossChannels(shape, defaultLayout(shape), localSize);
    }

    private static ChannelLayout defaultLayout(Shape shape) {
        return shape.rank() == 2 ? ChannelLayout.NC : ChannelLayout.NCHW;
    }

    /**
     * This descriptor in another region, keeping p, sigma and g. To ACROSS_CHANNELS: layout NC for rank 2, else NCHW,
     * and localSize {@link #DEFAULT_LOCAL_SIZE}, or C (or C - 1, to stay odd) where C is smaller. To LAST_AXES: over
     * the last axis. The same region returns this descriptor.
     */
    public DivisiveNormDesc withRegion(Region r) {
        if (r == region) return this;
        if (r == Region.LAST_AXES) return new DivisiveNormDesc(shape, 1, p, sigma, gain);
        if (r == null) throw new IllegalArgumentException("region: must not be null");
        ChannelLayout l = defaultLayout(shape);
        if (!l.accepts(shape.rank())) { // rank 1 or above 5: let the constructor say why
            return new DivisiveNormDesc(shape, r, 0, l, DEFAULT_LOCAL_SIZE, p, sigma, gain);
        }
        long c = shape.dim(l.channelAxis(shape.rank()));
        long size = Math.min(DEFAULT_LOCAL_SIZE, c % 2 == 1 ? c : c - 1);
        return new DivisiveNormDesc(shape, r, 0, l, size, p, sigma, gain);
    }

    public DivisiveNormDesc withNormalizedAxes(int k) {
        return new DivisiveNormDesc(shape, region, k, layout, localSize, p, sigma, gain);
    }

    /** The channel layout (ACROSS_CHANNELS only). */
    public DivisiveNormDesc withLayout(ChannelLayout l) {
        return new DivisiveNormDesc(shape, region, normalizedAxes, l, localSize, p, sigma, gain);
    }

    /** The window's size in channels, odd (ACROSS_CHANNELS only). */
    public DivisiveNormDesc withLocalSize(long n) {
        return new DivisiveNormDesc(shape, region, normalizedAxes, layout, n, p, sigma, gain);
    }

    /** The norm's order: a real {@code > 0}, or {@link Float#POSITIVE_INFINITY} for the max norm. */
    public DivisiveNormDesc withP(float order) {
        return new DivisiveNormDesc(shape, region, normalizedAxes, layout, localSize, order, sigma, gain);
    }

    public DivisiveNormDesc withSigma(float s) {
        return new DivisiveNormDesc(shape, region, normalizedAxes, layout, localSize, p, s, gain);
    }

    public DivisiveNormDesc withGain(float g) {
        return new DivisiveNormDesc(shape, region, normalizedAxes, layout, localSize, p, sigma, g);
    }

    public boolean acrossChannels() {
        return region == Region.ACROSS_CHANNELS;
    }

    /** Leading positions, each with its own norm (LAST_AXES only). */
    public long rows() {
        requireLastAxes("rows");
        return shape.sizeBefore(shape.rank() - normalizedAxes);
    }

    /** Length of a row (LAST_AXES only). */
    public long cols() {
        requireLastAxes("cols");
        return shape.sizeFrom(shape.rank() - normalizedAxes);
    }

    private void requireLastAxes(String what) {
        if (region != Region.LAST_AXES) {
            throw new IllegalStateException(what + ": only the LAST_AXES region has rows; across channels see batch(), "
                    + "channels(), spatial()");
        }
    }

    private void requireAcross(String what) {
        if (region != Region.ACROSS_CHANNELS) {
            throw new IllegalStateException(what + ": only the ACROSS_CHANNELS region has channels; over the last "
                    + "axes see rows(), cols()");
        }
    }

    /** Samples N (axis 0; ACROSS_CHANNELS only). */
    public long batch() {
        requireAcross("batch");
        return shape.dim(0);
    }

    /** Channels C (ACROSS_CHANNELS only). */
    public long channels() {
        requireAcross("channels");
        return shape.dim(layout.channelAxis(shape.rank()));
    }

    /** Positions per channel and sample: the product of the spatial axes, 1 for N x C (ACROSS_CHANNELS only). */
    public long spatial() {
        return shape.elementCount() / (batch() * channels());
    }

    /** Whether the channels are the innermost axis (NHWC; ACROSS_CHANNELS only). */
    public boolean channelsLast() {
        requireAcross("channelsLast");
        return layout == ChannelLayout.NHWC;
    }

    /** How many channels the window reaches on each side of its centre: {@code (localSize - 1) / 2}. */
    public int halfWidth() {
        requireAcross("halfWidth");
        return (int) ((localSize - 1) / 2);
    }

    /** The divisor of a norm {@code norm}: {@code sigma + norm}. */
    public double denominator(double norm) {
        return sigma + norm;
    }

    @Override
    public String kernelName() {
        return "divisive_norm";
    }
}
