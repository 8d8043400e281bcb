package dev.normkit.vector;

import dev.normkit.LrnDesc;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorLrn}'s path for LRN across channels, channels first (NCHW and its 1-D and 3-D kin) with at least one
 * vector of positions per channel: one streaming pass over the caller's memory, channel by channel.
 *
 * <p>The positions of a sample are cut into tiles of at most {@link #MAX_TILE} floats. For one tile, channel rows of
 * src (and diffDst) are copied, in channel order, into rings of {@code min(size of the window's reach + 1, C)} rows
 * (by {@link Rows}, so heap and native callers take the same array loops); as soon as a row's
 * window is in the ring its output row is computed and copied out. So each element of the caller's tensors is read
 * or written once, and the rings (a few tens of KiB) stay in L1/L2. Rows are padded to whole vectors: the padding
 * lanes compute on stale values that are never copied out, so no loop has a tail.
 *
 * <p>Forward takes {@code y = x * w^-beta}, {@code w = k + alpha/divisor * sum}, per row in one loop
 * ({@link LrnRowLoops}: window sums and powers). Backward runs two window sums per element, offset by the window's
 * reach: the sum of squares of row m gives {@code p = w^-beta} and {@code t = dy * x * p / w}; once the t rows of
 * every window that holds row c are in (c's mirrored window), {@code diffSrc = dy * p - 2 alpha beta / divisor * x * (sum of those t)}.
 */
final class LrnChannelStream {

    private static final VectorSpecies<Float> F = FloatSpecies.F;

    /** Most positions a tile row holds: 4 KiB rows keep forward's ring of 5 (size 5) in a 32 KiB L1. */
    static final int MAX_TILE = 1024;

    private final int batch;
    private final int channels;
    private final int spatial;
    private final int below;
    private final int above;
    private final int ring;
    private final int tile;
    private final float k;
    private final float alphaOverDivisor;
    private final float negBeta;
    private final float coef;
    private final boolean threeQuarters;
    /** Whether windows span five rows (size 5, either convention): they run the five-row loops, edges included. */
    private final boolean five;
    /** The kept scratch, or null while a call holds it. */
    private final AtomicReference<Rings> kept;

    /**
     * One tile's rings ((ring + 1) x tile floats each: the last row stays zero, the channels beyond the edges of a
     * five-row window) and rows (tile floats), and the window's row offsets.
     */
    private record Rings(float[] x, float[] dy, float[] p, float[] t, float[] w, float[] out, int[] offsets, Rows a,
            Rows b, Rows c) {
        static Rings of(int ring, int tile) {
            int n = (ring + 1) * tile;
            return new Rings(new float[n], new float[n], new float[n], new float[n], new float[tile], new float[tile],
                    new int[Math.max(ring, 5)], new Rows(), new Rows(), new Rows());
        }
    }

    /** Whether this path takes the descriptor: across channels, channels first, a vector of positions or more. */
    static boolean takes(LrnDesc d) {
        return d.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS && !d.channelsLast()
                && d.shape().rank() >= 3 && d.spatial() >= F.length();
    }

    LrnChannelStream(LrnDesc d) {
        this.batch = Math.toIntExact(d.batch());
        this.channels = Math.toIntExact(d.channels());
        this.spatial = Math.toIntExact(d.spatial());
        this.below = Math.toIntExact(d.reachBelow());
        this.above = Math.toIntExact(d.reachAbove());
        // A window spans below + above + 1 rows; a ring of C rows already holds every row of the tile.
        this.ring = (int) Math.min(d.reachBelow() + d.reachAbove() + 1, channels);
        int tiles = (spatial + MAX_TILE - 1) / MAX_TILE;
        int even = (spatial + tiles - 1) / tiles;
        this.tile = (even + F.length() - 1) / F.length() * F.length();
        this.k = d.k();
        this.alphaOverDivisor = (float) (d.alpha() / d.divisor());
        this.negBeta = -d.beta();
        this.coef = (float) (2.0 * d.alpha() * d.beta() / d.divisor());
        this.threeQuarters = d.beta() == 0.75f;
        this.five = d.reachBelow() + d.reachAbove() + 1 == 5;
        this.kept = new AtomicReference<>(Rings.of(ring, tile));
    }

    void forward(MemorySegment src, MemorySegment dst) {
        Rings r = take();
        Rows in = r.a().bind(src);
        Rows out = r.b().bind(dst);
        for (int n = 0; n < batch; n++) {
            long sample = (long) n * channels * spatial;
            for (int p0 = 0; p0 < spatial; p0 += tile) {
                forwardTile(in, out, r, sample + p0, Math.min(tile, spatial - p0));
            }
        }
        in.unbind();
        out.unbind();
        kept.set(r);
    }

    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        Rings r = take();
        Rows x = r.a().bind(src);
        Rows dy = r.b().bind(diffDst);
        Rows dx = r.c().bind(diffSrc);
        for (int n = 0; n < batch; n++) {
            long sample = (long) n * channels * spatial;
            for (int p0 = 0; p0 < spatial; p0 += tile) {
                backwardTile(x, dy, dx, r, sample + p0, Math.min(tile, spatial - p0));
            }
        }
        x.unbind();
        dy.unbind();
        dx.unbind();
        kept.set(r);
    }

    /** The kept scratch, or new rings while another call holds it (not returned on an exception: it is rebuilt). */
    private Rings take() {
        Rings r = kept.getAndSet(null);
        return r != null ? r : Rings.of(ring, tile);
    }

    /** One tile: row c is written as soon as row c + above is in (so in place is safe: c's src is read by then). */
    private void forwardTile(Rows src, Rows dst, Rings r, long first, int len) {
        for (int q = 0; q < channels + above; q++) {
            if (q < channels) copyIn(src, first, q, r.x(), len);
            int c = q - above;
            if (c < 0) continue;
            int m = offsets(r.offsets(), c - below, c + above);
            int centre = c % ring * tile;
            LrnRowLoops.forwardRow(threeQuarters, r.x(), r.offsets(), m, centre, r.w(), r.out(), tile, alphaOverDivisor,
                    k, negBeta);
            copyOut(r.out(), dst, first, c, len);
        }
    }

    /**
     * One tile: at step q row q comes in, row m = q - above gets its p and t (its window ends at q), and row
     * c = m - below is written (the last window holding it is m's). diffSrc row c is written after every read of
     * diffDst row c, so diffSrc may be diffDst.
     */
    private void backwardTile(Rows src, Rows diffDst, Rows diffSrc, Rings r, long first, int len) {
        for (int q = 0; q < channels + above + below; q++) {
            if (q < channels) {
                copyIn(src, first, q, r.x(), len);
                copyIn(diffDst, first, q, r.dy(), len);
            }
            int m = q - above;
            if (m >= 0 && m < channels) {
                int terms = offsets(r.offsets(), m - below, m + above);
                int at = m % ring * tile;
                LrnRowLoops.termsRow(threeQuarters, r.x(), r.offsets(), terms, at, r.dy(), r.p(), r.t(), r.w(), tile,
                        alphaOverDivisor, k, negBeta);
            }
            int c = q - above - below;
            if (c < 0) continue;
            int holders = offsets(r.offsets(), c - above, c + below);
            LrnRowLoops.outRow(r.x(), r.dy(), r.p(), r.t(), r.offsets(), holders, c % ring * tile, r.out(), tile, coef);
            copyOut(r.out(), diffSrc, first, c, len);
        }
    }

    private void copyIn(Rows from, long first, int row, float[] rows, int len) {
        from.read(first + (long) row * spatial, rows, row % ring * tile, len);
    }

    private void copyOut(float[] row, Rows to, long first, int c, int len) {
        to.write(row, 0, first + (long) c * spatial, len);
    }

    /**
     * The ring offsets of rows [lo, hi] in channel order; returns how many. Rows outside [0, C) are cut, or, for
     * five-row windows, read as the zero row: squares of zero add exactly nothing, so the sums are the cut ones.
     */
    private int offsets(int[] out, int lo, int hi) {
        int m = 0;
        if (five) {
            for (int j = lo; j <= hi; j++) out[m++] = (j < 0 || j >= channels ? ring : j % ring) * tile;
            return m;
        }
        for (int j = Math.max(0, lo); j <= Math.min(channels - 1, hi); j++) out[m++] = j % ring * tile;
        return m;
    }
}
