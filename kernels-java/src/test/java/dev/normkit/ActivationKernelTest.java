package dev.normkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every activation on both Java paths against {@link ActivationReference} (double precision, its own erf), plus the
 * conventions at kinks, NaN and infinities, aliasing, and argument checks.
 */
class ActivationKernelTest {

    private static final int[] LENGTHS = {1, 7, 8, 9, 15, 17, 1000, 1023, 1025};

    /** Placed among the dense [-10, 10] inputs, including at the last index (the vector path's masked tail). */
    private static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-30f, -1e-30f, 1e30f, -1e30f,
        Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 3.5f, -7.25f};

    /**
     * Allowed error against the double reference r:
     * {@code ulps * ulp((float) r) + (rel + perArgument * min(|x|, 100)) * |r| + abs * |diffDst|}, x the argument of
     * e^x inside the activation. The scalar path rounds a double result once, so it gets half an ulp (plus slack for
     * the double computation itself); the vector path's bounds come from its f32 approximations and are explained
     * where they are set.
     */
    record Tolerance(double ulps, double rel, double perArgument, double abs) {
        double bound(double r, double expArgument, double dy) {
            return ulps * Math.ulp((float) r) + (rel + perArgument * Math.min(Math.abs(expArgument), 100)) * Math.abs(r)
                    + abs * Math.abs(dy);
        }
    }

    /** One activation with one alpha on one path, with the accuracy that path promises. */
    record Case(String path, Activation activation, float alpha, Tolerance forward, Tolerance backward) {
        ActivationDesc desc(long n) {
            return new ActivationDesc(activation, Shape.of(n), alpha, 0f);
        }

        ActivationKernel kernel(long n) {
            return Backends.get(path).create(desc(n));
        }

        @Override
        public String toString() {
            return path + " " + activation.kernelName() + " alpha=" + alpha;
        }
    }

    private static final Tolerance EXACT_ROUNDING = new Tolerance(0.51, 0, 0, 0);
    /** Scalar backward: the double derivative itself cancels near its zeros (e.g. silu' at x = -1.28). */
    private static final Tolerance SCALAR_BACKWARD = new Tolerance(0.51, 0, 0, 1e-15);

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String path : List.of("scalar", "vector")) {
            boolean scalar = path.equals("scalar");
            // a compare, a blend and at most one multiply: correctly rounded on both paths
            out.add(new Case(path, Activation.RELU, 0f, EXACT_ROUNDING, EXACT_ROUNDING));
            for (float alpha : new float[] {0f, 0.01f, -0.2f, 1.5f}) {
                out.add(new Case(path, Activation.LEAKY_RELU, alpha, EXACT_ROUNDING, EXACT_ROUNDING));
            }
            Tolerance backward = scalar ? SCALAR_BACKWARD : VectorBounds.GRADIENT;
            out.add(new Case(path, Activation.GELU_ERF, 0f, scalar ? EXACT_ROUNDING : VectorBounds.GELU_ERF, backward));
            out.add(new Case(path, Activation.GELU_TANH, 0f,
                    scalar ? EXACT_ROUNDING : VectorBounds.EXP_ARGUMENT, backward));
            out.add(new Case(path, Activation.SILU, 0f, scalar ? EXACT_ROUNDING : VectorBounds.EXP_ARGUMENT, backward));
            for (float beta : new float[] {1f, 1.702f, -0.5f}) {
                out.add(new Case(path, Activation.SWISH, beta,
                        scalar ? EXACT_ROUNDING : VectorBounds.EXP_ARGUMENT, backward));
            }
            // s sigmoid(0) = s / 2: exact on both paths
            out.add(new Case(path, Activation.SWISH, 0f, EXACT_ROUNDING, EXACT_ROUNDING));
        }
        return out.stream();
    }

    static Stream<String> paths() {
        return Stream.of("scalar", "vector");
    }

    /**
     * The vector path's accuracy against the double reference, measured on 2M points of [-10, 10] and set about 1.5x
     * above. GELU erf: 4.5e-7 relative wherever |gelu| > 1e-30 (the e^(-s^2/2) argument is split exactly). GELU tanh
     * and SiLU: the f32 argument x of e^x (g(s), or alpha s) carries an ulp or two of rounding, which becomes a
     * relative error of |x| times that in e^x: measured 1.7e-7 (1 + |x|), so 2e-6 at s = -10 where the outputs are
     * around 1e-30. Derivatives cancel near their zeros (GELU's minimum near s = -0.75, SiLU's near alpha s =
     * -1.28): measured 2.1e-7 absolute per unit of diffDst.
     */
    static final class VectorBounds {
        static final Tolerance GELU_ERF = new Tolerance(0, 7e-7, 0, 1e-36);
        static final Tolerance EXP_ARGUMENT = new Tolerance(0, 2.5e-7, 2.5e-7, 1e-36);
        static final Tolerance GRADIENT = new Tolerance(0, 3e-7, 2.5e-7, 3e-7);
    }

    // ---- accuracy ----------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesDoubleReferenceOnEveryLength(Case c) {
        for (int n : LENGTHS) {
            float[] s = inputs(n);
            float[] d = new float[n];
            c.kernel(n).forward(s, d);
            for (int i = 0; i < n; i++) {
                double expected = expectedForward(c.desc(n), s[i]);
                check(c + " forward n=" + n, c.desc(n), i, s[i], 1f, expected, d[i], c.forward());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesAnalyticDerivativeOnEveryLength(Case c) {
        for (int n : LENGTHS) {
            float[] s = inputs(n);
            float[] dy = upstream(n);
            float[] dx = new float[n];
            c.kernel(n).backward(s, dy, dx);
            for (int i = 0; i < n; i++) {
                double expected = dy[i] * expectedDerivative(c.desc(n), s[i]);
                check(c + " backward n=" + n, c.desc(n), i, s[i], dy[i], expected, dx[i], c.backward());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesDoubleReferenceOnADenseSweep(Case c) {
        int n = 40_001;
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = -10f + 20f * i / (n - 1);
        }
        float[] d = new float[n];
        c.kernel(n).forward(s, d);
        for (int i = 0; i < n; i++) {
            check(c + " forward sweep", c.desc(n), i, s[i], 1f, ActivationReference.forward(c.desc(n), s[i]), d[i],
                    c.forward());
        }
    }

    /** Checks the kernels and the reference's derivative formulas at once, away from ReLU's kink. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferencesOfTheDoubleForward(Case c) {
        int n = 1_457;
        float[] s = new float[n];
        float[] ones = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = -10f + 20f * i / (n - 1) + 1e-3f; // misses 0
            ones[i] = 1f;
        }
        float[] dx = new float[n];
        c.kernel(n).backward(s, ones, dx);
        ActivationDesc desc = c.desc(n);
        for (int i = 0; i < n; i++) {
            double h = 1e-5 * Math.max(1.0, Math.abs(s[i]));
            double fd = (ActivationReference.forward(desc, s[i] + h) - ActivationReference.forward(desc, s[i] - h))
                    / (2 * h);
            Tolerance t = c.backward();
            // central differences: truncation ~h^2 f''' and cancellation ~1e-16 |f| / h, both below 1e-8 here
            check(c + " finite differences", desc, i, s[i], 1f, fd, dx[i],
                    new Tolerance(t.ulps(), t.rel(), t.perArgument(), t.abs() + 1e-8));
        }
    }

    // ---- conventions -------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void reluDerivativeAtZeroIsZeroAndLeakyIsAlpha(String path) {
        for (float alpha : new float[] {0f, 0.01f, -0.2f}) {
            ActivationKernel k = Backends.get(path).create(new ActivationDesc(Activation.LEAKY_RELU, Shape.of(2), alpha, 0f));
            float[] dx = new float[2];
            k.backward(new float[] {0f, -0f}, new float[] {3f, 3f}, dx);
            assertEquals(3f * alpha, dx[0], "relu'(+0) with alpha " + alpha);
            assertEquals(3f * alpha, dx[1], "relu'(-0) with alpha " + alpha);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void reluMapsEveryNonPositiveInputToPositiveZero(String path) {
        float[] s = {-0f, 0f, -1e-30f, -3f, Float.NEGATIVE_INFINITY, -Float.MAX_VALUE};
        float[] d = new float[s.length];
        Backends.get(path).create(ActivationDesc.of(Activation.RELU, Shape.of(s.length))).forward(s, d);
        for (int i = 0; i < s.length; i++) {
            assertEquals(0, Float.floatToRawIntBits(d[i]), "relu(" + s[i] + ") must be +0, got " + d[i]);
        }
    }

    /**
     * ReLU's edge conventions, pinned whatever instruction sequence computes it (a max, a blend, an integer mask differ
     * exactly here): every NaN, negative NaNs included, stays NaN; -0 and negative subnormals give +0; positive
     * subnormals pass. Checked in the vector loop (first elements) and in the staged tail (last elements).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void reluKeepsEveryNaNAndMapsMinusZeroToPlusZeroInLoopAndTail(String path) {
        float negativeNaN = Float.intBitsToFloat(0xffc00000);
        float[] edge = {negativeNaN, Float.NaN, -0f, 0f, -Float.MIN_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL};
        float[] expected = {Float.NaN, Float.NaN, 0f, 0f, 0f, Float.MIN_VALUE, 0f};
        int n = 64 + edge.length; // a multiple of every vector width, then a tail
        float[] s = new float[n];
        java.util.Arrays.fill(s, 1f);
        System.arraycopy(edge, 0, s, 0, edge.length);
        System.arraycopy(edge, 0, s, n - edge.length, edge.length);
        float[] d = new float[n];
        Backends.get(path).create(ActivationDesc.of(Activation.RELU, Shape.of(n))).forward(s, d);
        for (int k = 0; k < edge.length; k++) {
            for (int i : new int[] {k, n - edge.length + k}) {
                if (Float.isNaN(expected[k])) {
                    assertTrue(Float.isNaN(d[i]), path + " relu(" + edge[k] + ") at " + i + ": not NaN but " + d[i]);
                } else {
                    assertSameFloat(expected[k], d[i], path + " relu(" + edge[k] + ") at " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nanPropagatesThroughForwardAndBackward(Case c) {
        float[] s = {Float.NaN, 1f, -1f, 0f, Float.NaN};
        float[] dy = {1f, Float.NaN, Float.NaN, Float.NaN, 0f};
        ActivationKernel k = c.kernel(s.length);
        float[] d = new float[s.length];
        float[] dx = new float[s.length];
        k.forward(s, d);
        k.backward(s, dy, dx);
        assertTrue(Float.isNaN(d[0]) && Float.isNaN(d[4]), c + ": forward(NaN) must be NaN");
        for (int i = 0; i < s.length; i++) {
            // a NaN input or upstream gradient makes diffDst * f'(src) NaN, even where f' is 0
            assertTrue(Float.isNaN(dx[i]), c + ": backward(" + s[i] + ", " + dy[i] + ") must be NaN, got " + dx[i]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void infinitiesGiveTheLimitsNotNaN(String path) {
        // {activation, alpha, f(+inf), f(-inf), f'(+inf), f'(-inf)}; zeros are compared bit for bit
        Object[][] table = {
            {Activation.RELU, 0f, Float.POSITIVE_INFINITY, 0f, 1f, 0f},
            {Activation.LEAKY_RELU, 0f, Float.POSITIVE_INFINITY, 0f, 1f, 0f},
            {Activation.LEAKY_RELU, 0.01f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, 0.01f},
            {Activation.LEAKY_RELU, -0.2f, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY, 1f, -0.2f},
            {Activation.GELU_ERF, 0f, Float.POSITIVE_INFINITY, -0f, 1f, 0f},
            {Activation.GELU_TANH, 0f, Float.POSITIVE_INFINITY, -0f, 1f, 0f},
            {Activation.SILU, 0f, Float.POSITIVE_INFINITY, -0f, 1f, 0f},
            {Activation.SWISH, 1f, Float.POSITIVE_INFINITY, -0f, 1f, 0f},
            {Activation.SWISH, -0.5f, 0f, Float.NEGATIVE_INFINITY, 0f, 1f},
            {Activation.SWISH, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, 0.5f},
        };
        for (Object[] row : table) {
            ActivationDesc desc = new ActivationDesc((Activation) row[0], Shape.of(2), (Float) row[1], 0f);
            ActivationKernel k = Backends.get(path).create(desc);
            float[] s = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
            float[] d = new float[2];
            float[] dx = new float[2];
            k.forward(s, d);
            k.backward(s, new float[] {1f, 1f}, dx);
            String what = path + " " + desc.kernelName() + " alpha=" + desc.alpha();
            assertSameFloat((Float) row[2], d[0], what + " f(+inf)");
            assertSameFloat((Float) row[3], d[1], what + " f(-inf)");
            assertSameFloat((Float) row[4], dx[0], what + " f'(+inf)");
            assertSameFloat((Float) row[5], dx[1], what + " f'(-inf)");
        }
    }

    // ---- aliasing and memory -----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void inPlaceRunsGiveTheSameBitsAsSeparateBuffers(Case c) {
        int n = 1025;
        ActivationKernel k = c.kernel(n);
        float[] s = inputs(n);
        float[] dy = upstream(n);
        float[] d = new float[n];
        float[] dx = new float[n];
        k.forward(s, d);
        k.backward(s, dy, dx);

        float[] inPlace = s.clone();
        k.forward(inPlace, inPlace);
        assertSameResults(c, c.forward(), d, inPlace, c + " forward(src, src)");

        float[] dyInPlace = dy.clone();
        k.backward(s, dyInPlace, dyInPlace);
        assertSameResults(c, c.backward(), dx, dyInPlace, c + " backward(src, diffDst, diffDst)");

        float[] sInPlace = s.clone();
        k.backward(sInPlace, dy, sInPlace);
        assertSameResults(c, c.backward(), dx, sInPlace, c + " backward(src, diffDst, src)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nativeAndMisalignedSegmentsGiveTheSameBitsAsArrays(Case c) {
        int n = 1023;
        ActivationKernel k = c.kernel(n);
        float[] s = inputs(n);
        float[] dy = upstream(n);
        float[] d = new float[n];
        float[] dx = new float[n];
        k.forward(s, d);
        k.backward(s, dy, dx);
        try (Arena arena = Arena.ofConfined()) {
            // one float past a 64-byte boundary: no vector load is aligned
            MemorySegment src = arena.allocate((n + 1) * 4L, 64).asSlice(4);
            MemorySegment up = arena.allocate((n + 1) * 4L, 64).asSlice(4);
            MemorySegment out = arena.allocate((n + 1) * 4L, 64).asSlice(4);
            MemorySegment.copy(s, 0, src, ValueLayout.JAVA_FLOAT, 0, n);
            MemorySegment.copy(dy, 0, up, ValueLayout.JAVA_FLOAT, 0, n);
            k.forward(src, out);
            assertSameResults(c, c.forward(), d, out.toArray(ValueLayout.JAVA_FLOAT), c + " forward on native memory");
            k.backward(src, up, out);
            assertSameResults(c, c.backward(), dx, out.toArray(ValueLayout.JAVA_FLOAT),
                    c + " backward on native memory");
        }
    }

    /**
     * One call mixing heap and native tensors, or passing heap memory over an int[] (the vector path stages such calls
     * through native copies), gives what float[] tensors give.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mixedHeapAndNativeArgumentsGiveTheSameResultsAsArrays(Case c) {
        int n = 1023;
        ActivationKernel k = c.kernel(n);
        float[] s = inputs(n);
        float[] dy = upstream(n);
        float[] d = new float[n];
        float[] dx = new float[n];
        k.forward(s, d);
        k.backward(s, dy, dx);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(n * 4L).copyFrom(MemorySegment.ofArray(s));
            MemorySegment out = arena.allocate(n * 4L);
            float[] heapOut = new float[n];
            k.forward(src, MemorySegment.ofArray(heapOut));
            assertSameResults(c, c.forward(), d, heapOut, c + " forward(native, heap)");
            k.forward(MemorySegment.ofArray(s), out);
            assertSameResults(c, c.forward(), d, out.toArray(ValueLayout.JAVA_FLOAT), c + " forward(heap, native)");
            MemorySegment intHeap = MemorySegment.ofArray(new int[n]).copyFrom(MemorySegment.ofArray(s));
            k.forward(intHeap, intHeap);
            assertSameResults(c, c.forward(), d, intHeap.toArray(ValueLayout.JAVA_FLOAT), c + " forward on int[]");
            float[] heapGrad = new float[n];
            k.backward(src, MemorySegment.ofArray(dy), MemorySegment.ofArray(heapGrad));
            assertSameResults(c, c.backward(), dx, heapGrad, c + " backward(native, heap, heap)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void backwardFromDstEqualsBackwardForReluWithNonNegativeSlope(String path) {
        for (float alpha : new float[] {0f, 0.01f, 0.5f}) {
            int n = 1025;
            ActivationKernel k = Backends.get(path).create(new ActivationDesc(Activation.LEAKY_RELU, Shape.of(n), alpha, 0f));
            float[] s = inputs(n);
            float[] dy = upstream(n);
            float[] d = new float[n];
            float[] fromSrc = new float[n];
            float[] fromDst = new float[n];
            k.forward(s, d);
            k.backward(s, dy, fromSrc);
            k.backwardFromDst(d, dy, fromDst);
            assertBitsEqual(fromSrc, fromDst, path + " relu alpha=" + alpha + " backwardFromDst");
        }
    }

    // ---- argument errors ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void backwardFromDstIsRefusedWhereTheOutputCannotGiveTheDerivative(String path) {
        for (ActivationDesc desc : List.of(
                ActivationDesc.of(Activation.GELU_ERF, Shape.of(4)),
                ActivationDesc.of(Activation.GELU_TANH, Shape.of(4)),
                ActivationDesc.of(Activation.SILU, Shape.of(4)),
                new ActivationDesc(Activation.LEAKY_RELU, Shape.of(4), -0.1f, 0f))) {
            ActivationKernel k = Backends.get(path).create(desc);
            assertThrows(IllegalStateException.class, () -> k.backwardFromDst(new float[4], new float[4], new float[4]),
                    path + " " + desc);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void wrongSizesNullsAndReadOnlyOutputsAreRejectedByName(String path) {
        ActivationKernel k = Backends.get(path).create(ActivationDesc.of(Activation.GELU_ERF, Shape.of(3, 5)));
        float[] ok = new float[15];
        float[] small = new float[14];
        expectArgumentError("src", () -> k.forward(small, ok));
        expectArgumentError("dst", () -> k.forward(ok, small));
        expectArgumentError("diffDst", () -> k.backward(ok, (float[]) null, ok));
        expectArgumentError("diffSrc", () -> k.backward(ok, ok, small));
        MemorySegment readOnly = MemorySegment.ofArray(new float[15]).asReadOnly();
        expectArgumentError("dst", () -> k.forward(MemorySegment.ofArray(ok), readOnly));
        expectArgumentError("diffSrc",
                () -> k.backward(MemorySegment.ofArray(ok), MemorySegment.ofArray(ok), readOnly));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Dense values over [-10, 10] with {@link #SPECIALS} mixed in, one of them last. */
    static float[] inputs(int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = n == 1 ? -2.5f : -10f + 20f * i / (n - 1);
        }
        for (int i = 3, k = 0; i < n; i += 7, k++) {
            s[i] = SPECIALS[k % SPECIALS.length];
        }
        s[n - 1] = SPECIALS[n % SPECIALS.length];
        return s;
    }

    /** Upstream gradients of both signs and several magnitudes. */
    static float[] upstream(int n) {
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            dy[i] = (i % 2 == 0 ? 1f : -1f) * (0.5f + 0.375f * (i % 5));
        }
        return dy;
    }

    /** The reference, or the limit the conventions fix at +-infinity; NaN for NaN. */
    private static double expectedForward(ActivationDesc d, float s) {
        if (Float.isNaN(s)) {
            return Double.NaN;
        }
        if (!Float.isInfinite(s)) {
            return ActivationReference.forward(d, s);
        }
        float a = ReferenceParams.slope(d);
        return switch (d.activation()) {
            case RELU, LEAKY_RELU -> s > 0 ? s : a == 0 ? 0.0 : a * (double) s;
            case GELU_ERF, GELU_TANH -> s > 0 ? s : 0.0;
            case SILU, SWISH -> a == 0 || (a > 0) == (s > 0) ? s : 0.0;
            default -> throw new IllegalArgumentException(d.kernelName() + ": not one of this test's activations");
        };
    }

    private static double expectedDerivative(ActivationDesc d, float s) {
        if (Float.isNaN(s)) {
            return Double.NaN;
        }
        if (!Float.isInfinite(s)) {
            return ActivationReference.derivative(d, s);
        }
        float a = ReferenceParams.slope(d);
        return switch (d.activation()) {
            case RELU, LEAKY_RELU -> s > 0 ? 1.0 : a;
            case GELU_ERF, GELU_TANH -> s > 0 ? 1.0 : 0.0;
            case SILU, SWISH -> a == 0 ? 0.5 : (a > 0) == (s > 0) ? 1.0 : 0.0;
            default -> throw new IllegalArgumentException(d.kernelName() + ": not one of this test's activations");
        };
    }

    /** The argument of e^x the activation evaluates at s, which drives the vector path's error (see VectorBounds). */
    private static double expArgument(ActivationDesc d, float s) {
        double g1 = 2 * Math.sqrt(2 / Math.PI);
        return switch (d.activation()) {
            case GELU_TANH -> s * g1 * (1 + 0.044715 * s * s);
            case SILU, SWISH -> ReferenceParams.slope(d) == 0 ? 0 : ReferenceParams.slope(d) * (double) s; // not 0 * inf
            default -> 0;
        };
    }

    private static void check(String what, ActivationDesc d, int i, float s, float dy, double expected, float actual,
            Tolerance t) {
        if (Double.isNaN(expected)) {
            if (!Float.isNaN(actual)) {
                fail(what + ": element " + i + " (src " + s + ", diffDst " + dy + ") expected NaN, got " + actual);
            }
            return;
        }
        if (Double.isInfinite(expected)) {
            if (actual != expected) {
                fail(what + ": element " + i + " (src " + s + ") expected " + expected + ", got " + actual);
            }
            return;
        }
        double err = Math.abs(actual - expected);
        if (!(err <= t.bound(expected, expArgument(d, s), dy))) {
            fail(what + ": element " + i + " (src " + s + ", diffDst " + dy + ") expected " + expected + ", got "
                    + actual + ", error " + err + " (relative " + err / Math.abs(expected) + ") over " + t);
        }
    }

    private static void assertSameFloat(float expected, float actual, String what) {
        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                what + ": expected " + expected + ", got " + actual);
    }

    /**
     * Two runs of one kernel on the same data. Bit for bit where the path rounds exactly (the scalar path, and ReLU and
     * scaling everywhere). Elsewhere the vector path calls the Vector API's exp, which is SVML once C2 has compiled a
     * loop and {@code Math.exp} per lane before: a loop compiled in one run and not yet in the other may differ in the
     * last bits, so the two must agree within the path's tolerance, with the first run as the reference.
     */
    private static void assertSameResults(Case c, Tolerance t, float[] first, float[] second, String what) {
        if (t == EXACT_ROUNDING || c.path().equals("scalar")) {
            assertBitsEqual(first, second, what);
            return;
        }
        for (int i = 0; i < first.length; i++) {
            if (Float.floatToIntBits(first[i]) == Float.floatToIntBits(second[i])) continue;
            double err = Math.abs((double) second[i] - first[i]);
            if (!(err <= 2 * t.bound(first[i], 100, 1f))) {
                fail(what + ": element " + i + " first " + first[i] + ", then " + second[i] + " (over " + t + ")");
            }
        }
    }

    /** Bit for bit, except that any NaN equals any NaN (payloads carry no meaning). */
    private static void assertBitsEqual(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                fail(what + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    private static void expectArgumentError(String argument, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith(argument + ":"), "message should name " + argument + ": " + e.getMessage());
    }
}
