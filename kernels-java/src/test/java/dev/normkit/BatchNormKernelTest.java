package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths against a double computation of batch norm, in every layout. */
class BatchNormKernelTest {

    /**
     * Errors scaled by {@code floor + |expected|}: both paths stay within a few f32 roundings; a variance from
     * E[x^2] - mean^2 in f32 fails the 1e4-offset shapes by orders of magnitude.
     */
    private static final double TOL = 4e-6;

    /** Shapes that run every loop: vector bodies and tails along runs (NCHW) and across channels (NHWC, NC). */
    private static final List<BatchNormDesc> SHAPES = List.of(
            BatchNormDesc.of(Shape.of(7, 9)),
            BatchNormDesc.of(Shape.of(37, 70)),
            BatchNormDesc.of(Shape.of(3, 5, 7, 3)),
            BatchNormDesc.of(Shape.of(2, 3, 1, 1)),
            BatchNormDesc.of(Shape.of(4, 2, 17, 19)),
            BatchNormDesc.of(Shape.of(3, 5, 7, 19), ChannelLayout.NHWC),
            BatchNormDesc.of(Shape.of(2, 9, 5, 64), ChannelLayout.NHWC),
            BatchNormDesc.of(Shape.of(3, 4, 37)),
            BatchNormDesc.of(Shape.of(2, 3, 2, 3, 5), ChannelLayout.NHWC));

    private static BatchNormKernel kernel(String path, BatchNormDesc d) {
        return Backends.get(path).create(d);
    }

    /** The double reference: statistics in two passes, outputs from the formulas. */
    record Ref(double[] y, double[] mean, double[] var) {}

    static int at(BatchNormDesc d, int o, int c, int i) {
        return (int) ((o * d.channels() + c) * d.inner() + i);
    }

