package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * sqrt, square, softsign and pow on the scalar and vector paths: values and derivatives at the special points worked
 * out by hand (PyTorch's conventions: IEEE pow at 0 and for negative bases, b = 0 giving a with a zero derivative),
 * limits at infinity, NaN propagation, in-place calls, and pow's accuracy against double on every form the vector path
 * picks (b = 0, 1, small integers, other integers, fractions), including where s^b alone would overflow.
 */
class OtherActivationTest {

    private static final float INF = Float.POSITIVE_INFINITY;
    private static final float NAN = Float.NaN;

    private static float[] forward(String path, ActivationDesc d, float... s) {
        float[] y = new float[s.length];
        Backends.get(path).create(withLength(d, s.length)).forward(MemorySegment.ofArray(s), MemorySegment.ofArray(y));
        return y;
    }

    private static float[] backward(String path, ActivationDesc d, float[] s, float[] dy) {
        float[] dx = new float[s.length];
        Backends.get(path).create(withLength(d, s.length)).backward(MemorySegment.ofArray(s), MemorySegment.ofArray(dy),
                MemorySegment.ofArray(dx));
        return dx;
    }

    private static ActivationDesc withLength(ActivationDesc d, int n) {
        return new ActivationDesc(d.activation(), Shape.of(n), d.alpha(), d.beta());
    }

    private static ActivationDesc pow(float a, float b) {
        return ActivationDesc.of(Activation.POW, Shape.of(1)).withAlpha(a).withBeta(b);
    }

    private static ActivationDesc of(Activation a) {
        return ActivationDesc.of(a, Shape.of(1));
    }

    /** Each expected value exactly, as bits (so -0 and +0 differ, and every NaN is NaN). */
    private static void assertExactly(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            boolean same = Float.isNaN(expected[i]) ? Float.isNaN(actual[i])
                    : Float.floatToIntBits(expected[i]) == Float.floatToIntBits(actual[i]);
            assertTrue(same, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void sqrtIsNaNBelowZeroAndItsDerivativeIsInfiniteAtZeroWithTheSignOfZero(String path) {
        float[] s = {4f, 0f, -0f, -1f, INF, NAN, 0.25f};
        assertExactly(new float[] {2f, 0f, -0f, NAN, INF, NAN, 0.5f}, forward(path, of(Activation.SQRT), s), "sqrt");
        // 1 / (2 sqrt s): torch's grad / (2 result) is -inf at -0
        assertExactly(new float[] {0.25f, INF, -INF, NAN, 0f, NAN, 1f},
                backward(path, of(Activation.SQRT), s, ones(s.length)), "sqrt'");
        float[] d = {2f, 0f, -0f, INF, NAN, 0.5f};
        float[] dx = new float[d.length];
        Backends.get(path).create(withLength(of(Activation.SQRT), d.length)).backwardFromDst(MemorySegment.ofArray(d),
                MemorySegment.ofArray(ones(d.length)), MemorySegment.ofArray(dx));
        assertExactly(new float[] {0.25f, INF, -INF, 0f, NAN, 1f}, dx, "sqrt' from dst");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void squareAndItsDerivativeTwoS(String path) {
        float[] s = {-3f, 0.5f, -0f, INF, -INF, NAN, 0x1p127f};
        assertExactly(new float[] {9f, 0.25f, 0f, INF, INF, NAN, INF}, forward(path, of(Activation.SQUARE), s),
                "square");
        // 2 s dy with dy = 0.25: 2s overflows at 2^127, the product with dy does not
        float[] dy = {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f};
        assertExactly(new float[] {-1.5f, 0.25f, -0f, INF, -INF, NAN, 0x1p126f},
                backward(path, of(Activation.SQUARE), s, dy), "square'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void softsignTendsToPlusMinusOneAndItsDerivativeToZero(String path) {
        float[] s = {1f, -3f, 0f, -0f, INF, -INF, NAN, 0x1p30f};
        assertExactly(new float[] {0.5f, -0.75f, 0f, -0f, 1f, -1f, NAN, 1f}, forward(path, of(Activation.SOFTSIGN), s),
                "softsign");
        // 1 / (1 + |s|)^2: 1/4 at 1, 1/16 at -3, 1 at 0, 0 at +-inf; 2^-60 at 2^30 (1 + 2^30 rounds to 2^30)
        assertExactly(new float[] {0.25f, 0.0625f, 1f, 1f, 0f, 0f, NAN, 0x1p-60f},
                backward(path, of(Activation.SOFTSIGN), s, ones(s.length)), "softsign'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void powFollowsIeeePowAtZeroAndForNegativeBases(String path) {
        // a = 2, b = 3 (multiplied): 2 s^3 and 6 s^2
        float[] s = {-1.5f, 0f, -0f, INF, -INF, NAN, 2f};
        assertExactly(new float[] {-6.75f, 0f, -0f, INF, -INF, NAN, 16f}, forward(path, pow(2f, 3f), s), "2 s^3");
        assertExactly(new float[] {13.5f, 0f, 0f, INF, INF, NAN, 24f}, backward(path, pow(2f, 3f), s, ones(7)),
                "6 s^2");
        // b = 0.5: NaN below 0, pow(-0, 0.5) = +0, pow(-inf, 0.5) = +inf; derivative 0.5 pow(s, -0.5): +inf at +-0.
        // (Points where the vector path's POW on halves of b is exact: 16^0.25 = 2.)
        float[] t = {16f, 0f, -0f, -4f, INF, -INF, 0.0625f};
        assertExactly(new float[] {4f, 0f, 0f, NAN, INF, INF, 0.25f}, forward(path, pow(1f, 0.5f), t), "s^0.5");
        assertExactly(new float[] {0.125f, INF, INF, NAN, 0f, 0f, 2f}, backward(path, pow(1f, 0.5f), t, ones(7)),
                "0.5 s^-0.5");
        // b = -1: signed infinities at +-0; derivative -s^-2
        float[] u = {4f, 0f, -0f, -2f, INF, -INF};
        assertExactly(new float[] {0.25f, INF, -INF, -0.5f, 0f, -0f}, forward(path, pow(1f, -1f), u), "1/s");
        assertExactly(new float[] {-0.0625f, -INF, -INF, -0.25f, -0f, -0f}, backward(path, pow(1f, -1f), u, ones(6)),
                "-1/s^2");
        // b = 5 (an integer beyond the multiplied ones): odd, so negative bases keep their sign
        float[] v = {-4f, 4f, -0.25f, -INF};
        assertExactly(new float[] {-1024f, 1024f, -0x1p-10f, -INF}, forward(path, pow(1f, 5f), v), "s^5");
        assertExactly(new float[] {1280f, 1280f, 5f / 256, INF}, backward(path, pow(1f, 5f), v, ones(4)), "5 s^4");
        // b = 2.5: NaN for negative finite s
        float[] w = {16f, -4f, 0f};
        assertExactly(new float[] {1024f, NAN, 0f}, forward(path, pow(1f, 2.5f), w), "s^2.5");
        assertExactly(new float[] {160f, NAN, 0f}, backward(path, pow(1f, 2.5f), w, ones(3)), "2.5 s^1.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void powWithExponentZeroIsTheScaleWithZeroSlopeAndKeepsNaN(String path) {
        float[] s = {0f, -0f, -5f, INF, -INF, NAN};
        assertExactly(new float[] {3f, 3f, 3f, 3f, 3f, NAN}, forward(path, pow(3f, 0f), s), "3 s^0");
        float[] dy = {1f, -1f, 2f, 1f, INF, 1f};
        // a plain product dy * 0: infinite dy gives NaN, as everywhere in normkit
        assertExactly(new float[] {0f, -0f, 0f, 0f, NAN, NAN}, backward(path, pow(3f, 0f), s, dy), "0");
        // b = 1: a s, slope a
        assertExactly(new float[] {0f, -0f, -10f, INF, -INF, NAN}, forward(path, pow(2f, 1f), s), "2 s");
        assertExactly(new float[] {2f, -2f, 4f, 2f, INF, NAN}, backward(path, pow(2f, 1f), s, dy), "2 dy");
    }

    /**
     * Every pow form against double on random positive and negative s over 2^-40..2^40, backward with random dy. The
     * vector path's bound: its forms take up to five correctly rounded steps, or an f32 pow (1 ulp) on halves of the
     * exponent (doubled) times the scale, with b - 1 formed exactly for these b.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void powIsAccurateOnEveryForm(String path) {
        double ulps = path.equals("scalar") ? 0.5 : 4;
        SplittableRandom rnd = new SplittableRandom(8);
        int n = 4099;
        float[] s = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) ((rnd.nextBoolean() ? -1 : 1) * Math.pow(2, rnd.nextDouble(-40, 40)));
            dy[i] = (float) rnd.nextDouble(-2, 2);
        }
        for (float[] ab : new float[][] {{1f, 2f}, {-0.75f, 3f}, {1.5f, 4f}, {1f, -2f}, {0.5f, -4f}, {1f, 5f},
                {2f, -3f}, {1f, 0.5f}, {-1f, 1.5f}, {0.25f, -0.5f}, {1f, 2.5f}, {3f, 6f}}) {
            ActivationDesc d = pow(ab[0], ab[1]);
            float[] y = forward(path, d, s);
            float[] dx = backward(path, d, s, dy);
            for (int i = 0; i < n; i++) {
                double exact = ab[0] * Math.pow(s[i], ab[1]);
                double slope = dy[i] * (ab[0] * (double) ab[1] * Math.pow(s[i], ab[1] - 1.0));
                assertWithin(exact, y[i], ulps, "pow a=" + ab[0] + " b=" + ab[1] + " at " + s[i]);
                assertWithin(slope, dx[i], ulps + 1, "pow' a=" + ab[0] + " b=" + ab[1] + " at " + s[i] + " dy "
                        + dy[i]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void powDoesNotOverflowWhereOnlyThePowerOfSWould(String path) {
        // multiplied: s^3 = 2^129 overflows at s = 2^43, 2^-4 s^3 = 2^125 does not
        assertEquals(0x1p125f, forward(path, pow(0x1p-4f, 3f), 0x1p43f)[0], "a s^3 with s^3 beyond MAX");
        // through POW: s^6 = 2^132 at s = 2^22 and s^2.5 = 2^130 at s = 2^52, both times 2^-8 / 2^-6 = 2^124
        assertWithin(0x1p124, forward(path, pow(0x1p-8f, 6f), 0x1p22f)[0], 1, "a s^6 with s^6 beyond MAX");
        assertWithin(0x1p124, forward(path, pow(0x1p-6f, 2.5f), 0x1p52f)[0], 1, "a s^2.5 with s^2.5 beyond MAX");
        // backward: dy 3 s^2 with dy = 2^-10 at s = 2^65, where s^2 = 2^130 alone overflows
        float[] dx = backward(path, pow(1f, 3f), new float[] {0x1p65f}, new float[] {0x1p-10f});
        assertEquals(3 * 0x1p120f, dx[0], "dy 3 s^2 with s^2 beyond MAX");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inPlaceCallsGiveTheSameBitsAsSeparateBuffers(String path) {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 1031;
        float[] s = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) rnd.nextDouble(-10, 10);
            dy[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (ActivationDesc d : new ActivationDesc[] {of(Activation.SQRT), of(Activation.SQUARE),
                of(Activation.SOFTSIGN), pow(1f, 3f), pow(2f, 0.5f), pow(1f, 0f), pow(-1f, 7f)}) {
            ActivationKernel k = Backends.get(path).create(withLength(d, n));
            float[] y = new float[n];
            k.forward(MemorySegment.ofArray(s), MemorySegment.ofArray(y));
            float[] inPlace = s.clone();
            k.forward(MemorySegment.ofArray(inPlace), MemorySegment.ofArray(inPlace));
            assertExactly(y, inPlace, d.kernelName() + " b=" + d.beta() + " in-place forward");
            float[] dx = new float[n];
            k.backward(MemorySegment.ofArray(s), MemorySegment.ofArray(dy), MemorySegment.ofArray(dx));
            float[] dxInPlace = dy.clone();
            k.backward(MemorySegment.ofArray(s), MemorySegment.ofArray(dxInPlace), MemorySegment.ofArray(dxInPlace));
            assertExactly(dx, dxInPlace, d.kernelName() + " b=" + d.beta() + " in-place backward");
        }
    }

    /** |got - exact| within {@code ulps} ulps of the float nearest exact; infinities and NaN must match exactly. */
    private static void assertWithin(double exact, float got, double ulps, String what) {
        float rounded = (float) exact;
        if (Float.isNaN(rounded) || Float.isInfinite(rounded)) {
            assertTrue(Float.isNaN(rounded) ? Float.isNaN(got) : got == rounded, what + ": expected " + exact
                    + ", got " + got);
            return;
        }
        double ulp = Math.max(Math.ulp(rounded), Float.MIN_VALUE);
        assertTrue(Math.abs(got - exact) <= ulps * ulp, what + ": expected " + exact + ", got " + got + " ("
                + Math.abs(got - exact) / ulp + " ulp)");
    }
}
