package dev.normkit.scalar;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.normkit.ChannelLayout;
import dev.normkit.DivisiveNormDesc;
import java.lang.foreign.MemorySegment;

/**
 * How divisive_norm across channels walks its tensor (scalar and vector paths alike): in blocks of neighbouring
 * positions, each held channels first in a {@code float[]} of {@code channels x stride} (row c at {@code c * stride}),
 * so a channel window is a run of rows and every position of a row is independent of the others. A block is read and
 * written with bulk copies only (channels last through a staging copy and a transposition), so the loops on it see
 * arrays whatever memory the caller passed (see the vector package's rules).
 *
 * <p>Channels first (NCHW) a block is {@code width} positions of one sample; channels last (NHWC, and N x C) the
 * tensor is {@code positions x C} and a block is {@code width} consecutive positions of it. Rows are padded to
 * {@code stride}, a multiple of {@code pad} (the vector width, so vector loops need no tails), with a fill value the
 * caller chooses. This class is public only for the vector path; its package is not exported.
 */
public final class ChannelBlocks {

    /** Floats one block array aims at (64 KiB), so a kernel's handful of block arrays stays in L2. */
    private static final int BLOCK_FLOATS = 16 * 1024;

    private final int channels;
    private final boolean channelsLast;
    private final long outer;
    private final long positions;
    private final int maxWidth;
    private final int pad;

    /** What a kernel does with each block: its sample (0 channels last), first position, width and row stride. */
    public interface Visitor {
        void block(long outer, long first, int width, int stride);
    }

    public ChannelBlocks(DivisiveNormDesc d, int pad) {
        this.channels = Math.toIntExact(d.channels());
        this.channelsLast = d.layout() != ChannelLayout.NCHW;
        this.outer = channelsLast ? 1 : d.batch();
        this.positions = channelsLast ? d.batch() * d.spatial() : d.spatial();
        this.pad = pad;
        int want = Math.max(pad, BLOCK_FLOATS / channels / pad * pad);
        this.maxWidth = (int) Math.min(want, roundUp(positions, pad));
    }

    public int channels() {
        return channels;
    }

    /** Floats a block array needs: {@code channels x} the widest stride. */
    public int blockFloats() {
        return channels * maxWidth;
    }

    /** Floats the channels-last staging copy needs (0 channels first). */
    public int stagingFloats() {
        return channelsLast ? channels * maxWidth : 0;
    }

    /** Visits every block, in memory order. */
    public void forEach(Visitor v) {
        for (long o = 0; o < outer; o++) {
            for (long first = 0; first < positions; first += maxWidth) {
                int width = (int) Math.min(maxWidth, positions - first);
                v.block(o, first, width, (int) roundUp(width, pad));
            }
        }
    }

    /** Reads a block of {@code src} into {@code to}, channels first, padding each row with {@code fill}. */
    public void load(MemorySegment src, long o, long first, int width, int stride, float[] to, float fill,
            float[] staging) {
        if (channelsLast) {
            MemorySegment.copy(src, JAVA_FLOAT, first * channels * Float.BYTES, staging, 0, width * channels);
            for (int q = 0; q < width; q++) {
                int from = q * channels;
                for (int c = 0; c < channels; c++) to[c * stride + q] = staging[from + c];
            }
        } else {
            for (int c = 0; c < channels; c++) {
                long at = ((o * channels + c) * positions + first) * Float.BYTES;
                MemorySegment.copy(src, JAVA_FLOAT, at, to, c * stride, width);
            }
        }
        if (stride > width) {
            for (int c = 0; c < channels; c++) java.util.Arrays.fill(to, c * stride + width, (c + 1) * stride, fill);
        }
    }

    /** Writes a block (its first {@code width} positions) back to {@code dst} in the tensor's layout. */
    public void store(float[] from, int stride, MemorySegment dst, long o, long first, int width, float[] staging) {
        if (channelsLast) {
            for (int q = 0; q < width; q++) {
                int to = q * channels;
                for (int c = 0; c < channels; c++) staging[to + c] = from[c * stride + q];
            }
            MemorySegment.copy(staging, 0, dst, JAVA_FLOAT, first * channels * Float.BYTES, width * channels);
        } else {
            for (int c = 0; c < channels; c++) {
                long at = ((o * channels + c) * positions + first) * Float.BYTES;
                MemorySegment.copy(from, c * stride, dst, JAVA_FLOAT, at, width);
            }
        }
    }

    private static long roundUp(long n, int m) {
        return (n + m - 1) / m * m;
    }
}
