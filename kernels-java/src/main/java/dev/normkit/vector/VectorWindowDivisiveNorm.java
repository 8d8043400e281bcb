package dev.normkit.vector;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.DivisiveNormDesc;
import dev.normkit.DivisiveNormKernel;
import dev.normkit.scalar.ChannelBlocks;
import dev.normkit.scalar.WindowPNorm;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * divisive_norm across channels on the Vector API. The tensor is walked in blocks of positions held channels first
 * ({@link ChannelBlocks}: bulk copies only, channels last transposed through a staging copy, rows padded to whole
 * vectors), and each block computed by the f32 passes of {@link WindowPNormLoops} with positions in the lanes, one
 * pass per window row where a pass holds an SVML call. Per block: forward reads x once from the caller and writes y
 * once; backward reads x and dy once and writes dx once; everything else runs on the block's arrays, which stay in L2.
 *
 * <p>A block the f32 passes would get wrong is computed in double by the scalar path's {@link WindowPNorm} instead:
 * forward, a block holding a NaN or an infinity (the special-value policy is the scalar path's); backward, also a block
 * with some nonzero |x| outside {@code [2^-40, 2^40]} (so every ratio |x| / n and every w stays inside f32's range
 * without the forward's scaling). Either direction always takes that way for a p so small that {@code localSize^(1/p)}
 * passes 2^30 (the scaled root itself would overflow).
 *
 * <p>The kernel keeps one set of block arrays; a concurrent call that finds it taken allocates its own.
 */
final class VectorWindowDivisiveNorm implements DivisiveNormKernel {

    private enum Kind { ONE, TWO, MAX, OTHER }

    private static final float RANGE_HI = 0x1p40f;
    private static final float RANGE_LO = 0x1p-40f;

    private final DivisiveNormDesc desc;
    private final ChannelBlocks blocks;
    private final int channels;
    private final int half;
    private final Kind kind;
    private final float p;
    private final float sigma;
    private final float gain;
    private final boolean f32Root;
    private final AtomicReference<Scratch> kept;

    /** One block's arrays: x, y (dy, then dx), m, pre, r, s (the root), d, w, nn, lw, held; staging; double work. */
    private record Scratch(float[] x, float[] y, float[] m, float[] pre, float[] r, float[] s, float[] d, float[] w,
            float[] nn, float[] lw, float[] held, float[] staging, double[] work) {
        static Scratch of(ChannelBlocks b) {
            int n = b.blockFloats();
            return new Scratch(new float[n], new float[n], new float[n], new float[n], new float[n], new float[n],
                    new float[n], new float[n], new float[n], new float[n], new float[n],
                    new float[b.stagingFloats()], new double[2 * b.channels()]);
        }
    }

    VectorWindowDivisiveNorm(DivisiveNormDesc desc) {
        this.desc = desc;
        this.blocks = new ChannelBlocks(desc, FloatSpecies.F.length());
        this.channels = blocks.channels();
        this.half = desc.halfWidth();
        this.p = desc.p();
        this.sigma = desc.sigma();
        this.gain = desc.gain();
        this.kind = p == 1f ? Kind.ONE : p == 2f ? Kind.TWO : p == Float.POSITIVE_INFINITY ? Kind.MAX : Kind.OTHER;
        this.f32Root = Math.pow(desc.localSize(), 1.0 / p) <= 0x1p30;
        this.kept = new AtomicReference<>(Scratch.of(blocks));
    }

    @Override
    public DivisiveNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst) {
        KernelArgs.divisiveNormForward(desc, src, dst);
        Scratch s = take();
        blocks.forEach((o, first, width, stride) -> {
            blocks.load(src, o, first, width, stride, s.x, 1f, s.staging);
            int n = channels * stride;
            if (f32Root && WindowPNormLoops.absMax(s.x, n) <= Float.MAX_VALUE) {
                norms(s, stride, n);
                WindowPNormLoops.forwardOut(s.x, s.m, s.pre, s.r, s.s, s.y, n, sigma, gain);
            } else {
                WindowPNorm.forward(s.x, s.y, channels, stride, width, half, p, sigma, gain);
            }
            blocks.store(s.y, stride, dst, o, first, width, s.staging);
        });
        kept.set(s);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment diffSrc, MemorySegment diffGain) {
        KernelArgs.divisiveNormBackward(desc, src, diffDst, diffSrc, diffGain);
        Scratch s = take();
        double[] dg = {0};
        blocks.forEach((o, first, width, stride) -> {
            blocks.load(src, o, first, width, stride, s.x, 1f, s.staging);
            blocks.load(diffDst, o, first, width, stride, s.y, 0f, s.staging);
            int n = channels * stride;
            if (f32Root && WindowPNormLoops.absMax(s.x, n) <= RANGE_HI
                    && WindowPNormLoops.absMax(s.y, n) <= Float.MAX_VALUE
                    && WindowPNormLoops.absMinNonzero(s.x, n) >= RANGE_LO) {
                dg[0] += backwardBlock(s, stride, n);
            } else {
                dg[0] += WindowPNorm.backward(s.x, s.y, s.y, channels, stride, width, half, p, sigma, gain, s.work);
            }
            blocks.store(s.y, stride, diffSrc, o, first, width, s.staging);
        });
        if (diffGain != null) diffGain.setAtIndex(JAVA_FLOAT, 0, (float) dg[0]);
        kept.set(s);
    }

    /** Every window's max m, scales pre and r, and root (n = m root) into s.s. */
    private void norms(Scratch s, int stride, int n) {
        for (int c = 0; c < channels; c++) WindowPNormLoops.windowMax(s.x, s.m, c, lo(c), hi(c), stride);
        WindowPNormLoops.scales(s.m, s.pre, s.r, n);
        switch (kind) {
            case ONE -> {
                for (int c = 0; c < channels; c++) {
                    WindowPNormLoops.sumAbs(s.x, s.pre, s.r, s.s, c, lo(c), hi(c), stride);
                }
            }
            case TWO -> {
                for (int c = 0; c < channels; c++) {
                    WindowPNormLoops.sumSquares(s.x, s.pre, s.r, s.s, c, lo(c), hi(c), stride);
                }
                WindowPNormLoops.rootSqrt(s.s, n);
            }
            case MAX -> WindowPNormLoops.fillOne(s.s, n);
            case OTHER -> {
                // held is free here (backward fills it after the norms): each term's p log(.) goes there first
                for (int c = 0; c < channels; c++) {
                    for (int j = lo(c); j <= hi(c); j++) {
                        WindowPNormLoops.powTermLog(s.x, s.pre, s.r, s.held, c, j, stride, p);
                        WindowPNormLoops.addExp(s.held, s.s, c, stride, j == lo(c));
                    }
                }
                WindowPNormLoops.rootLog(s.s, n, 1f / p);
                WindowPNormLoops.expInPlace(s.s, n);
            }
        }
    }

    /** The f32 backward of one block: dx over s.y (dy); returns the block's part of d loss / d g. */
    private double backwardBlock(Scratch s, int stride, int n) {
        norms(s, stride, n);
        double part = WindowPNormLoops.windowTerms(s.x, s.y, s.m, s.s, s.d, s.w, s.nn, n, sigma);
        switch (kind) {
            case ONE -> {
                for (int c = 0; c < channels; c++) {
                    WindowPNormLoops.heldAbs(s.x, s.w, s.held, c, lo(c), hi(c), stride);
                }
            }
            case TWO -> {
                for (int c = 0; c < channels; c++) {
                    WindowPNormLoops.heldSquares(s.x, s.nn, s.w, s.held, c, lo(c), hi(c), stride);
                }
            }
            case MAX -> {
                for (int c = 0; c < channels; c++) {
                    WindowPNormLoops.divideByTies(s.x, s.m, s.w, c, lo(c), hi(c), stride);
                }
                for (int c = 0; c < channels; c++) {
                    WindowPNormLoops.heldMax(s.x, s.nn, s.w, s.held, c, lo(c), hi(c), stride);
                }
            }
            case OTHER -> {
                WindowPNormLoops.logAbs(s.w, s.lw, n);
                // pre is free once the norms are taken: it holds each term's exponent
                for (int c = 0; c < channels; c++) {
                    for (int j = lo(c); j <= hi(c); j++) {
                        WindowPNormLoops.heldExponent(s.x, s.nn, s.lw, s.pre, c, j, stride, p - 1f);
                        WindowPNormLoops.heldPower(s.x, s.pre, s.w, s.held, c, j, stride, j == lo(c));
                    }
                }
            }
        }
        WindowPNormLoops.backwardOut(s.x, s.y, s.d, s.held, s.y, n, gain);
        return part;
    }

    private int lo(int c) {
        return Math.max(0, c - half);
    }

    private int hi(int c) {
        return Math.min(channels - 1, c + half);
    }

    /** The kept arrays, or new ones while another call holds them (not returned on an exception: rebuilt). */
    private Scratch take() {
        Scratch s = kept.getAndSet(null);
        return s != null ? s : Scratch.of(blocks);
    }
}
