package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The piecewise-linear activations on the scalar and vector paths: values and derivatives at the kinks and thresholds
 * worked out by hand with PyTorch's conventions, the limits at +-infinity, NaN propagation, in-place runs, and the
 * parameter checks. Accuracy on ordinary inputs is the conformance suite's (test/CONFORMANCE.md).
 */
class PiecewiseLinearActivationTest {

    private static final float INF = Float.POSITIVE_INFINITY;
    private static final float BELOW_3 = Math.nextDown(3f);
    private static final List<Activation> GROUP = List.of(Activation.RELU6, Activation.HARDTANH,
            Activation.LEAKY_HARDTANH, Activation.LEAKY_HARDTANH_INVERSE, Activation.HARDSIGMOID, Activation.HARDSWISH,
            Activation.HARDSHRINK, Activation.SOFTSHRINK, Activation.ABS, Activation.LINEAR, Activation.CLIP,
            Activation.CLIP_V2, Activation.ROUND);

    static Stream<String> paths() {
        return Stream.of("scalar", "vector");
    }

    /** The kernel of {@code a} with these parameters over n elements. */
    private static ActivationKernel kernel(String path, Activation a, float alpha, float beta, int n) {
        return Backends.get(path).create(new ActivationDesc(a, Shape.of(n), alpha, beta));
    }

    private static ActivationKernel kernel(String path, Activation a, int n) {
        return Backends.get(path).create(ActivationDesc.of(a, Shape.of(n)));
    }

    private static float[] forward(ActivationKernel k, float[] s) {
        float[] d = new float[s.length];
        k.forward(s, d);
        return d;
    }

    /** diffSrc for diffDst = dy everywhere. */
    private static float[] backward(ActivationKernel k, float[] s, float dy) {
        float[] g = new float[s.length];
        java.util.Arrays.fill(g, dy);
        float[] dx = new float[s.length];
        k.backward(s, g, dx);
        return dx;
    }

    /** Runs each case padded into a vector-and-a-half so both the vector loop and the padded tail see it. */
    private static void assertForward(String path, Activation a, float alpha, float beta, float[] s, float[] expected) {
        float[] d = forward(kernel(path, a, alpha, beta, s.length), s);
        for (int i = 0; i < s.length; i++) {
            assertEquals(expected[i], d[i], 0f, a.kernelName() + "(" + s[i] + ") on " + path);
        }
    }

    private static void assertBackward(String path, Activation a, float alpha, float beta, float[] s, float dy,
            float[] expected) {
        float[] dx = backward(kernel(path, a, alpha, beta, s.length), s, dy);
        for (int i = 0; i < s.length; i++) {
            assertEquals(expected[i], dx[i], 0f, a.kernelName() + "'(" + s[i] + ") * " + dy + " on " + path);
        }
    }

