package dev.normkit.vector;

import dev.normkit.LrnDesc;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The window sums of {@link VectorLrn} on one sample: box sums along one axis at a time, the sample seen as
 * {@code outer x length x inner} per axis. Element {@code (o, a, i)} gets the sum over {@code a' in [a - below,
 * a + above]} cut to {@code [0, length)}; in the flattened index that is the sum of {@code in[t + j * inner]}, so the
 * rows whose window is whole form one contiguous run summed in vectors of neighbouring positions, and only the
 * {@code below + above} edge rows take shorter windows (still vectors along their row).
 */
final class LrnBoxSums {

    private static final VectorSpecies<Float> F = FloatSpecies.F;

    /** One box pass: the axis's view and reaches. */
    private record Pass(int outer, int length, int inner) {}

    private final List<Pass> passes;
    private final int below;
    private final int above;

    private LrnBoxSums(List<Pass> passes, int below, int above) {
        this.passes = passes;
        this.below = below;
        this.above = above;
    }

    /**
     * Across channels one pass along C; within channel one along each spatial axis longer than 1; none for size 1.
     * Channels last, C is the innermost axis: across runs along it (inner 1), within steps over whole C-vectors.
     */
    static LrnBoxSums of(LrnDesc d) {
        int channels = Math.toIntExact(d.channels());
        int spatial = Math.toIntExact(d.spatial());
        List<Pass> passes = new ArrayList<>();
        boolean reaches = d.reachBelow() + d.reachAbove() > 0; // a window of one element is the element itself
        if (!reaches) return new LrnBoxSums(passes, 0, 0);
        if (d.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS) {
            if (channels > 1) {
                passes.add(d.channelsLast() ? new Pass(spatial, channels, 1) : new Pass(1, channels, spatial));
            }
        } else {
            int rank = d.shape().rank();
            int inner = d.channelsLast() ? channels : 1;
            int lastSpatial = d.channelsLast() ? rank - 2 : rank - 1;
            for (int axis = lastSpatial; axis >= lastSpatial - (rank - 3); axis--) {
                int len = Math.toIntExact(d.shape().dim(axis));
                if (len > 1) passes.add(new Pass(channels * spatial / (len * inner), len, inner));
                inner *= len;
            }
        }
        return new LrnBoxSums(passes, Math.toIntExact(d.reachBelow()), Math.toIntExact(d.reachAbove()));
    }

    /**
     * The window sums of {@code in}, ping-ponging between {@code in} and {@code spare} (both overwritten); returns the
     * one that holds the result ({@code in} itself when no axis needs a pass).
     */
    float[] sum(float[] in, float[] spare) {
        return run(in, spare, below, above);
    }

    /** As {@link #sum} with the window mirrored: for each element, the sum over the windows that hold it. */
    float[] sumMirrored(float[] in, float[] spare) {
        return run(in, spare, above, below);
    }

    private float[] run(float[] in, float[] spare, int down, int up) {
        float[] from = in;
        float[] to = spare;
        for (Pass p : passes) {
            pass(from, to, p, down, up);
            float[] t = from;
            from = to;
            to = t;
        }
        return from;
    }

    private static void pass(float[] in, float[] out, Pass p, int down, int up) {
        int len = p.length();
        int inner = p.inner();
        int wholeFrom = Math.min(down, len);
        int wholeTo = Math.max(wholeFrom, len - up);
        for (int o = 0; o < p.outer(); o++) {
            int base = o * len * inner;
            for (int a = 0; a < wholeFrom; a++) edgeRow(in, out, base, a, len, inner, down, up);
            if (wholeTo > wholeFrom) {
                shifted(in, out, base + wholeFrom * inner, base + wholeTo * inner, -down, up, inner);
            }
            for (int a = wholeTo; a < len; a++) edgeRow(in, out, base, a, len, inner, down, up);
        }
    }

    private static void edgeRow(float[] in, float[] out, int base, int a, int len, int inner, int down, int up) {
        int from = base + a * inner;
        shifted(in, out, from, from + inner, Math.max(-down, -a), Math.min(up, len - 1 - a), inner);
    }

    /** out[t] = sum of in[t + j * stride] for j in [jLo, jHi], t in [from, to); jLo <= 0 <= jHi. */
    private static void shifted(float[] in, float[] out, int from, int to, int jLo, int jHi, int stride) {
        int t = from;
        for (int upper = from + F.loopBound(to - from); t < upper; t += F.length()) {
            FloatVector acc = FloatVector.fromArray(F, in, t + jLo * stride);
            for (int j = jLo + 1; j <= jHi; j++) acc = acc.add(FloatVector.fromArray(F, in, t + j * stride));
            acc.intoArray(out, t);
        }
        for (; t < to; t++) {
            float s = in[t + jLo * stride];
            for (int j = jLo + 1; j <= jHi; j++) s += in[t + j * stride];
            out[t] = s;
        }
    }
}
