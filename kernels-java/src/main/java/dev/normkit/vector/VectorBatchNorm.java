package dev.normkit.vector;

import static dev.normkit.vector.RowLoops.LANES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.BatchNormDesc;
import dev.normkit.BatchNormKernel;
import dev.normkit.spi.KernelArgs;
import dev.normkit.spi.RunningStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Batch norm on the Vector API. The tensor is {@code outer x C x inner}: with {@code inner > 1} (NCHW) each channel
 * is {@code outer} contiguous runs of {@code inner} floats, and vectors run along a run; with {@code inner == 1}
 * (NHWC, N x C) each row holds every channel once, and vectors run across channels.
 *
 * <p>Reads of each input per call (each pass reads the whole tensor once, in memory order):
 * <ul>
 *   <li>inference forward: src 1 (the write pass); dst written once. The minimum.</li>
 *   <li>training forward: src 2 (moments about a centre K per channel, the mean of its first few values, summed in
 *       f32 lanes per run or per block of {@value #CHUNK_ROWS} rows and added up in double; then the write); dst
 *       written once. The minimum for a tensor larger than the cache: no output can be written before its channel's
 *       statistics are complete, and a channel spans the whole tensor. A channel whose K lies far from its mean (the
 *       moments would cancel), or whose sums overflow or underflow, gets its statistics again in double, two more
 *       reads of that channel only; never {@code E[x^2] - mean^2} in f32.</li>
 *   <li>backward: src 2 and diffDst 2 (the sums of g and g * (x - mean) per channel, then diffSrc), with the fused
 *       ReLU dst 2 as well; diffSrc written once. The minimum, for the same reason: diffSrc needs both sums of its
 *       channel. Backward with global statistics: 1 of each when neither diffScale nor diffShift is wanted (diffSrc
 *       only), else 2.</li>
 * </ul>
 * So against the bench's byte model (each input read once, each output written once) training moves 3/2 and backward
 * 5/3 of the modelled bytes: at the copy roof's bandwidth they would show 0.67 and 0.6 of it.
 *
 * <p>Both statistics passes walk the tensor in memory order: NCHW sample by sample, each channel's run of
 * {@code inner} floats in turn (a channel's runs still add up in the order o = 0, 1, ...); NHWC in blocks of
 * {@value #CHUNK_ROWS} rows, four channel vectors (256 bytes of each row) at a time in registers (training's
 * moments; backward's sums keep their accumulators in L1 arrays, row after row). Walking a channel at a time instead
 * took about 3 times as long in NCHW (runs C * inner floats apart: 2.1 against 0.66 ms a pass on 8x256x56x56) and 1.4
 * times in NHWC (one 64-byte vector every C floats). The NHWC moments pass is still about 1.7 times as slow as the
 * NCHW one (0.94 against 0.55 ms): it reads each row's 256 bytes of a group four times, 1 KB apart.
 *
 * <p>The write is {@code y = max((x - m1) * a + b, lo)} with m1 the f32 mean and what rounding took from it folded into
 * b, so a large common offset costs no accuracy; {@code lo} is 0 with the fused ReLU and -inf without.
 *
 * <p>Memory: dispatched once per call on {@link Placement}; the loops are {@link BatchNormSegmentLoops} (native
 * segments) and the {@code float[]} twin GenerateArrayLoops writes from it, {@code BatchNormArrayLoops}, and follow
 * {@link RowLoops}'s conventions. Per-channel scratch is made per call ({@code Call}), so concurrent calls share nothing.
 */
final class VectorBatchNorm implements BatchNormKernel {

    /** Rows per f32 block in the row layouts before the block's sums are added up in double. */
    static final int CHUNK_ROWS = 32;
    /** Values averaged for each channel's centre. */
    static final int CENTRE_VALUES = 8;

    private final BatchNormDesc desc;
    private final int outer;
    private final int channels;
    private final int inner;
    private final int n;
    private final int wholeChannels;

    VectorBatchNorm(BatchNormDesc desc) {
        this.desc = desc;
        this.outer = Math.toIntExact(desc.outer());
        this.channels = Math.toIntExact(desc.channels());
        this.inner = Math.toIntExact(desc.inner());
        this.n = Math.toIntExact(desc.perChannel());
        this.wholeChannels = channels - channels % LANES;
    }

    @Override
    public BatchNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    /**
     * A centre for channel c's moments: the mean of its first {@value #CENTRE_VALUES} values (all of them when it has
     * fewer). The closer K lies to the mean, the less {@code mean(d^2) - mean(d)^2} cancels; one value would leave
     * about one standard deviation, this about a third of one.
     */
    private float centre(boolean arrays, float[] xa, int xo, MemorySegment x, int c) {
        int count = Math.min(n, CENTRE_VALUES);
        float s = 0f;
        for (int e = 0; e < count; e++) {
            int i = (int) element(c, e);
            s += arrays ? xa[xo + i] : x.getAtIndex(JAVA_FLOAT, i);
        }
        return s / count;
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment meanIn, MemorySegment varianceIn) {
        new Call(false).forward(src, dst, scale, shift, meanIn, varianceIn);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment meanOut, MemorySegment varianceOut, MemorySegment runningMean, MemorySegment runningVar) {
        new Call(true).forwardTraining(src, dst, scale, shift, meanOut, varianceOut, runningMean, runningVar);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment meanIn,
            MemorySegment varianceIn, MemorySegment dst, MemorySegment diffSrc, MemorySegment diffScale,
            MemorySegment diffShift) {
        KernelArgs.batchNormBackward(desc, src, diffDst, scale, meanIn, varianceIn, dst, diffSrc, diffScale,
                diffShift);
        new Call(true).gradient(false, src, diffDst, scale, meanIn, varianceIn, dst, diffSrc, diffScale, diffShift);
    }

    @Override
    public void backwardGlobalStats(MemorySegment src, MemorySegment diffDst, MemorySegment scale,
            MemorySegment meanIn, MemorySegment varianceIn, MemorySegment dst, MemorySegment diffSrc,
            MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.batchNormBackward(desc, src, diffDst, scale, meanIn, varianceIn, dst, diffSrc, diffScale,
                diffShift);
        new Call(true).gradient(true, src, diffDst, scale, meanIn, varianceIn, dst, diffSrc, diffScale, diffShift);
    }

    /** Mean of channel c in double: the rare-case fallback (any placement). */
    private double exactMean(MemorySegment x, int c) {
        double s = 0;
        for (int e = 0; e < n; e++) s += x.getAtIndex(JAVA_FLOAT, element(c, e));
        return s / n;
    }

    /** Sum of (x - mu)^2 over channel c in double: the rare-case fallback. */
    private double exactSquares(MemorySegment x, int c, double mu) {
        double s = 0;
        for (int e = 0; e < n; e++) {
            double d = x.getAtIndex(JAVA_FLOAT, element(c, e)) - mu;
            s += d * d;
        }
        return s;
    }

    /** Index of the e-th value of channel c. */
    private long element(int c, int e) {
        return ((long) (e / inner) * channels + c) * inner + e % inner;
    }

    /**
     * Moments about {@code k} of rows {@code [r0, r1)} of a rows x C tensor, for the channels of whole vectors, into
     * {@code s} and {@code q}: groups of four vectors, then single ones (batch norm's and group norm's NHWC).
     */
    static void blockMoments(boolean arrays, float[] xa, int xo, MemorySegment x, int channels, int whole, int r0,
            int r1, float[] k, float[] s, float[] q) {
        int c0 = 0;
        for (; c0 + 4 * LANES <= whole; c0 += 4 * LANES) {
            if (arrays) {
                BatchNormArrayLoops.rowMoments4(xa, xo, channels, r0, r1, c0, k, s, q);
            } else {
                BatchNormSegmentLoops.rowMoments4(x, 0, channels, r0, r1, c0, k, s, q);
            }
        }
        for (; c0 < whole; c0 += LANES) {
            if (arrays) {
                BatchNormArrayLoops.rowMoments1(xa, xo, channels, r0, r1, c0, k, s, q);
            } else {
                BatchNormSegmentLoops.rowMoments1(x, 0, channels, r0, r1, c0, k, s, q);
            }
        }
    }

    /** A native copy of a heap tensor, for a {@link Placement#MIXED} call. */
    private static MemorySegment stage(Arena arena, MemorySegment s) {
        if (s.isNative()) return s;
        MemorySegment copy = arena.allocate(s.byteSize(), Float.BYTES);
        MemorySegment.copy(s, 0, copy, 0, s.byteSize());
        return copy;
    }


    /**
     * One call: its per-channel scratch and the passes that use it, made per call so that concurrent calls on one
     * kernel share nothing (the kernel itself holds only its shape).
     */
    private final class Call {
        private final float[] mean = new float[channels];
        private final float[] a = new float[channels];
        private final float[] b = new float[channels];
        // Only the passes with sums need these: inference forward (each chunk of a parallel call) makes only the three
        // above.
        private final float[] center;
        private final float[] p;
        private final float[] q;
        private final float[] blockSum;
        private final float[] blockSquares;
        private final double[] sum;
        private final double[] squares;

        /** {@code sums}: scratch for training forward and backward, not only inference forward's coefficients. */
        Call(boolean sums) {
            int n = sums ? channels : 0;
            center = new float[n];
            p = new float[n];
            q = new float[n];
            blockSum = new float[n];
            blockSquares = new float[n];
            sum = new double[n];
            squares = new double[n];
        }

        void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
                MemorySegment meanIn, MemorySegment varianceIn) {
            KernelArgs.batchNormForward(desc, src, dst, scale, shift, meanIn, varianceIn);
            for (int c = 0; c < channels; c++) {
                coefficients(c, meanIn.getAtIndex(JAVA_FLOAT, c), 0.0, varianceIn.getAtIndex(JAVA_FLOAT, c), scale, shift);
            }
            write(src, dst);
        }

        void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
                MemorySegment meanOut, MemorySegment varianceOut, MemorySegment runningMean, MemorySegment runningVar) {
            KernelArgs.batchNormForwardTraining(desc, src, dst, scale, shift, meanOut, varianceOut, runningMean,
                    runningVar);
            Placement pl = Placement.of(src);
            try (Arena arena = pl == Placement.MIXED ? Arena.ofConfined() : null) {
                MemorySegment x = pl == Placement.MIXED ? stage(arena, src) : src;
                moments(pl == Placement.MIXED ? Placement.NATIVE : pl, x);
            }
            for (int c = 0; c < channels; c++) {
                double meanD = sum[c] / n;
                double meanSquareD = squares[c] / n;
                double mu = center[c] + meanD;
                double variance = meanSquareD - meanD * meanD;
                if (!(squares[c] < Float.MAX_VALUE) || RowLoops.squaresNeedDouble((float) squares[c], desc.eps())
                        || meanD * meanD > 0.75 * meanSquareD) {
                    mu = exactMean(src, c);
                    variance = exactSquares(src, c, mu) / n;
                }
                float m1 = (float) mu;
                if (!Float.isFinite(m1)) m1 = 0f; // a NaN or inf channel: the centred write then yields its NaN
                meanOut.setAtIndex(JAVA_FLOAT, c, (float) mu);
                varianceOut.setAtIndex(JAVA_FLOAT, c, (float) variance);
                coefficients(c, m1, mu - m1, variance, scale, shift);
            }
            write(src, dst);
            RunningStats.update(desc, meanOut, varianceOut, runningMean, runningVar);
        }

        /**
         * Channel c's write coefficients from its mean {@code m1 + rest} and variance:
         * {@code a = rstd * gamma}, {@code b = beta - rest * a}.
         */
        void coefficients(int c, float m1, double rest, double variance, MemorySegment scale,
                MemorySegment shift) {
            double rstd = 1.0 / Math.sqrt(Math.max(0.0, variance) + desc.eps());
            if (Double.isNaN(variance)) rstd = Double.NaN;
            double ac = scale != null ? rstd * scale.getAtIndex(JAVA_FLOAT, c) : rstd;
            double bc = shift != null ? shift.getAtIndex(JAVA_FLOAT, c) : 0.0;
            mean[c] = m1;
            a[c] = (float) ac;
            b[c] = (float) (bc - rest * ac);
        }

        /** Fills center, sum and squares: each channel's moments about its centre. */
        void moments(Placement pl, MemorySegment x) {
            boolean arrays = pl == Placement.ARRAYS;
            float[] xa = arrays ? Placement.array(x) : null;
            int xo = arrays ? Placement.index(x) : 0;
            Arrays.fill(sum, 0.0);
            Arrays.fill(squares, 0.0);
            for (int c = 0; c < channels; c++) center[c] = centre(arrays, xa, xo, x, c);
            if (inner > 1) {
                // In memory order, not channel by channel: a channel's runs lie C * inner floats apart, and walking
                // them ran the pass at a third of the speed of this walk (8x256x56x56). Each channel still adds its
                // runs in the order o = 0, 1, ...
                for (int o = 0; o < outer; o++) {
                    for (int c = 0; c < channels; c++) {
                        int at = (o * channels + c) * inner;
                        long pair = arrays ? BatchNormArrayLoops.runMoments(xa, xo, at, inner, center[c])
                                : BatchNormSegmentLoops.runMoments(x, 0, at, inner, center[c]);
                        sum[c] += FloatPair.first(pair);
                        squares[c] += FloatPair.second(pair);
                    }
                }
                return;
            }
            for (int r0 = 0; r0 < outer; r0 += CHUNK_ROWS) {
                int r1 = Math.min(outer, r0 + CHUNK_ROWS);
                blockMoments(arrays, xa, xo, x, channels, wholeChannels, r0, r1, center, blockSum, blockSquares);
                for (int c = wholeChannels; c < channels; c++) {
                    if (arrays) {
                        BatchNormArrayLoops.rowMomentsTail(xa, xo, channels, r0, r1, c, center, blockSum, blockSquares);
                    } else {
                        BatchNormSegmentLoops.rowMomentsTail(x, 0, channels, r0, r1, c, center, blockSum, blockSquares);
                    }
                }
                for (int c = 0; c < channels; c++) {
                    sum[c] += blockSum[c];
                    squares[c] += blockSquares[c];
                }
            }
        }

        /** Writes dst from the coefficients in mean, a and b. */
        void write(MemorySegment src, MemorySegment dst) {
            float lo = desc.fuseRelu() ? 0f : Float.NEGATIVE_INFINITY;
            Placement pl = Placement.of(src, dst);
            if (pl == Placement.MIXED) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment x = stage(arena, src);
                    MemorySegment y = arena.allocate(dst.byteSize(), Float.BYTES);
                    write(x, y);
                    MemorySegment.copy(y, 0, dst, 0, (long) n * channels * Float.BYTES);
                }
                return;
            }
            boolean arrays = pl == Placement.ARRAYS;
            float[] xa = arrays ? Placement.array(src) : null;
            int xo = arrays ? Placement.index(src) : 0;
            float[] ya = arrays ? Placement.array(dst) : null;
            int yo = arrays ? Placement.index(dst) : 0;
            if (inner == 1) {
                if (arrays) {
                    BatchNormArrayLoops.rowWrite(xa, xo, ya, yo, channels, 0, outer, mean, a, b, lo);
                } else {
                    BatchNormSegmentLoops.rowWrite(src, 0, dst, 0, channels, 0, outer, mean, a, b, lo);
                }
                return;
            }
            for (int o = 0; o < outer; o++) {
                for (int c = 0; c < channels; c++) {
                    int at = (o * channels + c) * inner;
                    if (arrays) {
                        BatchNormArrayLoops.runWrite(xa, xo, ya, yo, at, inner, mean[c], a[c], b[c], lo);
                    } else {
                        BatchNormSegmentLoops.runWrite(src, 0, dst, 0, at, inner, mean[c], a[c], b[c], lo);
                    }
                }
            }
        }

        void gradient(boolean global, MemorySegment src, MemorySegment diffDst, MemorySegment scale,
                MemorySegment meanIn, MemorySegment varianceIn, MemorySegment dst, MemorySegment diffSrc,
                MemorySegment diffScale, MemorySegment diffShift) {
            Placement pl = Placement.of(src, diffDst, dst, diffSrc);
            if (pl == Placement.MIXED) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment dx = arena.allocate(diffSrc.byteSize(), Float.BYTES);
                    gradient(global, stage(arena, src), stage(arena, diffDst), scale, meanIn, varianceIn,
                            dst == null ? null : stage(arena, dst), dx, diffScale, diffShift);
                    MemorySegment.copy(dx, 0, diffSrc, 0, (long) n * channels * Float.BYTES);
                }
                return;
            }
            boolean relu = desc.fuseRelu();
            MemorySegment y = relu ? dst : diffDst; // read only when relu
            for (int c = 0; c < channels; c++) mean[c] = meanIn.getAtIndex(JAVA_FLOAT, c);
            boolean sums = !global || diffScale != null || diffShift != null;
            if (sums) gradientSums(pl == Placement.ARRAYS, src, diffDst, y, relu);
            for (int c = 0; c < channels; c++) {
                double rstd = 1.0 / Math.sqrt(Math.max(0.0, varianceIn.getAtIndex(JAVA_FLOAT, c)) + desc.eps());
                if (Float.isNaN(varianceIn.getAtIndex(JAVA_FLOAT, c))) rstd = Double.NaN;
                double ac = scale != null ? rstd * scale.getAtIndex(JAVA_FLOAT, c) : rstd;
                a[c] = (float) ac;
                p[c] = global ? 0f : (float) (-ac * rstd * rstd * squares[c] / n);
                q[c] = global ? 0f : (float) (-ac * sum[c] / n);
                if (diffScale != null) diffScale.setAtIndex(JAVA_FLOAT, c, (float) (rstd * squares[c]));
                if (diffShift != null) diffShift.setAtIndex(JAVA_FLOAT, c, (float) sum[c]);
            }
            gradientWrite(pl == Placement.ARRAYS, src, diffDst, y, diffSrc, relu);
        }

        /** Fills sum (of g) and squares (here: of g * (x - mean)) per channel. */
        void gradientSums(boolean arrays, MemorySegment x, MemorySegment dy, MemorySegment y, boolean relu) {
            float[] xa = arrays ? Placement.array(x) : null;
            float[] ga = arrays ? Placement.array(dy) : null;
            float[] ya = arrays ? Placement.array(y) : null;
            int xo = arrays ? Placement.index(x) : 0;
            int go = arrays ? Placement.index(dy) : 0;
            int yo = arrays ? Placement.index(y) : 0;
            Arrays.fill(sum, 0.0);
            Arrays.fill(squares, 0.0);
            if (inner > 1) {
                for (int o = 0; o < outer; o++) { // in memory order, as moments
                    for (int c = 0; c < channels; c++) {
                        int at = (o * channels + c) * inner;
                        long pair = arrays ? BatchNormArrayLoops.runGradSums(xa, xo, ga, go, ya, yo, at, inner, mean[c], relu)
                                : BatchNormSegmentLoops.runGradSums(x, 0, dy, 0, y, 0, at, inner, mean[c], relu);
                        sum[c] += FloatPair.first(pair);
                        squares[c] += FloatPair.second(pair);
                    }
                }
                return;
            }
            for (int r0 = 0; r0 < outer; r0 += CHUNK_ROWS) {
                int r1 = Math.min(outer, r0 + CHUNK_ROWS);
                if (arrays) {
                    BatchNormArrayLoops.rowsGradSums(xa, xo, ga, go, ya, yo, channels, r0, r1, mean, relu,
                            blockSum, blockSquares);
                } else {
                    BatchNormSegmentLoops.rowsGradSums(x, 0, dy, 0, y, 0, channels, r0, r1, mean, relu,
                            blockSum, blockSquares);
                }
                for (int c = wholeChannels; c < channels; c++) {
                    if (arrays) {
                        BatchNormArrayLoops.rowGradSumsTail(xa, xo, ga, go, ya, yo, channels, r0, r1, c, mean, relu, blockSum,
                                blockSquares);
                    } else {
                        BatchNormSegmentLoops.rowGradSumsTail(x, 0, dy, 0, y, 0, channels, r0, r1, c, mean, relu, blockSum,
                                blockSquares);
                    }
                }
                for (int c = 0; c < channels; c++) {
                    sum[c] += blockSum[c];
                    squares[c] += blockSquares[c];
                }
            }
        }

        void gradientWrite(boolean arrays, MemorySegment x, MemorySegment dy, MemorySegment y, MemorySegment dx,
                boolean relu) {
            float[] xa = arrays ? Placement.array(x) : null;
            float[] ga = arrays ? Placement.array(dy) : null;
            float[] ya = arrays ? Placement.array(y) : null;
            float[] da = arrays ? Placement.array(dx) : null;
            int xo = arrays ? Placement.index(x) : 0;
            int go = arrays ? Placement.index(dy) : 0;
            int yo = arrays ? Placement.index(y) : 0;
            int dxo = arrays ? Placement.index(dx) : 0;
            if (inner == 1) {
                if (arrays) {
                    BatchNormArrayLoops.rowGradWrite(xa, xo, ga, go, ya, yo, da, dxo, channels, 0, outer, mean, a, p, q, relu);
                } else {
                    BatchNormSegmentLoops.rowGradWrite(x, 0, dy, 0, y, 0, dx, 0, channels, 0, outer, mean, a, p, q, relu);
                }
                return;
            }
            for (int o = 0; o < outer; o++) {
                for (int c = 0; c < channels; c++) {
                    int at = (o * channels + c) * inner;
                    if (arrays) {
                        BatchNormArrayLoops.runGradWrite(xa, xo, ga, go, ya, yo, da, dxo, at, inner, mean[c], a[c], p[c], q[c],
                                relu);
                    } else {
                        BatchNormSegmentLoops.runGradWrite(x, 0, dy, 0, y, 0, dx, 0, at, inner, mean[c], a[c], p[c], q[c], relu);
                    }
                }
            }
        }
    }
}