    // ---- kinks and thresholds ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void relu6IsHardtanhFromZeroToSixWithZeroSlopeAtBothKinks(String path) {
        float[] s = {-1f, -0f, 0f, 3f, Math.nextDown(6f), 6f, 7f, Math.nextUp(0f)};
        assertForward(path, Activation.RELU6, 0f, 0f, s, new float[] {0f, 0f, 0f, 3f, Math.nextDown(6f), 6f, 6f,
            Math.nextUp(0f)});
        assertBackward(path, Activation.RELU6, 0f, 0f, s, 2f, new float[] {0f, 0f, 0f, 2f, 2f, 0f, 0f, 2f});
        float[] d = forward(kernel(path, Activation.RELU6, 1), new float[] {-0f});
        assertEquals(0, Float.floatToRawIntBits(d[0]), "relu6(-0) is +0, as relu");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void hardtanhClampsAndHasSlopeOneStrictlyInside(String path) {
        float[] s = {-3f, -2f, Math.nextUp(-2f), -1f, 0.5f, 1f, Math.nextDown(0.5f)};
        assertForward(path, Activation.HARDTANH, -2f, 0.5f, s, new float[] {-2f, -2f, Math.nextUp(-2f), -1f, 0.5f,
            0.5f, Math.nextDown(0.5f)});
        assertBackward(path, Activation.HARDTANH, -2f, 0.5f, s, 3f, new float[] {0f, 0f, 3f, 3f, 0f, 0f, 3f});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void clipIncludesTheUpperBoundInItsDerivativeAndClipV2DoesNot(String path) {
        float[] s = {-1f, Math.nextUp(-1f), 0f, Math.nextDown(1f), 1f, Math.nextUp(1f)};
        float[] clamped = {-1f, Math.nextUp(-1f), 0f, Math.nextDown(1f), 1f, 1f};
        assertForward(path, Activation.CLIP, -1f, 1f, s, clamped);
        assertForward(path, Activation.CLIP_V2, -1f, 1f, s, clamped);
        assertBackward(path, Activation.CLIP, -1f, 1f, s, 1f, new float[] {0f, 1f, 1f, 1f, 1f, 0f});
        assertBackward(path, Activation.CLIP_V2, -1f, 1f, s, 1f, new float[] {0f, 1f, 1f, 1f, 0f, 0f});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void clipV2BackwardFromDstEqualsBackwardFromSrc(String path) {
        float[] s = {-5f, -1f, Math.nextUp(-1f), 0f, 0.25f, Math.nextDown(1f), 1f, 5f, INF, -INF, Float.NaN};
        ActivationKernel k = kernel(path, Activation.CLIP_V2, s.length);
        float[] dy = {1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f};
        float[] fromSrc = new float[s.length];
        float[] fromDst = new float[s.length];
        k.backward(s, dy, fromSrc);
        k.backwardFromDst(forward(k, s), dy, fromDst);
        assertArrayEquals(fromSrc, fromDst);
        assertArrayEquals(new float[] {0f, 0f, 3f, 4f, 5f, 6f, 0f, 0f, 0f, 0f, Float.NaN}, fromSrc);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void leakyHardtanhAddsKsToHardtanh(String path) {
        // with k = 1/4 every value is exact: 0.5 + 0.125, 1 + 0.5, -1 - 0.5
        float[] s = {0.5f, 2f, -2f, 1f, -1f, 0f};
        assertForward(path, Activation.LEAKY_HARDTANH, 0.25f, 0f, s, new float[] {0.625f, 1.5f, -1.5f, 1.25f, -1.25f,
            0f});
        // k + 1 strictly inside (-1, 1), k at and beyond the kinks
        assertBackward(path, Activation.LEAKY_HARDTANH, 0.25f, 0f, s, 4f, new float[] {5f, 1f, 1f, 1f, 1f, 5f});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void leakyHardtanhInverseHasTheReciprocalSlopesAndCornersAtOnePlusK(String path) {
        // k = 1/4: corners at +-1.25; inside y / 1.25, outside (y -+ 1) * 4
        float[] y = {1f, 1.25f, 1.5f, -1.5f, -1.25f, 0f, 3f};
        assertForward(path, Activation.LEAKY_HARDTANH_INVERSE, 0.25f, 0f, y, new float[] {0.8f, 1f, 2f, -2f, -1f, 0f,
            8f});
        // 1 / (1 + k) = 0.8 strictly inside, 1 / k = 4 at and beyond the corners
        assertBackward(path, Activation.LEAKY_HARDTANH_INVERSE, 0.25f, 0f, y, 1f, new float[] {0.8f, 4f, 4f, 4f, 4f,
            0.8f, 4f});
    }

    /** inverse(forward(s)) is s within the rounding of the two results (a few ulps), on a sweep through both kinks. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void leakyHardtanhInverseUndoesLeakyHardtanh(String path) {
        int n = 4001;
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = -20f + 40f * i / (n - 1);
        s[0] = -1f;
        s[1] = 1f;
        for (float k : new float[] {0.03f, 0.5f}) {
            float[] y = forward(kernel(path, Activation.LEAKY_HARDTANH, k, 0f, n), s);
            float[] back = forward(kernel(path, Activation.LEAKY_HARDTANH_INVERSE, k, 0f, n), y);
            for (int i = 0; i < n; i++) {
                // y carries half an ulp of itself; the inverse's slope 1 / k (up to 1 / 0.03) magnifies that, relative
                // to s only where |y| / k is much more than |s|, near the kinks, by at most (1 + k) / k
                double bound = 4 * Math.ulp(s[i]) + Math.ulp(y[i]) / k + 1e-30;
                assertEquals(s[i], back[i], bound, "inverse(forward(" + s[i] + ")) with k = " + k + " on " + path);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void hardsigmoidIsFlatAtAndBeyondPlusMinusThree(String path) {
        float[] s = {-4f, -3f, Math.nextUp(-3f), 0f, 1.5f, BELOW_3, 3f, 4f};
        float[] d = forward(kernel(path, Activation.HARDSIGMOID, s.length), s);
        float[] expected = {0f, 0f, (float) ((Math.nextUp(-3f) + 3.0) / 6), 0.5f, 0.75f, 1f, 1f, 1f};
        for (int i = 0; i < s.length; i++) {
            assertEquals(expected[i], d[i], 2 * Math.ulp(expected[i]), "hardsigmoid(" + s[i] + ")");
        }
        float sixth = 1f / 6f;
        float[] dx = backward(kernel(path, Activation.HARDSIGMOID, s.length), s, 1f);
        float[] slopes = {0f, 0f, sixth, sixth, sixth, sixth, 0f, 0f};
        for (int i = 0; i < s.length; i++) {
            assertEquals(slopes[i], dx[i], Math.ulp(sixth), "hardsigmoid'(" + s[i] + ")");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void hardswishDerivativeIsSOverThreePlusHalfOnTheClosedInterval(String path) {
        float[] s = {-4f, -3f, -1.5f, 0f, 1.5f, 3f, 4f};
        // s (s + 3) / 6: 0, 0, -0.375, 0, 1.125, 3, 4
        assertForward(path, Activation.HARDSWISH, 0f, 0f, s, new float[] {0f, 0f, -0.375f, 0f, 1.125f, 3f, 4f});
        // PyTorch: 0 below -3, s/3 + 1/2 on [-3, 3] (-1/2 at -3, 3/2 at 3), 1 above
        assertBackward(path, Activation.HARDSWISH, 0f, 0f, s, 2f, new float[] {0f, -1f, 0f, 1f, 2f, 3f, 2f});
        float[] dx = backward(kernel(path, Activation.HARDSWISH, 1), new float[] {BELOW_3}, 1f);
        assertEquals(BELOW_3 / 3.0 + 0.5, dx[0], 1e-6, "hardswish'(3 - ulp)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void shrinksZeroTheClosedBandAndHaveSlopeZeroAtItsEdges(String path) {
        float[] s = {-0.75f, -0.5f, Math.nextUp(-0.5f), 0f, 0.5f, Math.nextUp(0.5f), 2f};
        assertForward(path, Activation.HARDSHRINK, 0.5f, 0f, s, new float[] {-0.75f, 0f, 0f, 0f, 0f,
            Math.nextUp(0.5f), 2f});
        assertForward(path, Activation.SOFTSHRINK, 0.5f, 0f, s, new float[] {-0.25f, 0f, 0f, 0f, 0f,
            Math.nextUp(0.5f) - 0.5f, 1.5f});
        float[] slopes = {2f, 0f, 0f, 0f, 0f, 2f, 2f};
        assertBackward(path, Activation.HARDSHRINK, 0.5f, 0f, s, 2f, slopes);
        assertBackward(path, Activation.SOFTSHRINK, 0.5f, 0f, s, 2f, slopes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void absHasSlopeSignOfSAndZeroAtZero(String path) {
        float[] s = {-2f, -0f, 0f, 3f, -Float.MIN_VALUE};
        assertForward(path, Activation.ABS, 0f, 0f, s, new float[] {2f, 0f, 0f, 3f, Float.MIN_VALUE});
        assertEquals(0, Float.floatToRawIntBits(forward(kernel(path, Activation.ABS, 1), new float[] {-0f})[0]));
        assertBackward(path, Activation.ABS, 0f, 0f, s, 5f, new float[] {-5f, 0f, 0f, 5f, -5f});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void linearIsAsPlusBAndAConstantWhenAIsZero(String path) {
        float[] s = {3f, -0.5f, 0f};
        assertForward(path, Activation.LINEAR, 2f, 1f, s, new float[] {7f, 0f, 1f});
        assertBackward(path, Activation.LINEAR, 2f, 1f, s, 3f, new float[] {6f, 6f, 6f});
        float[] inf = {INF, -INF, 1f};
        assertForward(path, Activation.LINEAR, 0f, 5f, inf, new float[] {5f, 5f, 5f});
        assertForward(path, Activation.LINEAR, -2f, 1f, inf, new float[] {-INF, INF, -1f});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void roundGoesHalfToEvenAndKeepsSignedZerosAndLargeValues(String path) {
        float big = 0x1p23f + 1f; // odd, in [2^23, 2^24): adding 2^23 would round it
        float[] s = {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, -1.5f, 0.49999997f, 0x1p23f - 0.5f, 0x1p22f + 0.5f, big, -big,
            -0f, 0f, -0.25f, 1e30f, 2.7f, -2.7f};
        float[] expected = {0f, 2f, 2f, -0f, -2f, -2f, 0f, 0x1p23f, 0x1p22f, big, -big, -0f, 0f, -0f, 1e30f, 3f, -3f};
        float[] d = forward(kernel(path, Activation.ROUND, s.length), s);
        for (int i = 0; i < s.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(d[i]),
                    "round(" + s[i] + ") = " + expected[i] + ", got " + d[i] + " on " + path);
        }
        ActivationKernel k = kernel(path, Activation.ROUND, 1);
        assertThrows(IllegalStateException.class, () -> k.backward(new float[1], new float[1], new float[1]));
    }

    // ---- limits, NaN, in place ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void infiniteInputsGiveTheLimits(String path) {
        float[] s = {INF, -INF};
        Object[][] cases = {
            {Activation.RELU6, new float[] {6f, 0f}, new float[] {0f, 0f}},
            {Activation.HARDTANH, new float[] {1f, -1f}, new float[] {0f, 0f}},
            {Activation.CLIP, new float[] {1f, -1f}, new float[] {0f, 0f}},
            {Activation.CLIP_V2, new float[] {1f, -1f}, new float[] {0f, 0f}},
            {Activation.LEAKY_HARDTANH, new float[] {INF, -INF}, new float[] {0.03f, 0.03f}},
            {Activation.LEAKY_HARDTANH_INVERSE, new float[] {INF, -INF}, new float[] {(float) (1 / (double) 0.03f), (float) (1 / (double) 0.03f)}},
            {Activation.HARDSIGMOID, new float[] {1f, 0f}, new float[] {0f, 0f}},
            {Activation.HARDSWISH, new float[] {INF, 0f}, new float[] {1f, 0f}},
            {Activation.HARDSHRINK, new float[] {INF, -INF}, new float[] {1f, 1f}},
            {Activation.SOFTSHRINK, new float[] {INF, -INF}, new float[] {1f, 1f}},
            {Activation.ABS, new float[] {INF, INF}, new float[] {1f, -1f}},
            {Activation.LINEAR, new float[] {INF, -INF}, new float[] {1f, 1f}},
        };
        for (Object[] c : cases) {
            Activation a = (Activation) c[0];
            ActivationKernel k = kernel(path, a, 2);
            float[] d = forward(k, s);
            float[] dx = backward(k, s, 1f);
            float[] want = (float[]) c[1];
            float[] slope = (float[]) c[2];
            for (int i = 0; i < 2; i++) {
                assertEquals(want[i], d[i], Math.ulp(want[i]), a.kernelName() + "(" + s[i] + ") on " + path);
                assertEquals(slope[i], dx[i], Math.ulp(slope[i]), a.kernelName() + "'(" + s[i] + ") on " + path);
            }
        }
        assertArrayEquals(s, forward(kernel(path, Activation.ROUND, 2), s));
    }

    /** NaN in gives NaN out, forward and backward, including where the slope is 0 and where diffDst is finite. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void nanPropagatesForwardAndBackward(String path) {
        int n = 19; // a NaN in the vector bulk and one in the padded tail
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = i % 2 == 0 ? 7f : -7f;
        s[2] = Float.NaN;
        s[n - 1] = Float.NaN;
        for (Activation a : GROUP) {
            ActivationKernel k = kernel(path, a, n);
            float[] d = forward(k, s);
            assertTrue(Float.isNaN(d[2]) && Float.isNaN(d[n - 1]), a.kernelName() + " forward on " + path);
            if (!a.hasBackward()) continue;
            float[] dx = backward(k, s, 1f);
            assertTrue(Float.isNaN(dx[2]) && Float.isNaN(dx[n - 1]), a.kernelName() + " backward on " + path);
            for (int i = 0; i < n; i++) {
                if (i != 2 && i != n - 1) assertTrue(!Float.isNaN(dx[i]), a.kernelName() + " backward at " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void inPlaceRunsGiveTheSameBitsAsSeparateBuffers(String path) {
        int n = 1025;
        SplittableRandom rnd = new SplittableRandom(8);
        float[] kinks = {0f, 6f, 1f, -1f, 3f, -3f, 0.5f, -0.5f, 1.03f, -1.03f, 2.5f, -1.5f};
        float[] s = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = i % 3 == 0 ? kinks[rnd.nextInt(kinks.length)] : (float) rnd.nextDouble(-10, 10);
            dy[i] = (float) rnd.nextGaussian();
        }
        for (Activation a : GROUP) {
            ActivationKernel k = kernel(path, a, n);
            float[] d = forward(k, s);
            float[] inPlace = s.clone();
            k.forward(inPlace, inPlace);
            assertArrayEquals(d, inPlace, a.kernelName() + " forward(src, src) on " + path);
            if (!a.hasBackward()) continue;
            float[] dx = new float[n];
            k.backward(s, dy, dx);
            float[] dyInPlace = dy.clone();
            k.backward(s, dyInPlace, dyInPlace);
            assertArrayEquals(dx, dyInPlace, a.kernelName() + " backward(src, diffDst, diffDst) on " + path);
            float[] sInPlace = s.clone();
            k.backward(sInPlace, dy, sInPlace);
            assertArrayEquals(dx, sInPlace, a.kernelName() + " backward(src, diffDst, src) on " + path);
        }
    }

    /** Native segments run the segment loops, not the array loops: the same bits. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void nativeSegmentsGiveTheSameBitsAsArrays(String path) {
        int n = 1023;
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = -12f + 24f * i / (n - 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment dst = arena.allocate((long) n * Float.BYTES, 64);
            MemorySegment.copy(s, 0, src, ValueLayout.JAVA_FLOAT, 0, n);
            for (Activation a : GROUP) {
                ActivationKernel k = kernel(path, a, n);
                k.forward(src, dst);
                assertArrayEquals(forward(k, s), dst.toArray(ValueLayout.JAVA_FLOAT), a.kernelName() + " on " + path);
            }
        }
    }

    /**
     * Non-default parameters, on inputs that include each kink: the vector path within 3 ulps of the scalar path (which
     * rounds an exact double result once), derivatives too; the kinks themselves must agree exactly (a slope of 0
     * against one of 1 would be off by far more).
     */
    @org.junit.jupiter.api.Test
    void vectorAgreesWithScalarForOtherParameters() {
        float[][] params = {
            {Activation.HARDTANH.ordinal(), -0.7f, 2.3f}, {Activation.CLIP.ordinal(), -3f, -1f},
            {Activation.CLIP_V2.ordinal(), 0.25f, 0.25f}, {Activation.LEAKY_HARDTANH.ordinal(), 0.5f, 0f},
            {Activation.LEAKY_HARDTANH_INVERSE.ordinal(), 0.5f, 0f},
            {Activation.LEAKY_HARDTANH_INVERSE.ordinal(), 0.01f, 0f}, {Activation.HARDSHRINK.ordinal(), 1.7f, 0f},
            {Activation.SOFTSHRINK.ordinal(), 0f, 0f}, {Activation.SOFTSHRINK.ordinal(), 2.5f, 0f},
            {Activation.LINEAR.ordinal(), -1.5f, 0.25f}};
        int n = 2003;
        for (float[] p : params) {
            Activation a = Activation.values()[(int) p[0]];
            float[] kinks = {p[1], -p[1], p[2], -p[2], 1 + p[1], -1 - p[1], 1f, -1f, 0f};
            float[] s = new float[n];
            for (int i = 0; i < n; i++) s[i] = -12f + 24f * i / (n - 1);
            for (int i = 0; i < kinks.length; i++) {
                s[3 * i] = kinks[i];
                s[3 * i + 1] = Math.nextUp(kinks[i]);
                s[3 * i + 2] = Math.nextDown(kinks[i]);
            }
            ActivationKernel scalar = kernel("scalar", a, p[1], p[2], n);
            ActivationKernel vector = kernel("vector", a, p[1], p[2], n);
            float[] ys = forward(scalar, s);
            float[] yv = forward(vector, s);
            float[] gs = backward(scalar, s, 1f);
            float[] gv = backward(vector, s, 1f);
            for (int i = 0; i < n; i++) {
                String at = a.kernelName() + "(" + p[1] + ", " + p[2] + ") at " + s[i];
                assertEquals(ys[i], yv[i], 3 * Math.ulp(ys[i]), at);
                assertEquals(gs[i], gv[i], 3 * Math.ulp(gs[i]), at + " derivative");
            }
        }
    }

    // ---- parameters --------------------------------------------------------------------------------------------------

    @org.junit.jupiter.api.Test
    void parametersOutOfRangeOrInAnUnusedSlotAreRejectedNamingTheSlot() {
        Shape s = Shape.of(4);
        assertRejected("beta", () -> new ActivationDesc(Activation.HARDTANH, s, 1f, -1f));
        assertRejected("beta", () -> new ActivationDesc(Activation.CLIP, s, 2f, 1f));
        assertRejected("beta", () -> new ActivationDesc(Activation.CLIP_V2, s, 2f, 1f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.LEAKY_HARDTANH, s, 0f, 0f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.LEAKY_HARDTANH_INVERSE, s, -0.1f, 0f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.HARDSHRINK, s, -0.5f, 0f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.SOFTSHRINK, s, -1f, 0f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.LINEAR, s, Float.NaN, 0f));
        assertRejected("beta", () -> new ActivationDesc(Activation.LINEAR, s, 1f, INF));
        // unused slots must be 0
        assertRejected("alpha", () -> new ActivationDesc(Activation.RELU6, s, 1f, 0f));
        assertRejected("beta", () -> new ActivationDesc(Activation.RELU6, s, 0f, 6f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.HARDSIGMOID, s, 0.2f, 0f));
        assertRejected("beta", () -> new ActivationDesc(Activation.HARDSWISH, s, 0f, 0.5f));
        assertRejected("beta", () -> new ActivationDesc(Activation.LEAKY_HARDTANH, s, 0.03f, 1f));
        assertRejected("beta", () -> new ActivationDesc(Activation.HARDSHRINK, s, 0.5f, 0.5f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.ABS, s, -1f, 0f));
        assertRejected("alpha", () -> new ActivationDesc(Activation.ROUND, s, 0.5f, 0f));
        // in range: lambd 0, lo == hi
        new ActivationDesc(Activation.HARDSHRINK, s, 0f, 0f);
        new ActivationDesc(Activation.HARDTANH, s, 0.5f, 0.5f);
    }

    private static void assertRejected(String slot, org.junit.jupiter.api.function.Executable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertTrue(e.getMessage().startsWith(slot), "the message names " + slot + ": " + e.getMessage());
    }
}
