package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both Java paths on LRN values worked out by hand from each framework's formula. PyTorch's
 * {@code local_response_norm}: pad the channels' squares with {@code size/2} zeros below and {@code (size-1)/2} above,
 * average {@code size} of them ({@code avg_pool}), {@code y = x / (k + alpha * avg)^beta}. oneDNN's reference:
 * {@code half = (size-1)/2} channels each side, {@code alpha / size} times their sum (within channel: a
 * {@code half}-wide box on each spatial axis, {@code alpha / size^2} in 2-D). beta = 1 and k = 1 keep the fractions
 * exact.
 */
class LrnKernelTest {

    private static final double TOL = 2e-6;
    private static final float[] X = {1, 2, 3, 4};
    /** x = 1, 2, 3, 4 over 4 channels at one position (N x C x L = 1 x 4 x 1). */
    private static final LrnDesc FOUR = LrnDesc.of(Shape.of(1, 4, 1)).withAlpha(1f).withBeta(1f).withK(1f);

    private static double[] forward(String path, LrnDesc d, float[] x) {
        float[] y = new float[x.length];
        try (LrnKernel k = Backends.get(path).create(d)) {
            k.forward(x, y);
        }
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) out[i] = y[i];
        return out;
    }

    private static void assertValues(String what, double[] expected, double[] actual) {
        float[] a = new float[actual.length];
        for (int i = 0; i < a.length; i++) a[i] = (float) actual[i];
        assertClose(what, expected, a, TOL, 1e-30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void pytorchEvenWindowReachesOneChannelFurtherDown(String path) {
        // size 2: window [c-1, c], avg of 2 squares (the zero pad counts). c0: (0 + 1)/2 -> 1.5; c1: (1 + 4)/2 -> 3.5;
        // c2: (4 + 9)/2 -> 7.5; c3: (9 + 16)/2 -> 13.5.
        double[] y = forward(path, FOUR.withLocalSize(2), X);
        assertValues("pytorch size 2", new double[] {1 / 1.5, 2 / 3.5, 3 / 7.5, 4 / 13.5}, y);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void onednnEvenWindowIsSymmetricAndStillDividesBySize(String path) {
        // size 2: half = 0, the window is the channel alone, divided by 2: 1 + x^2 / 2.
        double[] y = forward(path, FOUR.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(2), X);
        assertValues("onednn size 2", new double[] {1 / 1.5, 2 / 3.0, 3 / 5.5, 4 / 9.0}, y);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void oddSizeIsTheSameWindowInBothConventionsAndIsCutAtTheEdges(String path) {
        // size 3: [c-1, c+1] / 3. c0: 1 + (1 + 4)/3 = 8/3; c1: 1 + 14/3 = 17/3; c2: 1 + 29/3 = 32/3; c3: 1 + 25/3.
        double[] expected = {3.0 / 8, 6.0 / 17, 9.0 / 32, 12.0 / 28};
        assertValues("pytorch size 3", expected, forward(path, FOUR.withLocalSize(3), X));
        assertValues("onednn size 3", expected,
                forward(path, FOUR.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(3), X));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void defaultsRaiseTheWindowTermToMinusThreeQuarters(String path) {
        // size 5 over 4 channels: c0's window is c0..c2 (1 + 4 + 9 = 14), c1's c0..c3 (30).
        LrnDesc d = LrnDesc.of(Shape.of(1, 4, 1)).withAlpha(0.5f);
        double[] y = forward(path, d, X);
        assertEquals(1 / Math.pow(1 + 0.5 * 14 / 5, 0.75), y[0], TOL * y[0]);
        assertEquals(2 / Math.pow(1 + 0.5 * 30 / 5, 0.75), y[1], TOL * y[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void withinChannelSumsASquareBoxDividedBySizeSquared(String path) {
        // 3 x 3 plane 1..9, size 3, alpha 9 (so alpha / 3^2 = 1): centre sums all 9 squares (285), corner (0,0) the
        // 2 x 2 block 1, 2, 4, 5 (46), edge (0,1) the 2 x 3 block 1..6 (91).
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        LrnDesc d = LrnDesc.of(Shape.of(1, 1, 3, 3)).withinChannel().withLocalSize(3).withAlpha(9f).withBeta(1f);
        double[] y = forward(path, d, x);
        assertEquals(5 / 286.0, y[4], TOL * y[4]);
        assertEquals(1 / 47.0, y[0], TOL * y[0]);
        assertEquals(2 / 92.0, y[1], TOL * y[1]);
        assertEquals(9 / 207.0, y[8], TOL * y[8]); // corner (2,2): 5, 6, 8, 9 -> 206
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void backwardIsTheJacobianWorkedByHand(String path) {
        // x = (1, 2), size 3, alpha 3, beta 1: both windows hold both channels, w = 1 + (1 + 4) = 6, y_j = x_j / w.
        // dy0/dx0 = (w - 2 x0^2) / w^2 = 4/36; dy0/dx1 = -2 x0 x1 / w^2 = -4/36; dy1/dx0 = -4/36;
        // dy1/dx1 = (6 - 8)/36. With dy = (1, 0): dx = (1/9, -1/9); with dy = (0.5, 2): dx = (0.5*4 - 2*4, -0.5*4 - 2*2)/36.
        LrnDesc d = LrnDesc.of(Shape.of(1, 2)).withLocalSize(3).withAlpha(3f).withBeta(1f);
        try (LrnKernel k = Backends.get(path).create(d)) {
            float[] dx = new float[2];
            k.backward(new float[] {1, 2}, new float[] {1, 0}, dx);
            assertClose("dx for dy = (1, 0)", new double[] {1.0 / 9, -1.0 / 9}, dx, TOL, 1e-30);
            k.backward(new float[] {1, 2}, new float[] {0.5f, 2}, dx);
            assertClose("dx for dy = (0.5, 2)", new double[] {-6.0 / 36, -6.0 / 36}, dx, TOL, 1e-30);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inPlaceForwardAndBackwardGiveTheSameAsSeparateBuffers(String path) {
        LrnDesc d = LrnDesc.of(Shape.of(2, 7, 3, 5)).withAlpha(1f);
        int n = (int) d.shape().elementCount();
        float[] x = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(i * 0.7) * 2;
            dy[i] = (float) Math.cos(i * 0.3);
        }
        try (LrnKernel k = Backends.get(path).create(d)) {
            float[] y = new float[n];
            k.forward(x, y);
            float[] inPlace = x.clone();
            k.forward(inPlace, inPlace);
            assertTrue(java.util.Arrays.equals(y, inPlace), "forward in place differs");
            float[] dx = new float[n];
            k.backward(x, dy, dx);
            float[] dyInPlace = dy.clone();
            k.backward(x, dyInPlace, dyInPlace);
            assertTrue(java.util.Arrays.equals(dx, dyInPlace), "backward in place differs");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void channelsLastGivesTheChannelsFirstResultsTransposed(String path) {
        // N=2, C=6, D=2, H=3, W=5; each descriptor variant as NCHW and as NHWC over the same values.
        int n = 2, c = 6, sp = 2 * 3 * 5;
        float[] x = new float[n * c * sp];
        float[] dy = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37) * 2;
            dy[i] = (float) Math.cos(i * 0.11);
        }
        float[] xl = toChannelsLast(x, n, c, sp);
        float[] dyl = toChannelsLast(dy, n, c, sp);
        LrnDesc first = LrnDesc.of(Shape.of(n, c, 2, 3, 5)).withAlpha(1f);
        for (LrnDesc d : new LrnDesc[] {first, first.withLocalSize(4),
                first.withConvention(LrnDesc.Convention.ONEDNN).withLocalSize(4), first.withinChannel().withLocalSize(3),
                first.withinChannel().withLocalSize(2)}) {
            LrnDesc last = new LrnDesc(Shape.of(n, 2, 3, 5, c), ChannelLayout.NHWC, d.algorithm(), d.convention(),
                    d.localSize(), d.alpha(), d.beta(), d.k());
            try (LrnKernel kf = Backends.get(path).create(d); LrnKernel kl = Backends.get(path).create(last)) {
                float[] yf = new float[x.length], yl = new float[x.length];
                kf.forward(x, yf);
                kl.forward(xl, yl);
                assertArrayEquals(toChannelsLast(yf, n, c, sp), yl, 1e-6f, d + " forward");
                float[] df = new float[x.length], dl = new float[x.length];
                kf.backward(x, dy, df);
                kl.backward(xl, dyl, dl);
                assertArrayEquals(toChannelsLast(df, n, c, sp), dl, 1e-6f, d + " backward");
            }
        }
    }

    private static float[] toChannelsLast(float[] v, int n, int c, int sp) {
        float[] out = new float[v.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < sp; s++) out[(b * sp + s) * c + ch] = v[(b * c + ch) * sp + s];
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void concurrentCallsOnOneKernelGiveEachCallerItsOwnResult(String path) throws Exception {
        LrnDesc d = LrnDesc.of(Shape.of(2, 16, 9, 11)).withAlpha(1f);
        int n = (int) d.shape().elementCount();
        try (LrnKernel k = Backends.get(path).create(d)) {
            List<Callable<Void>> callers = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (float) Math.sin(i * 0.05 + c);
                float[] expected = new float[n];
                k.forward(x, expected);
                float[] expectedDx = new float[n];
                k.backward(x, x, expectedDx);
                callers.add(() -> {
                    for (int r = 0; r < 20; r++) {
                        float[] y = new float[n];
                        k.forward(x, y);
                        assertArrayEquals(expected, y, "forward");
                        float[] dx = new float[n];
                        k.backward(x, x, dx);
                        assertArrayEquals(expectedDx, dx, "backward");
                    }
                    return null;
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                for (Future<Void> f : pool.invokeAll(callers)) f.get();
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void descriptorRejectsBadArgumentsNamingThem() {
        assertArg("shape", () -> LrnDesc.of(null));
        assertArg("shape", () -> LrnDesc.of(Shape.of(8)));
        assertArg("shape", () -> LrnDesc.of(Shape.of(1, 2, 3, 4, 5, 6)));
        assertArg("shape", () -> LrnDesc.of(Shape.of(4, 8)).withinChannel());
        assertArg("convention", () -> LrnDesc.of(Shape.of(1, 2, 3)).withAlgorithm(LrnDesc.Algorithm.WITHIN_CHANNEL));
        assertArg("localSize", () -> LrnDesc.of(Shape.of(1, 2, 3)).withLocalSize(0));
        assertArg("alpha", () -> LrnDesc.of(Shape.of(1, 2, 3)).withAlpha(-1f));
        assertArg("alpha", () -> LrnDesc.of(Shape.of(1, 2, 3)).withAlpha(Float.NaN));
        assertArg("beta", () -> LrnDesc.of(Shape.of(1, 2, 3)).withBeta(Float.POSITIVE_INFINITY));
        assertArg("k", () -> LrnDesc.of(Shape.of(1, 2, 3)).withK(0f));
        assertArg("algorithm", () -> LrnDesc.of(Shape.of(1, 2, 3)).withAlgorithm(null));
        assertArg("layout", () -> LrnDesc.of(Shape.of(1, 2, 3), null));
        assertArg("shape", () -> LrnDesc.of(Shape.of(1, 2), ChannelLayout.NHWC));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void kernelRejectsWrongSizedTensorsNamingThem(String path) {
        try (LrnKernel k = Backends.get(path).create(LrnDesc.of(Shape.of(2, 3, 4)))) {
            assertArg("src", () -> k.forward(new float[23], new float[24]));
            assertArg("dst", () -> k.forward(new float[24], new float[2]));
            assertArg("diffDst", () -> k.backward(new float[24], new float[23], new float[24]));
            assertArg("diffSrc", () -> k.backward(new float[24], new float[24], new float[3]));
        }
    }

    private static void assertArg(String name, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(name + ":"), "expected the message to name " + name + ": "
                + e.getMessage());
    }
}
