package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * divisive_norm across a channel window on both Java paths, against values worked out by hand or computed here from
 * the definition (the window's {@code (sum |x|^p)^(1/p)} with {@link Math#pow}, backward by the chain rule scattered
 * from every output to the inputs of its window), never from the kernels' code.
 */
class DivisiveNormWindowTest {

    private static final float INF = Float.POSITIVE_INFINITY;
    private static final float[] PS = {0.3f, 1f, 2f, 3f, 3.2f, INF};
    /** Relative, floored at 1e-2 of the largest value (as PNormKernelTest: powers through SVML exp and log). */
    private static final double TOL = 2e-5;

    private static DivisiveNormKernel kernel(String path, DivisiveNormDesc d) {
        return Backends.get(path).create(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void windowsWorkedOutByHand(String path) {
        // one position, channels (3, -4, 0), size 3: windows {3, -4}, {3, -4, 0}, {-4, 0}
        Shape s = Shape.of(1, 3, 1);
        float[] x = {3f, -4f, 0f};
        float[] y = new float[3];
        DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(s, 3).withSigma(0f);
        kernel(path, d).forward(x, y); // norms 5, 5, 4
        assertClose(path + " p=2", new double[] {0.6, -0.8, 0}, y, 1e-7, 0);
        kernel(path, d.withP(1f)).forward(x, y); // 7, 7, 4
        assertClose(path + " p=1", new double[] {3 / 7.0, -4 / 7.0, 0}, y, 1e-7, 0);
        kernel(path, d.withP(INF).withSigma(1f).withGain(2f)).forward(x, y); // 2 x / (1 + 4)
        assertClose(path + " p=inf", new double[] {1.2, -1.6, 0}, y, 1e-7, 0);
        // size 1: each element over itself, y = x / (1 + |x|)
        kernel(path, DivisiveNormDesc.acrossChannels(s, 1)).forward(x, y);
        assertClose(path + " size 1", new double[] {0.75, -0.8, 0}, y, 1e-7, 0);
        // backward, p = 2, sigma 0, one window holding everything (C = 1 position of 2 channels, size 1... use size 3
        // on two channels): y_j = x_j / n, n = 5 for both; dx = dy / n - x (dy . x) / n^3
        float[] x2 = {3f, -4f};
        float[] dy = {1f, 2f};
        float[] dx = new float[2];
        float[] dg = new float[1];
        kernel(path, DivisiveNormDesc.acrossChannels(Shape.of(1, 2), 1).withLocalSize(1).withSigma(0f))
                .forward(x2, y);
        DivisiveNormDesc whole = DivisiveNormDesc.acrossChannels(Shape.of(1, 3), 3).withSigma(0f);
        float[] x3 = {3f, -4f, 0f};
        float[] dy3 = {1f, 2f, 5f};
        float[] dx3 = new float[3];
        // windows: c0 {3,-4} n=5, c1 {3,-4,0} n=5, c2 {-4,0} n=4
        // dx_0 = dy0/5 - [dy0*3/25 * 3/5 + dy1*(-4)/25 * 3/5]            (windows 0 and 1 hold channel 0)
        // dx_1 = dy1/5 - [dy0*3/25 * -4/5 + dy1*(-4)/25 * -4/5 + dy2*0/16 * -4/4]
        // dx_2 = dy2/4 - 0 (x_2 = 0: the norm's gradient is 0)
        kernel(path, whole).backward(x3, dy3, dx3, dg);
        double dx0 = 1 / 5.0 - (3 / 25.0 * 0.6 + 2 * -4 / 25.0 * 0.6);
        double dx1 = 2 / 5.0 - (3 / 25.0 * -0.8 + 2 * -4 / 25.0 * -0.8);
        assertClose(path + " backward p=2", new double[] {dx0, dx1, 5 / 4.0}, dx3, 1e-6, 0);
        // d loss / d g = sum dy x / D = 3/5 - 8/5 + 0
        assertEquals(-1.0, dg[0], 1e-6, path + " diffGain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void forwardAndBackwardMatchTheDefinitionForEveryP(String path) {
        for (Shape shape : new Shape[] {Shape.of(2, 7, 5, 3), Shape.of(3, 17, 37), Shape.of(5, 9)}) {
            int n = Math.toIntExact(shape.elementCount());
            float[] x = normal(shape.dim(1), n, 2.0);
            float[] dy = normal(shape.dim(1) + 1, n, 1.0);
            for (long size : new long[] {1, 3, 5}) {
                for (float p : PS) {
                    DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(shape, size).withP(p).withSigma(0.25f)
                            .withGain(1.5f);
                    String what = path + " " + shape + " size=" + size + " p=" + p;
                    float[] y = new float[n];
                    float[] dx = new float[n];
                    float[] dg = new float[1];
                    kernel(path, d).forward(x, y);
                    kernel(path, d).backward(x, dy, dx, dg);
                    Expected e = new Expected(d, x, dy);
                    check(what + " dst", e.y, y);
                    check(what + " diffSrc", e.dx, dx);
                    check(what + " diffGain", new double[] {e.diffGain}, dg);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nhwcEqualsNchwBitForBit(String path) {
        int n = 2, c = 11, h = 5, w = 7;
        float[] nchw = normal(7, n * c * h * w, 1.5);
        float[] nhwc = new float[nchw.length];
        float[] dyNchw = normal(8, nchw.length, 1.0);
        float[] dyNhwc = new float[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < h * w; s++) {
                    nhwc[(i * h * w + s) * c + ch] = nchw[(i * c + ch) * h * w + s];
                    dyNhwc[(i * h * w + s) * c + ch] = dyNchw[(i * c + ch) * h * w + s];
                }
            }
        }
        for (float p : PS) {
            DivisiveNormDesc first = DivisiveNormDesc.acrossChannels(Shape.of(n, c, h, w), ChannelLayout.NCHW, 5)
                    .withP(p);
            DivisiveNormDesc last = DivisiveNormDesc.acrossChannels(Shape.of(n, h, w, c), ChannelLayout.NHWC, 5)
                    .withP(p);
            float[] y1 = new float[nchw.length], y2 = new float[nchw.length];
            float[] dx1 = new float[nchw.length], dx2 = new float[nchw.length];
            float[] g1 = new float[1], g2 = new float[1];
            kernel(path, first).forward(nchw, y1);
            kernel(path, last).forward(nhwc, y2);
            kernel(path, first).backward(nchw, dyNchw, dx1, g1);
            kernel(path, last).backward(nhwc, dyNhwc, dx2, g2);
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int s = 0; s < h * w; s++) {
                        int a = (i * c + ch) * h * w + s;
                        int b = (i * h * w + s) * c + ch;
                        assertEquals(y1[a], y2[b], path + " p=" + p + " dst at " + a);
                        assertEquals(dx1[a], dx2[b], path + " p=" + p + " diffSrc at " + a);
                    }
                }
            }
            assertEquals(g1[0], g2[0], 1e-6f * Math.abs(g1[0]), path + " p=" + p + " diffGain (summed in "
                    + "another order)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nativeSegmentsAndArraysAgreeAndSrcMayBeDst(String path) {
        Shape s = Shape.of(2, 6, 9, 4);
        int n = 2 * 6 * 9 * 4;
        float[] x = normal(3, n, 1.0);
        for (float p : PS) {
            DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(s, 3).withP(p);
            float[] y = new float[n];
            kernel(path, d).forward(x, y);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment seg = arena.allocate((long) n * Float.BYTES, 64);
                MemorySegment.copy(x, 0, seg, ValueLayout.JAVA_FLOAT, 0, n);
                kernel(path, d).forward(seg, seg); // in place
                assertArrayEquals(y, seg.toArray(ValueLayout.JAVA_FLOAT), path + " p=" + p);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanAndInfinityReachOnlyTheirWindows(String path) {
        // 1 sample, 9 channels, 3 positions; size 3: a NaN at channel 4 (position 0), an inf at channel 1 (position 1)
        int c = 9, pos = 3;
        float[] x = normal(5, c * pos, 1.0);
        x[4 * pos] = Float.NaN;
        x[1 * pos + 1] = INF;
        float[] dy = normal(6, c * pos, 1.0);
        for (float p : PS) {
            DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(Shape.of(1, c, pos), 3).withP(p);
            float[] y = new float[c * pos];
            float[] dx = new float[c * pos];
            kernel(path, d).forward(x, y);
            kernel(path, d).backward(x, dy, dx, null);
            for (int ch = 0; ch < c; ch++) {
                // position 0: channels 3..5 see the NaN
                assertEquals(ch >= 3 && ch <= 5, Float.isNaN(y[ch * pos]), path + " p=" + p + " NaN window " + ch);
                // position 1: channels 0..2 see +inf: finite / inf = 0, inf / inf = NaN
                float v = y[ch * pos + 1];
                if (ch == 1) assertTrue(Float.isNaN(v), path + " inf / inf");
                else if (ch <= 2) assertEquals(0f, Math.abs(v), path + " p=" + p + " finite / inf at " + ch);
                else assertTrue(Float.isFinite(v), path + " p=" + p + " untouched at " + ch);
                assertTrue(Float.isFinite(y[ch * pos + 2]), path + " p=" + p + " clean position");
                // backward: every element held by a window with a NaN or an inf (channels within 2 of it) is NaN
                assertEquals(ch >= 2 && ch <= 6, Float.isNaN(dx[ch * pos]), path + " p=" + p + " dx NaN " + ch);
                assertEquals(ch <= 3, Float.isNaN(dx[ch * pos + 1]), path + " p=" + p + " dx inf " + ch);
                assertTrue(Float.isFinite(dx[ch * pos + 2]), path + " p=" + p + " dx clean " + ch);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void hugeAndTinyWindowsNormalizeWithoutOverflow(String path) {
        // each position scaled by its own factor; y does not depend on a common scale of x when sigma = 0
        int c = 6, pos = 20;
        float[] base = normal(9, c * pos, 1.0);
        float[] scaled = new float[base.length];
        double[] factors = {1e30, 1e-30, 1e-40, 1e37};
        for (int ch = 0; ch < c; ch++) {
            for (int q = 0; q < pos; q++) {
                scaled[ch * pos + q] = (float) (base[ch * pos + q] * factors[q % 4]);
            }
        }
        for (float p : PS) {
            DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(Shape.of(1, c, pos), 5).withP(p).withSigma(0f);
            float[] y = new float[base.length];
            kernel(path, d).forward(scaled, y);
            check(path + " p=" + p + " scaled", new Expected(d, scaled, new float[base.length]).y, y);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void zeroWindows(String path) {
        float[] x = new float[12];
        float[] dy = normal(4, 12, 1.0);
        for (float p : PS) {
            DivisiveNormDesc d = DivisiveNormDesc.acrossChannels(Shape.of(2, 3, 2), 3).withP(p).withSigma(0.5f)
                    .withGain(3f);
            float[] y = new float[12];
            float[] dx = new float[12];
            float[] g = new float[1];
            kernel(path, d).forward(x, y);
            kernel(path, d).backward(x, dy, dx, g);
            for (int i = 0; i < 12; i++) {
                assertEquals(0f, y[i]);
                assertEquals(6 * dy[i], dx[i], 1e-6f * Math.abs(dy[i]), "p=" + p + " dx = g dy / sigma");
            }
            assertEquals(0f, g[0]);
        }
    }

    /** As HotKernelTest: the f32 passes get C2-compiled (SVML POW, LOG, EXP) and must stay right. */
    @org.junit.jupiter.api.Test
    void vectorStaysCorrectWhenHot() {
        Shape nchw = Shape.of(3, 7, 37);
        Shape nhwc = Shape.of(3, 37, 7);
        for (DivisiveNormDesc d : new DivisiveNormDesc[] {DivisiveNormDesc.acrossChannels(nchw, 3),
                DivisiveNormDesc.acrossChannels(nhwc, ChannelLayout.NHWC, 5).withP(3.2f).withSigma(0.5f),
                DivisiveNormDesc.acrossChannels(nchw, 5).withP(0.3f).withGain(2f)}) {
            DivisiveNormKernel k = kernel("vector", d);
            int n = 3 * 7 * 37;
            float[] x = normal(11, n, 2.0);
            float[] dy = normal(12, n, 1.0);
            Expected e = new Expected(d, x, dy);
            float[] y = new float[n];
            float[] dx = new float[n];
            float[] g = new float[1];
            for (int call = 1; call <= 12_000; call++) {
                k.forward(x, y);
                k.backward(x, dy, dx, g);
                if (call % 4_000 == 0) {
                    String what = d.layout() + " p=" + d.p() + " call " + call;
                    check(what + " dst", e.y, y);
                    check(what + " diffSrc", e.dx, dx);
                    check(what + " diffGain", new double[] {e.diffGain}, g);
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void badDescriptorsAreNamed() {
        Shape s = Shape.of(2, 5, 3, 3);
        assertMessage("localSize", () -> DivisiveNormDesc.acrossChannels(s, 4));
        assertMessage("localSize", () -> DivisiveNormDesc.acrossChannels(s, 7));
        assertMessage("localSize", () -> DivisiveNormDesc.acrossChannels(s, 0));
        assertMessage("layout", () -> DivisiveNormDesc.acrossChannels(s, null, 3));
        assertMessage("shape", () -> DivisiveNormDesc.acrossChannels(Shape.of(2, 5), ChannelLayout.NCHW, 3));
        assertMessage("shape", () -> DivisiveNormDesc.acrossChannels(null, 3));
        assertMessage("normalizedAxes", () -> DivisiveNormDesc.acrossChannels(s, 3).withNormalizedAxes(1));
        assertMessage("localSize", () -> DivisiveNormDesc.of(s).withLocalSize(3));
        assertMessage("layout", () -> DivisiveNormDesc.of(s).withLayout(ChannelLayout.NHWC));
        assertMessage("p", () -> DivisiveNormDesc.acrossChannels(s, 3).withP(0f));
        assertMessage("region", () -> new DivisiveNormDesc(s, null, 0, ChannelLayout.NCHW, 3, 2f, 1f, 1f));
        // NHWC: C is the last axis (3 here), so 5 is too wide
        assertMessage("localSize", () -> DivisiveNormDesc.acrossChannels(s, ChannelLayout.NHWC, 5));
        assertTrue(assertThrows(IllegalStateException.class, () -> DivisiveNormDesc.acrossChannels(s, 3).rows())
                .getMessage().startsWith("rows"));
        // switching regions picks a valid window: C = 3 channels last gives size 3
        DivisiveNormDesc r = DivisiveNormDesc.of(Shape.of(4, 3)).withRegion(DivisiveNormDesc.Region.ACROSS_CHANNELS);
        assertEquals(3, r.localSize());
        assertEquals(ChannelLayout.NC, r.layout());
        assertMessage("src", () -> kernel("scalar", DivisiveNormDesc.acrossChannels(s, 3))
                .forward(new float[5], new float[90]));
    }

    private static void assertMessage(String argument, org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(m.startsWith(argument + ":"), "expected a message naming " + argument + ", got: " + m);
    }

    /** The definition in double: per element, the window's norm by Math.pow; backward scattered from each output. */
    private static final class Expected {
        final double[] y;
        final double[] dx;
        double diffGain;

        Expected(DivisiveNormDesc d, float[] x, float[] dy) {
            int n = x.length;
            y = new double[n];
            dx = new double[n];
            int batch = (int) d.batch(), c = (int) d.channels(), s = (int) d.spatial(), h = d.halfWidth();
            boolean last = d.channelsLast();
            double p = d.p();
            for (int b = 0; b < batch; b++) {
                for (int q = 0; q < s; q++) {
                    double[] norms = new double[c];
                    for (int j = 0; j < c; j++) {
                        double sum = 0, max = 0;
                        for (int k = Math.max(0, j - h); k <= Math.min(c - 1, j + h); k++) {
                            double a = Math.abs(x[at(b, k, q, c, s, last)]);
                            sum += Math.pow(a, p);
                            max = Math.max(max, a);
                        }
                        norms[j] = p == INF ? max : Math.pow(sum, 1 / p);
                        // huge and tiny: Math.pow of f32 values to p <= 3.2 stays inside double, except 1e37^3.2
                        if (!Double.isFinite(norms[j]) || norms[j] == 0 && max > 0) {
                            double t = 0;
                            for (int k = Math.max(0, j - h); k <= Math.min(c - 1, j + h); k++) {
                                t += Math.pow(Math.abs(x[at(b, k, q, c, s, last)]) / max, p);
                            }
                            norms[j] = max * Math.pow(t, 1 / p);
                        }
                    }
                    for (int j = 0; j < c; j++) {
                        int aj = at(b, j, q, c, s, last);
                        double dj = d.sigma() + norms[j];
                        y[aj] = d.gain() * x[aj] / dj;
                        diffGain += (double) dy[aj] * x[aj] / dj;
                        dx[aj] += d.gain() * dy[aj] / dj;
                        if (norms[j] == 0) continue;
                        int ties = 0;
                        for (int k = Math.max(0, j - h); k <= Math.min(c - 1, j + h); k++) {
                            if (Math.abs(x[at(b, k, q, c, s, last)]) == norms[j]) ties++;
                        }
                        // d y_j / d x_i = -g x_j / D_j^2 * dn_j/dx_i
                        for (int i = Math.max(0, j - h); i <= Math.min(c - 1, j + h); i++) {
                            int ai = at(b, i, q, c, s, last);
                            double xi = x[ai];
                            double grad = xi == 0 ? 0
                                    : p == INF ? (Math.abs(xi) == norms[j] ? Math.signum(xi) / ties : 0)
                                    : Math.signum(xi) * Math.pow(Math.abs(xi) / norms[j], p - 1);
                            dx[ai] -= d.gain() * dy[aj] * x[aj] / (dj * dj) * grad;
                        }
                    }
                }
            }
        }

        private static int at(int b, int ch, int q, int c, int s, boolean last) {
            return last ? (b * s + q) * c + ch : (b * c + ch) * s + q;
        }
    }

    private static void check(String what, double[] expected, float[] actual) {
        double max = 0;
        for (double v : expected) max = Math.max(max, Math.abs(v));
        assertClose(what, expected, actual, TOL, 1e-2 * max);
    }

    private static float[] normal(long seed, int n, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (sigma * r.nextGaussian());
        return x;
    }
}
