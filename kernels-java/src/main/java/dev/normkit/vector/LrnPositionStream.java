package dev.normkit.vector;

import dev.normkit.LrnDesc;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorLrn}'s path for LRN across channels where each position's channels are contiguous: channels last (NHWC
 * and its kin) and N x C. One streaming pass over the caller's memory, a block of positions at a time.
 *
 * <p>A block's positions are copied (by {@link Rows}) into slots of {@code C + below + above} floats, the channels
 * {@code below} floats in and zeros around them, which stay zero. The window of every element then lies in its own
 * slot, and squares of zero add exactly nothing, so sums over the zero-padded window are the sums over the window cut
 * at the edges. The block is one flat row: the window's j-th term of lane i is {@code x[i + j]}, so the loops of
 * {@link LrnRowLoops} run over it with offsets {@code 0 .. below + above} and the centre at {@code below}, in vectors
 * along the block (lanes at the zeros compute values that are never copied out). Backward's t is zero at the zeros (x
 * and dy are), so the mirrored window sums of t need no cutting either; the t they read depend on their own slot's
 * channels and on zeros only, so the values an earlier block left in a partial last block's unused slots are never
 * read.
 *
 * <p>Forward: copy a block in, one loop (two for beta other than 0.75), copy it out. Backward: copy x and dy in, one
 * loop for p and t (three for beta other than 0.75), one for the output, copy it out.
 */
final class LrnPositionStream {

    private static final VectorSpecies<Float> F = FloatSpecies.F;

    /** About how many floats a block holds: 4 KiB rows, as {@link LrnChannelStream#MAX_TILE}. */
    static final int BLOCK = 1024;
    /** Widest reach (below + above) this path pads for; wider windows take the per-sample path. */
    static final int MAX_REACH = 64;

    private final long positions;
    private final int channels;
    private final int below;
    private final int slot;
    private final int perBlock;
    private final int length;
    private final int span;
    /** The window's offsets (0 .. below + above), and the mirrored window's in t (below - above .. 2 below). */
    private final int[] window;
    private final int[] mirrored;
    private final float k;
    private final float alphaOverDivisor;
    private final float negBeta;
    private final float coef;
    private final boolean threeQuarters;
    /** The kept scratch, or null while a call holds it. */
    private final AtomicReference<Block> kept;

    /** One block's padded copies of x and dy, backward's p and t (at the same places), and rows w and out. */
    private record Block(float[] x, float[] dy, float[] p, float[] t, float[] w, float[] out, Rows a, Rows b,
            Rows c) {
        static Block of(int length, int margin) {
            int n = length + margin;
            return new Block(new float[n], new float[n], new float[n], new float[n], new float[length],
                    new float[length], new Rows(), new Rows(), new Rows());
        }
    }

    /** Across channels, each position's channels contiguous (channels last, or one position), a padding in reach. */
    static boolean takes(LrnDesc d) {
        return d.algorithm() == LrnDesc.Algorithm.ACROSS_CHANNELS && (d.channelsLast() || d.spatial() == 1)
                && d.reachBelow() + d.reachAbove() <= MAX_REACH;
    }

    LrnPositionStream(LrnDesc d) {
        this.positions = d.batch() * d.spatial();
        this.channels = Math.toIntExact(d.channels());
        this.below = Math.toIntExact(d.reachBelow());
        int above = Math.toIntExact(d.reachAbove());
        this.span = below + above + 1;
        this.slot = channels + below + above;
        this.perBlock = Math.max(1, BLOCK / slot);
        this.length = roundUp(perBlock * slot);
        this.window = new int[span];
        this.mirrored = new int[span];
        for (int j = 0; j < span; j++) {
            window[j] = j;
            mirrored[j] = below - above + j;
        }
        this.k = d.k();
        this.alphaOverDivisor = (float) (d.alpha() / d.divisor());
        this.negBeta = -d.beta();
        this.coef = (float) (2.0 * d.alpha() * d.beta() / d.divisor());
        this.threeQuarters = d.beta() == 0.75f;
        this.kept = new AtomicReference<>(newBlock());
    }

    void forward(MemorySegment src, MemorySegment dst) {
        Block b = take();
        Rows in = b.a().bind(src);
        Rows out = b.b().bind(dst);
        for (long first = 0; first < positions; first += perBlock) {
            int count = (int) Math.min(perBlock, positions - first);
            copyIn(in, first, count, b.x());
            int n = roundUp(count * slot);
            LrnRowLoops.forwardRow(threeQuarters, b.x(), window, span, below, b.w(), b.out(), n, alphaOverDivisor, k,
                    negBeta);
            copyOut(b.out(), out, first, count);
        }
        in.unbind();
        out.unbind();
        kept.set(b);
    }

    void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc) {
        Block b = take();
        Rows x = b.a().bind(src);
        Rows dy = b.b().bind(diffDst);
        Rows dx = b.c().bind(diffSrc);
        for (long first = 0; first < positions; first += perBlock) {
            int count = (int) Math.min(perBlock, positions - first);
            copyIn(x, first, count, b.x());
            copyIn(dy, first, count, b.dy());
            int n = roundUp(count * slot);
            LrnRowLoops.termsRow(threeQuarters, b.x(), window, span, below, b.dy(), b.p(), b.t(), b.w(), n,
                    alphaOverDivisor, k, negBeta);
            LrnRowLoops.outRow(b.x(), b.dy(), b.p(), b.t(), mirrored, span, below, b.out(), n, coef);
            copyOut(b.out(), dx, first, count);
        }
        x.unbind();
        dy.unbind();
        dx.unbind();
        kept.set(b);
    }

    /** Positions [first, first + count) into their slots, {@code below} floats into each. */
    private void copyIn(Rows from, long first, int count, float[] to) {
        for (int p = 0; p < count; p++) from.read((first + p) * channels, to, p * slot + below, channels);
    }

    /** Output lane {@code p * slot + c} is channel c of position p. */
    private void copyOut(float[] out, Rows to, long first, int count) {
        for (int p = 0; p < count; p++) to.write(out, p * slot, (first + p) * channels, channels);
    }

    private int roundUp(int n) {
        return (n + F.length() - 1) / F.length() * F.length();
    }

    /** Room past the last lane for the furthest offset (2 below, the mirrored window's) and a vector. */
    private Block newBlock() {
        return Block.of(length, 2 * below + slot + F.length());
    }

    /** The kept scratch, or a new block while another call holds it (not returned on an exception: it is rebuilt). */
    private Block take() {
        Block b = kept.getAndSet(null);
        return b != null ? b : newBlock();
    }
}
