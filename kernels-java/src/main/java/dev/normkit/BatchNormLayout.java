package dev.normkit;

/**
 * Where the channel axis of a batch-norm tensor sits. Each layout views the tensor as {@code outer x C x inner}
 * (row-major): batch norm reduces over {@code outer} and {@code inner} for each of the C channels.
 */
public enum BatchNormLayout {
    /** {@code [N][C]}: a plain batch of feature vectors (outer N, inner 1). */
    NC(2),
    /** {@code [N][C][H][W]}: PyTorch's default (outer N, inner H*W). */
    NCHW(4),
    /** {@code [N][H][W][C]}: channels last (outer N*H*W, inner 1). */
    NHWC(4);

    private final int rank;

    BatchNormLayout(int rank) {
        this.rank = rank;
    }

    /** The rank a shape in this layout has. */
    public int rank() {
        return rank;
    }

    /** The axis of the channels in a shape of this layout. */
    public int channelAxis() {
        return this == NHWC ? 3 : 1;
    }
}
