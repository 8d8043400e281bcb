package dev.normkit.vector;

import static dev.normkit.vector.RowLoops.LANES;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;
import dev.normkit.GroupNormKernel;
import dev.normkit.spi.KernelArgs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Group norm on the Vector API, on {@link VectorBatchNorm}'s loops ({@link BatchNormSegmentLoops} and its generated array twin): channels
 * first, each channel of a sample is one contiguous run of H*W floats; channels last (and N x C), each spatial position is a row
 * of C channels and vectors run across channels, a (sample, group) being a slice of every row of its sample.
 *
 * <p>Passes over the input: forward 2 (moments of each channel about its group's centre K, the mean of the group's
 * first few values, summed in f32 lanes per run or per block of rows and added up per group in double; then the
 * write), with the same double fallback per group as batch norm; backward 2 (per channel sums of dy and
 * dy * (x - mean), combined per group with gamma; then diffSrc). Per-channel scratch is made per call
 * ({@code Call}), so concurrent calls on one kernel share nothing.
 */
final class VectorGroupNorm implements GroupNormKernel {

    private final GroupNormDesc desc;
    private final int batch;
    private final int channels;
    private final int spatial;
    private final int groups;
    private final int perGroup;
    private final int groupSize;
    private final boolean runs;
    private final int wholeChannels;

    VectorGroupNorm(GroupNormDesc desc) {
        this.desc = desc;
        this.batch = Math.toIntExact(desc.batch());
        this.channels = Math.toIntExact(desc.channels());
        this.spatial = Math.toIntExact(desc.spatial());
        this.groups = Math.toIntExact(desc.groups());
        this.perGroup = Math.toIntExact(desc.channelsPerGroup());
        this.groupSize = Math.toIntExact(desc.groupSize());
        this.runs = desc.layout() != ChannelLayout.NHWC && spatial > 1;
        this.wholeChannels = channels - channels % LANES;
    }

    @Override
    public GroupNormDesc desc() {
        return desc;
    }

    @Override
    public String path() {
        return "vector";
    }

