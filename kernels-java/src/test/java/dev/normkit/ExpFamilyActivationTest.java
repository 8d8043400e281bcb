package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exponential-family activations on both Java paths, against values worked out by hand from the formulas (not
 * from either path): PyTorch's conventions at kinks and thresholds, relative accuracy in the tails, limits at +-inf,
 * NaN propagation, in-place runs and parameter validation. ActivationKernelTest and the conformance suite cover the
 * dense comparison with a reference.
 */
class ExpFamilyActivationTest {

    private static final Set<Activation> FAMILY = EnumSet.of(Activation.ELU, Activation.SELU, Activation.CELU,
            Activation.SOFTPLUS, Activation.SIGMOID, Activation.LOG_SIGMOID, Activation.TANH, Activation.TANHSHRINK,
            Activation.MISH, Activation.EXP, Activation.LOG);
    /** PyTorch's selu constants. */
    private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double SELU_SCALE = 1.0507009873554804934193349852946;

    static Stream<Arguments> pathsAndActivations() {
        return Stream.of("scalar", "vector").flatMap(p -> FAMILY.stream().map(a -> Arguments.of(p, a)));
    }

    private static ActivationKernel kernel(String path, Activation a, float alpha, float beta, int n) {
        return Backends.get(path).create(new ActivationDesc(a, Shape.of(n), alpha, beta));
    }

    private static float[] forward(String path, Activation a, float alpha, float beta, float... s) {
        float[] d = new float[s.length];
        kernel(path, a, alpha, beta, s.length).forward(s, d);
        return d;
    }

    /** f'(s), as backward with dy = 1. */
    private static float[] slope(String path, Activation a, float alpha, float beta, float... s) {
        float[] dy = new float[s.length];
        java.util.Arrays.fill(dy, 1f);
        float[] dx = new float[s.length];
        kernel(path, a, alpha, beta, s.length).backward(s, dy, dx);
        return dx;
    }

    private static float[] forwardDefault(String path, Activation a, float... s) {
        return forward(path, a, a.defaultAlpha(), a.defaultBeta(), s);
    }

    private static float[] slopeDefault(String path, Activation a, float... s) {
        return slope(path, a, a.defaultAlpha(), a.defaultBeta(), s);
    }

    /** got within {@code ulps} ulps of the exact value (a double worked out from the formula). */
    private static void assertUlps(double exact, float got, double ulps, String what) {
        double err = Math.abs(got - exact) / Math.ulp((float) exact);
        assertTrue(err <= ulps, what + ": got " + got + ", exact " + exact + " (" + err + " ulp)");
    }

