package dev.normkit.vector;

import static jdk.incubator.vector.VectorOperators.POW;

import dev.normkit.LrnDesc;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorLrn}'s path for LRN across channels, channels first (NCHW and its 1-D and 3-D kin) with at least one
 * vector of positions per channel: one streaming pass over the caller's memory, channel by channel.
 *
 * <p>The positions of a sample are cut into tiles of at most {@link #MAX_TILE} floats. For one tile, channel rows of
 * src (and diffDst) are copied, in channel order, into rings of {@code min(size of the window's reach + 1, C)} rows
 * (bulk copies, so heap and native callers take the same array loops: see {@link Placement}); as soon as a row's
 * window is in the ring its output row is computed and copied out. So each element of the caller's tensors is read
 * or written once, and the rings (a few tens of KiB) stay in L1/L2. Rows are padded to whole vectors: the padding
 * lanes compute on stale values that are never copied out, so no loop has a tail.
 *
 * <p>Per element, forward sums its window's squares by {@code fma} in channel order (each square is computed again by
 * every window that holds it: a multiply is cheaper than a pass, and no sliding sum, whose subtraction would cancel),
 * then {@code y = x * w^-beta}, {@code w = k + alpha/divisor * sum}. For beta = 0.75 (PyTorch's default and AlexNet's)
 * {@code w^-0.75 = 1 / (sqrt(w) * sqrt(sqrt(w)))}, as oneDNN does it: two square roots and a division, all correctly
 * rounded, where {@code lanewise(POW)} is an SVML call several times dearer; any other beta takes POW in a pass of its
 * own (package rule 6).
 *
 * <p>Backward runs two window sums per element, offset by the window's reach: the sum of squares of row m gives
 * {@code p = w^-beta} and {@code t = dy * x * p / w}; once the t rows of every window that holds row c are in (c's
 * mirrored window), {@code diffSrc = dy * p - 2 alpha beta / divisor * x * (sum of those t)}.
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
    private record Rings(float[] x, float[] dy, float[] p, float[] t, float[] w, float[] out, int[] offsets) {
        static Rings of(int ring, int tile) {
            int n = (ring + 1) * tile;
            return new Rings(new float[n], new float[n], new float[n], new float[n], new float[tile], new float[tile],
                    new int[Math.max(ring, 5)]);
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
        Rows in = Rows.of(src);
        Rows out = Rows.of(dst);
        for (int n = 0; n < batch; n++) {
            long sample = (long) n * channels * spatial;
            for (int p0 = 0; p0 < spatial; p0 += tile) {
                forwardTile(in, out, r, sample + p0, Math.min(tile, spatial - p0));
            }
        }
        kept.set(r);
    }

    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        Rings r = take();
        Rows x = Rows.of(src);
        Rows dy = Rows.of(diffDst);
        Rows dx = Rows.of(diffSrc);
        for (int n = 0; n < batch; n++) {
            long sample = (long) n * channels * spatial;
            for (int p0 = 0; p0 < spatial; p0 += tile) {
                backwardTile(x, dy, dx, r, sample + p0, Math.min(tile, spatial - p0));
            }
        }
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
            if (threeQuarters && m == 5) {
                forwardFive(r.x(), r.offsets(), centre, r.out(), tile, alphaOverDivisor, k);
            } else if (threeQuarters) {
                forwardThreeQuarters(r.x(), r.offsets(), m, centre, r.out(), tile, alphaOverDivisor, k);
            } else {
                windowTerms(r.x(), r.offsets(), m, r.w(), tile, alphaOverDivisor, k);
                forwardPower(r.x(), centre, r.w(), r.out(), tile, negBeta);
            }
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
                if (threeQuarters && terms == 5) {
                    termsFive(r.x(), r.offsets(), at, r.dy(), r.p(), r.t(), tile, alphaOverDivisor, k);
                } else if (threeQuarters) {
                    termsThreeQuarters(r.x(), r.offsets(), terms, at, r.dy(), r.p(), r.t(), tile, alphaOverDivisor, k);
                } else {
                    windowTerms(r.x(), r.offsets(), terms, r.w(), tile, alphaOverDivisor, k);
                    backwardPower(r.w(), r.p(), at, tile, negBeta);
                    holderTerms(r.x(), r.dy(), r.p(), r.w(), r.t(), at, tile);
                }
            }
            int c = q - above - below;
            if (c < 0) continue;
            int holders = offsets(r.offsets(), c - above, c + below);
            if (holders == 5) {
                backwardOutFive(r.x(), r.dy(), r.p(), r.t(), r.offsets(), c % ring * tile, r.out(), tile, coef);
            } else {
                backwardOut(r.x(), r.dy(), r.p(), r.t(), r.offsets(), holders, c % ring * tile, r.out(), tile, coef);
            }
            copyOut(r.out(), diffSrc, first, c, len);
        }
    }

    private void copyIn(Rows from, long first, int row, float[] rows, int len) {
        from.read(first + (long) row * spatial, rows, row % ring * tile, len);
    }

    private void copyOut(float[] row, Rows to, long first, int c, int len) {
        to.write(row, first + (long) c * spatial, len);
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

    /** y = x / (sqrt(w) * sqrt(sqrt(w))), w = k + a * (sum of the window rows' squares). */
    private static void forwardThreeQuarters(float[] x, int[] offsets, int m, int centre, float[] y, int n, float a,
            float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < m; j++) {
                FloatVector v = FloatVector.fromArray(F, x, offsets[j] + i);
                sum = v.fma(v, sum);
            }
            FloatVector w = sum.fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector.fromArray(F, x, centre + i).div(root.mul(root.sqrt())).intoArray(y, i);
        }
    }
    /**
     * {@link #forwardThreeQuarters} for a window of exactly five rows (size 5 away from the edges: AlexNet's and
     * PyTorch's default), with the five loads written out: the loop over a window of any length measured 1.8x slower
     * (C2 keeps it a loop, with its bounds checks and a dependent chain per step). The same sums in the same order.
     */
    private static void forwardFive(float[] x, int[] offsets, int centre, float[] y, int n, float a, float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
        for (int i = 0; i < n; i += F.length()) {
            FloatVector v0 = FloatVector.fromArray(F, x, o0 + i);
            FloatVector v1 = FloatVector.fromArray(F, x, o1 + i);
            FloatVector v2 = FloatVector.fromArray(F, x, o2 + i);
            FloatVector v3 = FloatVector.fromArray(F, x, o3 + i);
            FloatVector v4 = FloatVector.fromArray(F, x, o4 + i);
            // v0 * v0 is what the general loop's first fma onto zero rounds to.
            FloatVector sum = v4.fma(v4, v3.fma(v3, v2.fma(v2, v1.fma(v1, v0.mul(v0)))));
            FloatVector w = sum.fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector.fromArray(F, x, centre + i).div(root.mul(root.sqrt())).intoArray(y, i);
        }
    }

    /** w = k + a * (sum of the window rows' squares), for any beta's power pass. */
    private static void windowTerms(float[] x, int[] offsets, int m, float[] w, int n, float a, float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < m; j++) {
                FloatVector v = FloatVector.fromArray(F, x, offsets[j] + i);
                sum = v.fma(v, sum);
            }
            sum.fma(av, kv).intoArray(w, i);
        }
    }

    /** y = w^-beta * x (POW: an SVML call, so nothing else is live across it). */
    private static void forwardPower(float[] x, int centre, float[] w, float[] y, int n, float negBeta) {
        FloatVector bv = FloatVector.broadcast(F, negBeta);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector p = FloatVector.fromArray(F, w, i).lanewise(POW, bv);
            p.mul(FloatVector.fromArray(F, x, centre + i)).intoArray(y, i);
        }
    }

    /** Backward's p = w^-0.75 (as forward) and t = dy * x * p / w for one row, from its window's squares. */
    private static void termsThreeQuarters(float[] x, int[] offsets, int m, int at, float[] dy, float[] p, float[] t,
            int n, float a, float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector sum = FloatVector.zero(F);
            for (int j = 0; j < m; j++) {
                FloatVector v = FloatVector.fromArray(F, x, offsets[j] + i);
                sum = v.fma(v, sum);
            }
            FloatVector w = sum.fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector pw = one.div(root.mul(root.sqrt()));
            pw.intoArray(p, at + i);
            FloatVector gx = FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, x, at + i));
            gx.mul(pw).div(w).intoArray(t, at + i);
        }
    }

    /** p = w^-beta into the p ring (POW in a pass of its own). */
    private static void backwardPower(float[] w, float[] p, int at, int n, float negBeta) {
        FloatVector bv = FloatVector.broadcast(F, negBeta);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector.fromArray(F, w, i).lanewise(POW, bv).intoArray(p, at + i);
        }
    }

    /** t = dy * x * p / w into the t ring. */
    private static void holderTerms(float[] x, float[] dy, float[] p, float[] w, float[] t, int at, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector gx = FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, x, at + i));
            gx.mul(FloatVector.fromArray(F, p, at + i)).div(FloatVector.fromArray(F, w, i)).intoArray(t, at + i);
        }
    }

    /** diffSrc = dy * p - coef * x * (sum of the t rows of the windows holding the row), into out. */
    private static void backwardOut(float[] x, float[] dy, float[] p, float[] t, int[] offsets, int m, int at,
            float[] out, int n, float coef) {
        FloatVector cv = FloatVector.broadcast(F, -coef);
        for (int i = 0; i < n; i += F.length()) {
            FloatVector h = FloatVector.fromArray(F, t, offsets[0] + i);
            for (int j = 1; j < m; j++) h = h.add(FloatVector.fromArray(F, t, offsets[j] + i));
            FloatVector xh = FloatVector.fromArray(F, x, at + i).mul(h);
            FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, p, at + i)).add(xh.mul(cv))
                    .intoArray(out, i);
        }
    }

    /** {@link #termsThreeQuarters} for five rows, written out as {@link #forwardFive}. */
    private static void termsFive(float[] x, int[] offsets, int at, float[] dy, float[] p, float[] t, int n, float a,
            float k) {
        FloatVector av = FloatVector.broadcast(F, a);
        FloatVector kv = FloatVector.broadcast(F, k);
        FloatVector one = FloatVector.broadcast(F, 1f);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
        for (int i = 0; i < n; i += F.length()) {
            FloatVector v0 = FloatVector.fromArray(F, x, o0 + i);
            FloatVector v1 = FloatVector.fromArray(F, x, o1 + i);
            FloatVector v2 = FloatVector.fromArray(F, x, o2 + i);
            FloatVector v3 = FloatVector.fromArray(F, x, o3 + i);
            FloatVector v4 = FloatVector.fromArray(F, x, o4 + i);
            FloatVector w = v4.fma(v4, v3.fma(v3, v2.fma(v2, v1.fma(v1, v0.mul(v0))))).fma(av, kv);
            FloatVector root = w.sqrt();
            FloatVector pw = one.div(root.mul(root.sqrt()));
            pw.intoArray(p, at + i);
            FloatVector gx = FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, x, at + i));
            gx.mul(pw).div(w).intoArray(t, at + i);
        }
    }

    /** {@link #backwardOut} for five t rows, written out; the same sum in the same order. */
    private static void backwardOutFive(float[] x, float[] dy, float[] p, float[] t, int[] offsets, int at,
            float[] out, int n, float coef) {
        FloatVector cv = FloatVector.broadcast(F, -coef);
        int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
        for (int i = 0; i < n; i += F.length()) {
            FloatVector h = FloatVector.fromArray(F, t, o0 + i).add(FloatVector.fromArray(F, t, o1 + i))
                    .add(FloatVector.fromArray(F, t, o2 + i)).add(FloatVector.fromArray(F, t, o3 + i))
                    .add(FloatVector.fromArray(F, t, o4 + i));
            FloatVector xh = FloatVector.fromArray(F, x, at + i).mul(h);
            FloatVector.fromArray(F, dy, at + i).mul(FloatVector.fromArray(F, p, at + i)).add(xh.mul(cv))
                    .intoArray(out, i);
        }
    }
}