    static Ref forward(BatchNormDesc d, float[] x, float[] gamma, float[] beta, float[] givenMean, float[] givenVar) {
        int C = (int) d.channels(), outer = (int) d.outer(), inner = (int) d.inner();
        double n = d.perChannel();
        double[] y = new double[x.length], mean = new double[C], var = new double[C];
        for (int c = 0; c < C; c++) {
            double mu = 0, sq = 0;
            if (givenMean == null) {
                for (int o = 0; o < outer; o++) for (int i = 0; i < inner; i++) mu += x[at(d, o, c, i)];
                mu /= n;
                for (int o = 0; o < outer; o++) {
                    for (int i = 0; i < inner; i++) sq += Math.pow(x[at(d, o, c, i)] - mu, 2);
                }
                sq /= n;
            } else {
                mu = givenMean[c];
                sq = givenVar[c];
            }
            mean[c] = mu;
            var[c] = sq;
            double rstd = 1 / Math.sqrt(sq + d.eps());
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int k = at(d, o, c, i);
                    double v = (x[k] - mu) * rstd * (gamma != null ? gamma[c] : 1) + (beta != null ? beta[c] : 0);
                    y[k] = d.fuseRelu() ? Math.max(0, v) : v;
                }
            }
        }
        return new Ref(y, mean, var);
    }

    /** diffSrc, diffScale, diffShift from the formulas (global: statistics held fixed). */
    static double[][] backward(BatchNormDesc d, boolean global, float[] x, float[] dy, float[] gamma, float[] mean,
            float[] var, float[] y) {
        int C = (int) d.channels(), outer = (int) d.outer(), inner = (int) d.inner();
        double n = d.perChannel();
        double[] dx = new double[x.length], dg = new double[C], db = new double[C];
        for (int c = 0; c < C; c++) {
            double rstd = 1 / Math.sqrt(var[c] + (double) d.eps());
            double sg = 0, sgx = 0;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int k = at(d, o, c, i);
                    double g = y != null && y[k] <= 0 ? 0 : dy[k];
                    sg += g;
                    sgx += g * (x[k] - mean[c]) * rstd;
                }
            }
            dg[c] = sgx;
            db[c] = sg;
            double gam = gamma != null ? gamma[c] : 1;
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int k = at(d, o, c, i);
                    double g = y != null && y[k] <= 0 ? 0 : dy[k];
                    double xhat = (x[k] - mean[c]) * rstd;
                    dx[k] = global ? gam * rstd * g : gam * rstd * (g - sg / n - xhat * sgx / n);
                }
            }
        }
        return new double[][] {dx, dg, db};
    }

    private static float[] offset(float[] x, float by) {
        float[] o = x.clone();
        for (int i = 0; i < o.length; i++) o[i] += by;
        return o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void trainingForwardMatchesDoubleReference(String path) {
        for (BatchNormDesc base : SHAPES) {
            int size = (int) base.shape().elementCount();
            int C = (int) base.channels();
            for (float shift : new float[] {0f, 1e4f}) {
                float[] x = offset(TestData.normal(size, size, 0.5, 2), shift);
                for (int flags = 0; flags < 8; flags++) {
                    BatchNormDesc d = base.withScale((flags & 1) != 0).withShift((flags & 2) != 0)
                            .withFusedRelu((flags & 4) != 0);
                    float[] gamma = d.useScale() ? TestData.normal(3, C, 1, 0.5) : null;
                    float[] beta = d.useShift() ? TestData.normal(4, C) : null;
                    float[] y = new float[size], mean = new float[C], var = new float[C];
                    kernel(path, d).forwardTraining(x, y, gamma, beta, mean, var, null, null);
                    Ref ref = forward(d, x, gamma, beta, null, null);
                    String what = path + " " + d.shape() + " " + d.layout() + " offset " + shift + " flags " + flags;
                    assertClose(what + " dst", ref.y(), y, TOL, 1);
                    assertClose(what + " mean", ref.mean(), mean, TOL, 1);
                    assertClose(what + " variance", ref.var(), var, TOL, 0);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inferenceForwardUsesTheGivenStatistics(String path) {
        for (BatchNormDesc d : SHAPES) {
            int size = (int) d.shape().elementCount();
            int C = (int) d.channels();
            float[] x = TestData.normal(size + 1, size, 3, 2);
            float[] mean = TestData.normal(5, C, 3, 1);
            float[] var = TestData.normal(6, C, 4, 1);
            float[] gamma = TestData.normal(7, C, 1, 0.5);
            float[] beta = TestData.normal(8, C);
            float[] y = new float[size];
            kernel(path, d).forward(x, y, gamma, beta, mean, var);
            assertClose(path + " " + d.shape() + " " + d.layout(), forward(d, x, gamma, beta, mean, var).y(), y,
                    TOL, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void backwardMatchesDoubleReference(String path) {
        for (BatchNormDesc base : SHAPES) {
            int size = (int) base.shape().elementCount();
            int C = (int) base.channels();
            float[] x = offset(TestData.normal(size + 2, size, 0.5, 2), 100f);
            float[] dy = TestData.normal(size + 3, size);
            for (int flags = 0; flags < 8; flags++) {
                BatchNormDesc d = base.withScale((flags & 1) != 0).withShift((flags & 2) != 0)
                        .withFusedRelu((flags & 4) != 0);
                float[] gamma = d.useScale() ? TestData.normal(3, C, 1, 0.5) : null;
                float[] beta = d.useShift() ? TestData.normal(4, C) : null;
                Ref f = forward(d, x, gamma, beta, null, null);
                float[] mean = Close.toFloat(f.mean()), var = Close.toFloat(f.var());
                float[] y = d.fuseRelu() ? Close.toFloat(f.y()) : null;
                for (boolean global : new boolean[] {false, true}) {
                    float[] dx = new float[size];
                    float[] dg = d.useScale() ? new float[C] : null;
                    float[] db = d.useShift() ? new float[C] : null;
                    BatchNormKernel k = kernel(path, d);
                    if (global) {
                        k.backwardGlobalStats(x, dy, gamma, mean, var, y, dx, dg, db);
                    } else {
                        k.backward(x, dy, gamma, mean, var, y, dx, dg, db);
                    }
                    double[][] ref = backward(d, global, x, dy, gamma, mean, var, y);
                    String what = path + " " + d.shape() + " " + d.layout() + " flags " + flags + " global " + global;
                    // diffSrc of the batch-stats backward cancels (dy - mean(dy) - ...): judged against dy's scale
                    assertClose(what + " diffSrc", ref[0], dx, TOL, global ? 0.1 : 2);
                    if (dg != null) assertClose(what + " diffScale", ref[1], dg, TOL, Math.sqrt(size / C));
                    if (db != null) assertClose(what + " diffShift", ref[2], db, TOL, Math.sqrt(size / C));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nhwcGivesWhatNchwGives(String path) {
        int n = 3, c = 19, h = 5, w = 7;
        float[] nchw = offset(TestData.normal(31, n * c * h * w, 0.5, 2), 1e4f);
        float[] nhwc = new float[nchw.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < h * w; s++) nhwc[(b * h * w + s) * c + ch] = nchw[(b * c + ch) * h * w + s];
            }
        }
        float[] gamma = TestData.normal(32, c, 1, 0.5), beta = TestData.normal(33, c);
        float[] y1 = new float[nchw.length], y2 = new float[nchw.length];
        float[] m1 = new float[c], v1 = new float[c], m2 = new float[c], v2 = new float[c];
        kernel(path, BatchNormDesc.of(Shape.of(n, c, h, w))).forwardTraining(nchw, y1, gamma, beta, m1, v1, null,
                null);
        kernel(path, BatchNormDesc.of(Shape.of(n, h, w, c), ChannelLayout.NHWC)).forwardTraining(nhwc, y2, gamma,
                beta, m2, v2, null, null);
        assertClose(path + " mean", Close.toDouble(m1), m2, 1e-7, 1);
        assertClose(path + " variance", Close.toDouble(v1), v2, TOL, 0);
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < h * w; s++) {
                    float a = y1[(b * c + ch) * h * w + s], e = y2[(b * h * w + s) * c + ch];
                    assertEquals(a, e, TOL * (2 + Math.abs(a)), "y at n=" + b + " c=" + ch + " s=" + s);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void runningStatisticsFollowPyTorchsUpdateOverSeveralSteps(String path) {
        BatchNormDesc d = BatchNormDesc.of(Shape.of(4, 3, 5, 2)).withMomentum(0.25f);
        int size = 120, C = 3;
        double n = 40;
        float[] rm = {0f, 1f, -2f};
        float[] rv = {1f, 2f, 0.5f};
        double[] em = {0, 1, -2};
        double[] ev = {1, 2, 0.5};
        BatchNormKernel k = kernel(path, d);
        for (int step = 0; step < 4; step++) {
            float[] x = TestData.normal(50 + step, size, step, 1 + step);
            float[] mean = new float[C], var = new float[C];
            k.forwardTraining(x, new float[size], new float[] {1, 1, 1}, new float[C], mean, var, rm, rv);
            Ref ref = forward(d, x, null, null, null, null);
            for (int c = 0; c < C; c++) {
                em[c] = 0.75 * em[c] + 0.25 * ref.mean()[c];
                ev[c] = 0.75 * ev[c] + 0.25 * ref.var()[c] * n / (n - 1);
            }
            assertClose(path + " running mean, step " + step, em, rm, TOL, 1);
            assertClose(path + " running var, step " + step, ev, rv, TOL, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void channelHoldingNanOrInfinityGivesNanAndLeavesOthersAlone(String path) {
        BatchNormDesc d = BatchNormDesc.of(Shape.of(2, 3, 4, 5)).withScale(false).withShift(false);
        float[] x = TestData.normal(61, 120);
        x[at(d, 1, 1, 7)] = Float.POSITIVE_INFINITY;
        x[at(d, 0, 2, 3)] = Float.NaN;
        float[] y = new float[120], mean = new float[3], var = new float[3];
        kernel(path, d).forwardTraining(x, y, null, null, mean, var, null, null);
        assertEquals(Float.POSITIVE_INFINITY, mean[1]);
        assertTrue(Float.isNaN(mean[2]) && Float.isNaN(var[1]) && Float.isNaN(var[2]));
        Ref ref = forward(d, x, null, null, null, null);
        assertClose(path + " dst", ref.y(), y, TOL, 1);
    }

    /**
     * Heap, native and mixed arguments take different loops (Placement) and must agree: to the bit on the scalar
     * path; on the vector path within rounding, because the Vector API leaves the order of a float lane reduction
     * unspecified, and a loop version C2 has compiled may sum in another order than one still interpreted.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void heapNativeAndMixedArgumentsAgree(String path) {
        for (BatchNormDesc d : List.of(BatchNormDesc.of(Shape.of(3, 5, 7, 9)),
                BatchNormDesc.of(Shape.of(3, 5, 7, 21), ChannelLayout.NHWC))) {
            int size = (int) d.shape().elementCount();
            int C = (int) d.channels();
            float[] x = TestData.normal(71, size, 2, 3);
            float[] heapY = new float[size], mean = new float[C], var = new float[C];
            BatchNormKernel k = kernel(path, d.withScale(false).withShift(false));
            k.forwardTraining(x, heapY, null, null, mean, var, null, null);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment nx = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                MemorySegment ny = arena.allocate(ValueLayout.JAVA_FLOAT, size);
                MemorySegment nm = arena.allocate(ValueLayout.JAVA_FLOAT, C);
                MemorySegment nv = arena.allocate(ValueLayout.JAVA_FLOAT, C);
                k.forwardTraining(nx, ny, null, null, nm, nv, null, null);
                float[] mixedY = new float[size];
                k.forwardTraining(nx, MemorySegment.ofArray(mixedY), null, null, nm, nv, null, null);
                float[] nativeY = ny.toArray(ValueLayout.JAVA_FLOAT);
                if (path.equals("scalar")) {
                    assertArrayEquals(heapY, nativeY, path + " native " + d.layout());
                    assertArrayEquals(heapY, mixedY, path + " mixed " + d.layout());
                } else {
                    assertClose(path + " native " + d.layout(), Close.toDouble(heapY), nativeY, TOL, 1);
                    assertClose(path + " mixed " + d.layout(), Close.toDouble(heapY), mixedY, TOL, 1);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void badArgumentsAreRejectedByName(String path) {
        BatchNormKernel one = kernel(path, BatchNormDesc.of(Shape.of(1, 4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> one.forwardTraining(
                new float[4], new float[4], new float[4], new float[4], new float[4], new float[4], null, null));
        assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
        BatchNormKernel k = kernel(path, BatchNormDesc.of(Shape.of(2, 4)));
        e = assertThrows(IllegalArgumentException.class, () -> k.forwardTraining(new float[8], new float[8],
                new float[4], new float[4], new float[4], new float[4], new float[4], null));
        assertTrue(e.getMessage().startsWith("runningVar"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.backward(new float[8], new float[8], new float[4],
                new float[4], new float[4], new float[8], new float[8], new float[4], new float[4]));
        assertTrue(e.getMessage().startsWith("dst: must be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.forward(new float[8], new float[8], new float[4],
                new float[4], new float[3], new float[4]));
        assertTrue(e.getMessage().startsWith("mean"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BatchNormDesc.of(Shape.of(6)));
        assertTrue(e.getMessage().startsWith("shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormDesc.of(Shape.of(2, 3, 4, 5), ChannelLayout.NC));
        assertTrue(e.getMessage().startsWith("shape: layout NC needs rank 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> BatchNormDesc.of(Shape.of(2, 3)).withMomentum(1.5f));
        assertTrue(e.getMessage().startsWith("momentum"), e.getMessage());
    }
}
