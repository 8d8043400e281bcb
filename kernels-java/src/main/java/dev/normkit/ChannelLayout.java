package dev.normkit;

/**
 * Where the channel axis of an activation tensor sits, for the normalizations over channels (batch norm). Each layout
 * views the tensor as {@code outer x C x inner} (row-major). The spatial axes may be one, two or three (PyTorch's
 * BatchNorm1d on {@code N x C x L}, BatchNorm2d, BatchNorm3d).
 */
public enum ChannelLayout {
    /** {@code [N][C]}: a plain batch of feature vectors (outer N, inner 1). */
    NC(2, 2),
    /** Channels first, {@code [N][C][H][W]} (or {@code [N][C][L]}, {@code [N][C][D][H][W]}): outer N, inner H*W. */
    NCHW(3, 5),
    /** Channels last, {@code [N][H][W][C]} (or {@code [N][L][C]}, {@code [N][D][H][W][C]}): outer N*H*W, inner 1. */
    NHWC(3, 5);

    private final int minRank;
    private final int maxRank;

    ChannelLayout(int minRank, int maxRank) {
        this.minRank = minRank;
        this.maxRank = maxRank;
    }

    /** Whether a shape of this rank can be in this layout. */
    public boolean accepts(int rank) {
        return rank >= minRank && rank <= maxRank;
    }

    /** The ranks this layout takes, for messages: {@code 2} or {@code 3 to 5}. */
    public String ranks() {
        return minRank == maxRank ? Integer.toString(minRank) : minRank + " to " + maxRank;
    }

    /** The axis of the channels in a shape of this layout and rank. */
    public int channelAxis(int rank) {
        return this == NHWC ? rank - 1 : 1;
    }
}