    @Override
    public void forward(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, false, null, null);
        new Call().normalize(src, dst, scale, shift, null, null);
    }

    @Override
    public void forwardTraining(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
            MemorySegment meanOut, MemorySegment varianceOut) {
        KernelArgs.groupNormForward(desc, src, dst, scale, shift, true, meanOut, varianceOut);
        new Call().normalize(src, dst, scale, shift, meanOut, varianceOut);
    }

    @Override
    public void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment meanIn,
            MemorySegment varianceIn, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
        KernelArgs.groupNormBackward(desc, src, diffDst, scale, meanIn, varianceIn, diffSrc, diffScale, diffShift);
        new Call().backward(src, diffDst, scale, meanIn, varianceIn, diffSrc, diffScale, diffShift);
    }

    /** Mean of the first few values of (n, g): a centre near the group's mean (see VectorBatchNorm.centre). */
    private float centre(MemorySegment x, int n, int g) {
        int count = Math.min(groupSize, VectorBatchNorm.CENTRE_VALUES);
        float s = 0f;
        for (int e = 0; e < count; e++) s += x.getAtIndex(JAVA_FLOAT, element(n, g, e));
        return s / count;
    }

    /** Index of the e-th value of (n, g), channel by channel. */
    private long element(int n, int g, int e) {
        long c = (long) g * perGroup + e / spatial;
        long s = e % spatial;
        return runs ? ((long) n * channels + c) * spatial + s : ((long) n * spatial + s) * channels + c;
    }

    private double exactMean(MemorySegment x, int n, int g) {
        double s = 0;
        for (int e = 0; e < groupSize; e++) s += x.getAtIndex(JAVA_FLOAT, element(n, g, e));
        return s / groupSize;
    }

    private double exactSquares(MemorySegment x, int n, int g, double mu) {
        double s = 0;
        for (int e = 0; e < groupSize; e++) {
            double d = x.getAtIndex(JAVA_FLOAT, element(n, g, e)) - mu;
            s += d * d;
        }
        return s;
    }

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
        private final float[] center = new float[channels];
        private final float[] mean = new float[channels];
        private final float[] a = new float[channels];
        private final float[] b = new float[channels];
        private final float[] p = new float[channels];
        private final float[] q = new float[channels];
        private final float[] blockSum = new float[channels];
        private final float[] blockSquares = new float[channels];
        private final double[] sum = new double[channels];
        private final double[] squares = new double[channels];
        private final double[] diffScaleSum = new double[channels];
        private final double[] diffShiftSum = new double[channels];

        void normalize(MemorySegment src, MemorySegment dst, MemorySegment scale, MemorySegment shift,
                MemorySegment meanOut, MemorySegment varianceOut) {
            Placement pl = Placement.of(src, dst);
            if (pl == Placement.MIXED) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment y = arena.allocate(dst.byteSize(), Float.BYTES);
                    normalize(stage(arena, src), y, scale, shift, meanOut, varianceOut);
                    MemorySegment.copy(y, 0, dst, 0, desc.shape().elementCount() * Float.BYTES);
                }
                return;
            }
            boolean arrays = pl == Placement.ARRAYS;
            float[] xa = arrays ? Placement.array(src) : null;
            float[] ya = arrays ? Placement.array(dst) : null;
            int xo = arrays ? Placement.index(src) : 0;
            int yo = arrays ? Placement.index(dst) : 0;
            for (int n = 0; n < batch; n++) {
                moments(arrays, xa, xo, src, n);
                for (int g = 0; g < groups; g++) {
                    int c0 = g * perGroup;
                    double s = 0;
                    double sq = 0;
                    for (int c = c0; c < c0 + perGroup; c++) {
                        s += sum[c];
                        sq += squares[c];
                    }
                    double meanD = s / groupSize;
                    double meanSquareD = sq / groupSize;
                    double mu = center[c0] + meanD;
                    double variance = meanSquareD - meanD * meanD;
                    if (!(sq < Float.MAX_VALUE) || RowLoops.squaresNeedDouble((float) sq, desc.eps())
                            || meanD * meanD > 0.75 * meanSquareD) {
                        mu = exactMean(src, n, g);
                        variance = exactSquares(src, n, g, mu) / groupSize;
                    }
                    float m1 = Float.isFinite((float) mu) ? (float) mu : 0f; // NaN or inf: the write yields NaN
                    double rstd = 1.0 / Math.sqrt(Math.max(0.0, variance) + desc.eps());
                    if (Double.isNaN(variance)) rstd = Double.NaN;
                    for (int c = c0; c < c0 + perGroup; c++) {
                        double ac = scale != null ? rstd * scale.getAtIndex(JAVA_FLOAT, c) : rstd;
                        double bc = shift != null ? shift.getAtIndex(JAVA_FLOAT, c) : 0.0;
                        mean[c] = m1;
                        a[c] = (float) ac;
                        b[c] = (float) (bc - (mu - m1) * ac);
                    }
                    if (meanOut != null) {
                        meanOut.setAtIndex(JAVA_FLOAT, (long) n * groups + g, (float) mu);
                        varianceOut.setAtIndex(JAVA_FLOAT, (long) n * groups + g, (float) variance);
                    }
                }
                write(arrays, xa, xo, src, ya, yo, dst, n);
            }
        }

        /** Sample n's per-channel moments about its group's centre, into center, sum and squares. */
        void moments(boolean arrays, float[] xa, int xo, MemorySegment x, int n) {
            for (int g = 0; g < groups; g++) {
                float k = centre(x, n, g);
                Arrays.fill(center, g * perGroup, (g + 1) * perGroup, k);
            }
            if (runs) {
                for (int c = 0; c < channels; c++) {
                    int at = (n * channels + c) * spatial;
                    long pair = arrays ? BatchNormArrayLoops.runMoments(xa, xo, at, spatial, center[c])
                            : BatchNormSegmentLoops.runMoments(x, 0, at, spatial, center[c]);
                    sum[c] = FloatPair.first(pair);
                    squares[c] = FloatPair.second(pair);
                }
                return;
            }
            Arrays.fill(sum, 0.0);
            Arrays.fill(squares, 0.0);
            for (int r0 = n * spatial; r0 < (n + 1) * spatial; r0 += VectorBatchNorm.CHUNK_ROWS) {
                int r1 = Math.min((n + 1) * spatial, r0 + VectorBatchNorm.CHUNK_ROWS);
                VectorBatchNorm.blockMoments(arrays, xa, xo, x, channels, wholeChannels, r0, r1, center, blockSum,
                        blockSquares);
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

        void write(boolean arrays, float[] xa, int xo, MemorySegment x, float[] ya, int yo, MemorySegment y,
                int n) {
            float lo = Float.NEGATIVE_INFINITY;
            if (!runs) {
                if (arrays) {
                    BatchNormArrayLoops.rowWrite(xa, xo, ya, yo, channels, n * spatial, (n + 1) * spatial, mean, a, b, lo);
                } else {
                    BatchNormSegmentLoops.rowWrite(x, 0, y, 0, channels, n * spatial, (n + 1) * spatial, mean, a, b, lo);
                }
                return;
            }
            for (int c = 0; c < channels; c++) {
                int at = (n * channels + c) * spatial;
                if (arrays) {
                    BatchNormArrayLoops.runWrite(xa, xo, ya, yo, at, spatial, mean[c], a[c], b[c], lo);
                } else {
                    BatchNormSegmentLoops.runWrite(x, 0, y, 0, at, spatial, mean[c], a[c], b[c], lo);
                }
            }
        }

        void backward(MemorySegment src, MemorySegment diffDst, MemorySegment scale, MemorySegment meanIn,
                MemorySegment varianceIn, MemorySegment diffSrc, MemorySegment diffScale, MemorySegment diffShift) {
            Placement pl = Placement.of(src, diffDst, diffSrc);
            if (pl == Placement.MIXED) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment dx = arena.allocate(diffSrc.byteSize(), Float.BYTES);
                    backward(stage(arena, src), stage(arena, diffDst), scale, meanIn, varianceIn, dx, diffScale,
                            diffShift);
                    MemorySegment.copy(dx, 0, diffSrc, 0, desc.shape().elementCount() * Float.BYTES);
                }
                return;
            }
            boolean arrays = pl == Placement.ARRAYS;
            float[] xa = arrays ? Placement.array(src) : null;
            float[] ga = arrays ? Placement.array(diffDst) : null;
            float[] da = arrays ? Placement.array(diffSrc) : null;
            int xo = arrays ? Placement.index(src) : 0;
            int go = arrays ? Placement.index(diffDst) : 0;
            int dxo = arrays ? Placement.index(diffSrc) : 0;
            Arrays.fill(diffScaleSum, 0.0);
            Arrays.fill(diffShiftSum, 0.0);
            for (int n = 0; n < batch; n++) {
                for (int c = 0; c < channels; c++) {
                    mean[c] = meanIn.getAtIndex(JAVA_FLOAT, (long) n * groups + c / perGroup);
                }
                gradientSums(arrays, xa, xo, src, ga, go, diffDst, n);
                for (int g = 0; g < groups; g++) {
                    int c0 = g * perGroup;
                    float v = varianceIn.getAtIndex(JAVA_FLOAT, (long) n * groups + g);
                    double rstd = Float.isNaN(v) ? Double.NaN : 1.0 / Math.sqrt(Math.max(0f, v) + desc.eps());
                    double s1 = 0;
                    double s2 = 0;
                    for (int c = c0; c < c0 + perGroup; c++) {
                        double gamma = scale != null ? scale.getAtIndex(JAVA_FLOAT, c) : 1.0;
                        s1 += gamma * sum[c];
                        s2 += gamma * squares[c];
                        diffShiftSum[c] += sum[c];
                        diffScaleSum[c] += rstd * squares[c];
                    }
                    float pg = (float) (-rstd * rstd * rstd * s2 / groupSize);
                    float qg = (float) (-rstd * s1 / groupSize);
                    for (int c = c0; c < c0 + perGroup; c++) {
                        double gamma = scale != null ? scale.getAtIndex(JAVA_FLOAT, c) : 1.0;
                        a[c] = (float) (gamma * rstd);
                        p[c] = pg;
                        q[c] = qg;
                    }
                }
                gradientWrite(arrays, xa, xo, src, ga, go, diffDst, da, dxo, diffSrc, n);
            }
            for (int c = 0; c < channels; c++) {
                if (diffScale != null) diffScale.setAtIndex(JAVA_FLOAT, c, (float) diffScaleSum[c]);
                if (diffShift != null) diffShift.setAtIndex(JAVA_FLOAT, c, (float) diffShiftSum[c]);
            }
        }

        /** Sample n's per-channel sum(dy) into sum and sum(dy * (x - mean)) into squares. */
        void gradientSums(boolean arrays, float[] xa, int xo, MemorySegment x, float[] ga, int go,
                MemorySegment dy, int n) {
            if (runs) {
                for (int c = 0; c < channels; c++) {
                    int at = (n * channels + c) * spatial;
                    long pair = arrays ? BatchNormArrayLoops.runGradSums(xa, xo, ga, go, ga, go, at, spatial, mean[c], false)
                            : BatchNormSegmentLoops.runGradSums(x, 0, dy, 0, dy, 0, at, spatial, mean[c], false);
                    sum[c] = FloatPair.first(pair);
                    squares[c] = FloatPair.second(pair);
                }
                return;
            }
            Arrays.fill(sum, 0.0);
            Arrays.fill(squares, 0.0);
            for (int r0 = n * spatial; r0 < (n + 1) * spatial; r0 += VectorBatchNorm.CHUNK_ROWS) {
                int r1 = Math.min((n + 1) * spatial, r0 + VectorBatchNorm.CHUNK_ROWS);
                if (arrays) {
                    BatchNormArrayLoops.rowsGradSums(xa, xo, ga, go, ga, go, channels, r0, r1, mean, false,
                            blockSum, blockSquares);
                } else {
                    BatchNormSegmentLoops.rowsGradSums(x, 0, dy, 0, dy, 0, channels, r0, r1, mean, false,
                            blockSum, blockSquares);
                }
                for (int c = wholeChannels; c < channels; c++) {
                    if (arrays) {
                        BatchNormArrayLoops.rowGradSumsTail(xa, xo, ga, go, ga, go, channels, r0, r1, c, mean, false,
                                blockSum, blockSquares);
                    } else {
                        BatchNormSegmentLoops.rowGradSumsTail(x, 0, dy, 0, dy, 0, channels, r0, r1, c, mean, false, blockSum,
                                blockSquares);
                    }
                }
                for (int c = 0; c < channels; c++) {
                    sum[c] += blockSum[c];
                    squares[c] += blockSquares[c];
                }
            }
        }

        void gradientWrite(boolean arrays, float[] xa, int xo, MemorySegment x, float[] ga, int go,
                MemorySegment dy, float[] da, int dxo, MemorySegment dx, int n) {
            if (!runs) {
                if (arrays) {
                    BatchNormArrayLoops.rowGradWrite(xa, xo, ga, go, ga, go, da, dxo, channels, n * spatial,
                            (n + 1) * spatial, mean, a, p, q, false);
                } else {
                    BatchNormSegmentLoops.rowGradWrite(x, 0, dy, 0, dy, 0, dx, 0, channels, n * spatial, (n + 1) * spatial, mean, a, p, q,
                            false);
                }
                return;
            }
            for (int c = 0; c < channels; c++) {
                int at = (n * channels + c) * spatial;
                if (arrays) {
                    BatchNormArrayLoops.runGradWrite(xa, xo, ga, go, ga, go, da, dxo, at, spatial, mean[c], a[c], p[c], q[c],
                            false);
                } else {
                    BatchNormSegmentLoops.runGradWrite(x, 0, dy, 0, dy, 0, dx, 0, at, spatial, mean[c], a[c], p[c], q[c], false);
                }
            }
        }
    }
}