    // ---- elu, selu, celu --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void eluTakesTheLeftSlopeAtZeroAndKeepsRelativeAccuracyNearIt(String path) {
        float[] s = {0f, -0f, -1e-20f, -1e-3f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 2f};
        float[] d = forward(path, Activation.ELU, 1.5f, 0f, s);
        float[] g = slope(path, Activation.ELU, 1.5f, 0f, s);
        assertEquals(0f, Math.abs(d[0]));
        assertUlps(1.5 * -1e-20f, d[2], 0, "elu(-1e-20)"); // alpha (e^s - 1) = alpha s to 1e-20 relative
        assertUlps(1.5 * (Math.exp(-1e-3f) - 1), d[3], 1, "elu(-1e-3)");
        assertEquals(-1.5f, d[4], "elu(-inf) = -alpha");
        assertEquals(Float.POSITIVE_INFINITY, d[5]);
        assertEquals(2f, d[6]);
        assertEquals(1.5f, g[0], "elu'(0) = alpha e^0 (PyTorch: s <= 0 takes the exponential side)");
        assertEquals(1.5f, g[1]);
        assertEquals(0f, g[4], "elu'(-inf) = 0");
        assertEquals(1f, g[5]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void seluUsesPyTorchsConstants(String path) {
        float[] s = {1f, 0f, Float.NEGATIVE_INFINITY, -1f};
        float[] d = forwardDefault(path, Activation.SELU, s);
        float[] g = slopeDefault(path, Activation.SELU, s);
        assertUlps(SELU_SCALE, d[0], 0.5, "selu(1) = scale");
        assertUlps(-SELU_SCALE * SELU_ALPHA, d[2], 1, "selu(-inf) = -scale alpha");
        assertUlps(SELU_SCALE * SELU_ALPHA * Math.expm1(-1), d[3], 2, "selu(-1)");
        assertUlps(SELU_SCALE, g[0], 0.5, "selu'(1) = scale");
        assertUlps(SELU_SCALE * SELU_ALPHA, g[1], 1, "selu'(0) = scale alpha");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void celuScalesItsInputByOneOverAlpha(String path) {
        float[] s = {-2f, 0f, Float.NEGATIVE_INFINITY, 3f};
        float[] d = forward(path, Activation.CELU, 2f, 0f, s);
        float[] g = slope(path, Activation.CELU, 2f, 0f, s);
        assertUlps(2 * Math.expm1(-1), d[0], 1, "celu(-2) with alpha 2");
        assertEquals(-2f, d[2], "celu(-inf) = -alpha");
        assertEquals(3f, d[3]);
        assertUlps(Math.exp(-1), g[0], 1, "celu'(-2) = e^(s/alpha)");
        assertEquals(1f, g[1], "celu'(0) = 1 from both sides");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void eluBackwardFromDstMatchesBackwardForNonNegativeAlpha(String path) {
        float[] s = {-3f, -0.5f, 0f, 0.25f, 4f};
        float[] dy = {0.5f, -1f, 2f, 1f, 3f};
        ActivationKernel k = kernel(path, Activation.ELU, 0.5f, 0f, s.length);
        float[] d = new float[s.length];
        k.forward(s, d);
        float[] fromDst = new float[s.length];
        k.backwardFromDst(d, dy, fromDst);
        for (int i = 0; i < s.length; i++) {
            // exact for the given d: d + alpha = alpha e^s up to d's own rounding, which the cancellation magnifies
            double exact = dy[i] * (d[i] > 0 ? 1 : (double) d[i] + 0.5);
            assertUlps(exact, fromDst[i], 1, "elu backward from dst at " + s[i]);
            assertUlps(dy[i] * (s[i] > 0 ? 1 : 0.5 * Math.exp(s[i])), fromDst[i], 16, "vs alpha e^s at " + s[i]);
        }
        assertFalse(new ActivationDesc(Activation.ELU, Shape.of(3), -0.5f, 0f).hasBackwardFromDst(),
                "a negative alpha loses the sign of s in d");
    }

    // ---- softplus, sigmoid, log_sigmoid -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void softplusIsLinearOnlyStrictlyAboveTheThreshold(String path) {
        float above = Math.nextUp(1f);
        float[] s = {1f, above};
        float[] d = forward(path, Activation.SOFTPLUS, 1f, 1f, s);
        float[] g = slope(path, Activation.SOFTPLUS, 1f, 1f, s);
        assertUlps(Math.log1p(Math.E), d[0], 1, "softplus(1) with threshold 1: beta s = threshold is not above it");
        assertEquals(above, d[1], "softplus is s where beta s > threshold");
        assertUlps(1 / (1 + Math.exp(-1)), g[0], 2, "softplus'(1) = sigmoid(1)");
        assertEquals(1f, g[1], "softplus' is 1 where linear");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void softplusKeepsRelativeAccuracyInTheNegativeTailAndNeverOverflows(String path) {
        float beta = 0.3f; // beta s is not exact in f32: the tail must use the exact product
        float[] s = {-250f, -80f / beta, 100f};
        float[] d = forward(path, Activation.SOFTPLUS, beta, 1000f, s);
        for (int i = 0; i < 2; i++) {
            double x = (double) beta * s[i];
            assertUlps(Math.log1p(Math.exp(x)) / beta, d[i], 3, "softplus(" + s[i] + ") with beta 0.3");
        }
        // threshold 1000: log(1 + e^100) is 100 + 3.7e-44, not the overflow of e^100 (which PyTorch's f32 form gives)
        assertEquals(100f, d[2]);
        assertUlps(Math.exp(-80), forwardDefault(path, Activation.SOFTPLUS, -80f)[0], 2, "softplus(-80)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void sigmoidKeepsRelativeAccuracyInTheTailAndHasItsDstDerivative(String path) {
        float[] s = {-80f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -20f};
        float[] d = forwardDefault(path, Activation.SIGMOID, s);
        float[] g = slopeDefault(path, Activation.SIGMOID, s);
        assertUlps(Math.exp(-80) / (1 + Math.exp(-80)), d[0], 3, "sigmoid(-80)");
        assertEquals(0.5f, d[1]);
        assertEquals(1f, d[2]);
        assertEquals(0f, d[3]);
        assertUlps(Math.exp(-20) / Math.pow(1 + Math.exp(-20), 2), g[4], 3, "sigmoid'(-20)");
        assertEquals(0.25f, g[1]);
        assertEquals(0f, g[2]);
        float[] fromDst = new float[1];
        kernel(path, Activation.SIGMOID, 0f, 0f, 1).backwardFromDst(new float[] {0.25f}, new float[] {2f}, fromDst);
        assertEquals(0.375f, fromDst[0], "2 d (1 - d) at d = 1/4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void logSigmoidIsMinusSoftplusOfMinusS(String path) {
        float[] s = {30f, 0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -100f};
        float[] d = forwardDefault(path, Activation.LOG_SIGMOID, s);
        float[] g = slopeDefault(path, Activation.LOG_SIGMOID, s);
        assertUlps(-Math.log1p(Math.exp(-30)), d[0], 2, "log_sigmoid(30) = -9.4e-14, not 0");
        assertUlps(-Math.log(2), d[1], 1, "log_sigmoid(0)");
        assertEquals(Float.NEGATIVE_INFINITY, d[2]);
        assertEquals(0f, Math.abs(d[3]));
        assertEquals(-100f, d[4]);
        assertEquals(0.5f, g[1], "log_sigmoid'(0) = sigmoid(0)");
        assertUlps(Math.exp(-30) / (1 + Math.exp(-30)), g[0], 3, "log_sigmoid'(30) = sigmoid(-30)");
        assertEquals(1f, g[2]);
        assertEquals(0f, g[3]);
    }

    // ---- tanh, tanhshrink, mish -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void tanhDerivativeKeepsRelativeAccuracyWhereTanhSaturates(String path) {
        float[] s = {0f, 10f, -10f, Float.POSITIVE_INFINITY};
        float[] g = slopeDefault(path, Activation.TANH, s);
        assertEquals(1f, g[0]);
        double sech2 = 1 / Math.pow(Math.cosh(10), 2); // 8.2e-9, where 1 - tanh^2 in f32 would be 0
        assertUlps(sech2, g[1], 4, "tanh'(10)");
        assertUlps(sech2, g[2], 4, "tanh'(-10)");
        assertEquals(0f, g[3]);
        float[] fromDst = new float[1];
        kernel(path, Activation.TANH, 0f, 0f, 1).backwardFromDst(new float[] {0.5f}, new float[] {1f}, fromDst);
        assertEquals(0.75f, fromDst[0], "1 - d^2 at d = 1/2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void tanhshrinkDoesNotCancelNearZero(String path) {
        float[] s = {1e-3f, -0.25f, 0.5f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f};
        float[] d = forwardDefault(path, Activation.TANHSHRINK, s);
        double x = 1e-3f;
        // s^3/3 - 2s^5/15 + 17s^7/315: the series, exact to 1e-18 relative here
        assertUlps(x * x * x / 3 - 2 * Math.pow(x, 5) / 15 + 17 * Math.pow(x, 7) / 315, d[0], 4, "tanhshrink(1e-3)");
        assertUlps(-0.25 - Math.tanh(-0.25), d[1], 4, "tanhshrink(-0.25)");
        assertUlps(0.5 - Math.tanh(0.5), d[2], 4, "tanhshrink(0.5)");
        assertUlps(3 - Math.tanh(3), d[3], 2, "tanhshrink(3)");
        assertEquals(Float.POSITIVE_INFINITY, d[4]);
        assertEquals(Float.NEGATIVE_INFINITY, d[5]);
        assertEquals(0f, d[6]);
        float[] g = slopeDefault(path, Activation.TANHSHRINK, new float[] {0.5f, 0f, Float.POSITIVE_INFINITY});
        assertUlps(Math.pow(Math.tanh(0.5), 2), g[0], 3, "tanhshrink'(0.5) = tanh^2");
        assertEquals(0f, g[1]);
        assertEquals(1f, g[2]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void mishHasItsLimitsAndTail(String path) {
        float[] s = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -20f, 1f, 1e30f};
        float[] d = forwardDefault(path, Activation.MISH, s);
        float[] g = slopeDefault(path, Activation.MISH, s);
        assertEquals(0f, Math.abs(d[0]), "mish(-inf) = -0 (the limit of s e^s)");
        assertEquals(Float.POSITIVE_INFINITY, d[1]);
        assertEquals(0f, d[2]);
        assertUlps(-20 * Math.tanh(Math.log1p(Math.exp(-20))), d[3], 4, "mish(-20)");
        assertUlps(Math.tanh(Math.log1p(Math.E)), d[4], 4, "mish(1)");
        assertEquals(1e30f, d[5]);
        assertEquals(0f, g[0]);
        assertEquals(1f, g[1]);
        assertUlps(0.6, g[2], 2, "mish'(0) = tanh(log 2) = 3/5");
        assertEquals(1f, g[5]);
    }

    // ---- exp, log ---------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void expBackwardIsFiniteWhereOnlyEToTheSOverflows(String path) {
        float[] s = {89f, 0f, -100f};
        float[] dy = {1e-3f, 2f, 1e20f};
        float[] dx = new float[s.length];
        kernel(path, Activation.EXP, 0f, 0f, s.length).backward(s, dy, dx);
        assertUlps(1e-3f * Math.exp(89), dx[0], 4, "1e-3 e^89 (e^89 alone overflows f32)");
        assertEquals(2f, dx[1]);
        assertUlps(1e20f * Math.exp(-100), dx[2], 4, "1e20 e^-100 (e^-100 alone is a subnormal)");
        float[] fromDst = new float[1];
        kernel(path, Activation.EXP, 0f, 0f, 1).backwardFromDst(new float[] {3f}, new float[] {0.5f}, fromDst);
        assertEquals(1.5f, fromDst[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void logIsNanBelowZeroMinusInfinityAtZeroWithDerivativeOneOverS(String path) {
        float[] s = {0f, -0f, -1f, 1f, Float.POSITIVE_INFINITY, -2f, 4f};
        float[] d = forwardDefault(path, Activation.LOG, s);
        float[] g = slopeDefault(path, Activation.LOG, s);
        assertEquals(Float.NEGATIVE_INFINITY, d[0]);
        assertEquals(Float.NEGATIVE_INFINITY, d[1]);
        assertTrue(Float.isNaN(d[2]));
        assertEquals(0f, d[3]);
        assertEquals(Float.POSITIVE_INFINITY, d[4]);
        assertEquals(Float.POSITIVE_INFINITY, g[0], "1 / +0");
        assertEquals(-0.5f, g[5], "log'(-2) = 1/s (PyTorch's grad / self), not NaN");
        assertEquals(0.25f, g[6]);
        assertEquals(0f, g[4]);
    }

    // ---- for every activation of the family -------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathsAndActivations")
    void nanPropagatesThroughEveryDirection(String path, Activation a) {
        float[] s = {Float.NaN, 1f, Float.NaN, -1f, 0.5f, 2f, -3f, 0.25f, 4f, Float.NaN};
        float[] d = forwardDefault(path, a, s);
        float[] g = slopeDefault(path, a, s);
        for (int i : new int[] {0, 2, 9}) {
            assertTrue(Float.isNaN(d[i]), a + " forward at " + i);
            assertTrue(Float.isNaN(g[i]), a + " backward at " + i);
        }
        if (new ActivationDesc(a, Shape.of(s.length), a.defaultAlpha(), a.defaultBeta()).hasBackwardFromDst()) {
            float[] fromDst = new float[s.length];
            float[] ones = new float[s.length];
            java.util.Arrays.fill(ones, 1f);
            kernel(path, a, a.defaultAlpha(), a.defaultBeta(), s.length).backwardFromDst(s, ones, fromDst);
            assertTrue(Float.isNaN(fromDst[0]) && Float.isNaN(fromDst[9]), a + " backward from dst");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("pathsAndActivations")
    void inPlaceRunsGiveTheSameBitsAsSeparateBuffers(String path, Activation a) {
        int n = 1027; // a tail on every vector width
        float[] s = new float[n];
        float[] dy = new float[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
        for (int i = 0; i < n; i++) {
            s[i] = (float) (a == Activation.LOG ? rnd.nextDouble(0, 20) : rnd.nextDouble(-25, 25));
            dy[i] = (float) rnd.nextGaussian();
        }
        ActivationKernel k = kernel(path, a, a.defaultAlpha(), a.defaultBeta(), n);
        float[] d = new float[n];
        float[] dx = new float[n];
        k.forward(s, d);
        k.backward(s, dy, dx);
        float[] inPlace = s.clone();
        k.forward(inPlace, inPlace);
        assertArrayEquals(d, inPlace, a + " forward(src, src)");
        float[] dyInPlace = dy.clone();
        k.backward(s, dyInPlace, dyInPlace);
        assertArrayEquals(dx, dyInPlace, a + " backward(src, dy, dy)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"elu", "selu", "sigmoid", "log_sigmoid", "tanh", "tanhshrink", "mish", "exp", "log", "celu"})
    void anUnusedBetaIsRejected(String name) {
        Activation a = Activation.byName(name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ActivationDesc(a, Shape.of(4), a.defaultAlpha(), 0.5f));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"selu", "sigmoid", "log_sigmoid", "tanh", "tanhshrink", "mish", "exp", "log"})
    void anUnusedAlphaIsRejected(String name) {
        Activation a = Activation.byName(name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ActivationDesc(a, Shape.of(4), -0.66f, 0f));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, -1f, Float.NaN})
    void celuAlphaAndSoftplusBetaMustBePositive(float v) {
        IllegalArgumentException celu = assertThrows(IllegalArgumentException.class,
                () -> new ActivationDesc(Activation.CELU, Shape.of(4), v, 0f));
        assertTrue(celu.getMessage().contains("alpha"), celu.getMessage());
        IllegalArgumentException softplus = assertThrows(IllegalArgumentException.class,
                () -> new ActivationDesc(Activation.SOFTPLUS, Shape.of(4), v, 20f));
        assertTrue(softplus.getMessage().contains("alpha"), softplus.getMessage());
    }
}
