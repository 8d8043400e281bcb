package dev.normkit.conformance;

import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.DivisiveNormDesc;
import dev.normkit.GroupNormDesc;
import dev.normkit.InstanceNormDesc;
import dev.normkit.KernelDesc;
import dev.normkit.L2NormalizeDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.LrnDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.SoftmaxDesc;
import dev.normkit.SpectralNormDesc;
import dev.normkit.WeightNormDesc;

/**
 * How a kernel groups a tensor into independent rows: element {@code (o, a, i)} of {@code outer x length x inner}
 * sits at {@code (o * length + a) * inner + i}, and each {@code (o, i)} is a row of {@code length} elements. Input
 * families use it to give rows their structure (a constant row, a row with one NaN); activations have no rows and mark
 * themselves {@code elementwise}. Batch norm's rows are its channels, each of {@code N*H*W} values, in the channels-last
 * order; {@link CaseData} moves NCHW data into place.
 */
public record RowLayout(int outer, int length, int inner, boolean elementwise) {

    public static RowLayout of(KernelDesc<?> desc) {
        return switch (desc) {
            case LayerNormDesc d -> new RowLayout(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), 1, false);
            case RmsNormDesc d -> new RowLayout(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), 1, false);
            case SoftmaxDesc d -> new RowLayout(Math.toIntExact(d.outer()), Math.toIntExact(d.axisLength()),
                    Math.toIntExact(d.inner()), false);
            // A channel is a row, seen channels-last: CaseData lays NCHW data out from this view.
            case BatchNormDesc d -> new RowLayout(1, Math.toIntExact(d.perChannel()), Math.toIntExact(d.channels()),
                    false);
            // A (sample, group) is a row, seen channels first: CaseData lays NHWC data out from this view.
            case GroupNormDesc d -> new RowLayout(Math.toIntExact(d.batch() * d.groups()),
                    Math.toIntExact(d.groupSize()), 1, false);
            // An instance (sample, channel) is a row: group norm's rows with G = C.
            case InstanceNormDesc d -> of(d.asGroupNorm());
            // Weight norm: a contiguous run of a slice is a row; with the last dim (runs of 1), the slice itself.
            case WeightNormDesc d -> d.inner() == 1 && d.outer() > 1
                    ? new RowLayout(1, Math.toIntExact(d.outer()), Math.toIntExact(d.slices()), false)
                    : new RowLayout(Math.toIntExact(d.outer() * d.slices()), Math.toIntExact(d.inner()), 1, false);
            // Spectral norm: the matrix's rows.
            case SpectralNormDesc d -> new RowLayout(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), 1, false);
            // Across channels a row is the channels at one position (an output's window lies in it); within channel
            // a row is a channel's plane. Either way in the descriptor's own layout.
            case LrnDesc d -> lrn(d);
            case L2NormalizeDesc d -> new RowLayout(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), 1, false);
            // Across channels, as LRN's: a row is the channels at one position (every window lies in it).
            case DivisiveNormDesc d -> d.acrossChannels() ? acrossChannels(d)
                    : new RowLayout(Math.toIntExact(d.rows()), Math.toIntExact(d.cols()), 1, false);
            case ActivationDesc d -> {
                int last = Math.toIntExact(d.shape().dim(d.shape().rank() - 1));
                yield new RowLayout(Math.toIntExact(d.shape().elementCount() / last), last, 1, true);
            }
        };
    }

    private static RowLayout lrn(LrnDesc d) {
        int n = Math.toIntExact(d.batch());
        int c = Math.toIntExact(d.channels());
        int s = Math.toIntExact(d.spatial());
        boolean across = d.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS;
        if (d.channelsLast()) return across ? new RowLayout(n * s, c, 1, false) : new RowLayout(n, s, c, false);
        return across ? new RowLayout(n, c, s, false) : new RowLayout(n * c, s, 1, false);
    }

    private static RowLayout acrossChannels(DivisiveNormDesc d) {
        int n = Math.toIntExact(d.batch());
        int c = Math.toIntExact(d.channels());
        int s = Math.toIntExact(d.spatial());
        return d.channelsLast() ? new RowLayout(n * s, c, 1, false) : new RowLayout(n, c, s, false);
    }

    public int rows() {
        return outer * inner;
    }

    public int size() {
        return outer * length * inner;
    }

    /** Index of element {@code a} of row {@code row} (rows numbered {@code o * inner + i}). */
    public int index(int row, int a) {
        int o = row / inner;
        int i = row % inner;
        return (o * length + a) * inner + i;
    }
}
