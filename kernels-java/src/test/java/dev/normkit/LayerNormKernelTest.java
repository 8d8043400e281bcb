package dev.normkit;

import static dev.normkit.Close.assertClose;
import static dev.normkit.Close.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths against a double computation of layer norm. */
class LayerNormKernelTest {

    private static final int ROWS = 3;
    /**
     * Errors scaled by {@code 1 + |expected|}: both paths stay near 2e-7 (a few f32 roundings) on rows up to 4096; ten
     * times that still fails a variance computed as E[x^2] - mean^2, which is off by orders of magnitude.
     */
    private static final double FORWARD_TOL = 2e-6;
    private static final double BACKWARD_TOL = 2e-6;

    private static LayerNormKernel kernel(String path, LayerNormDesc desc) {
        return Backends.get(path).create(desc);
    }

    private static LayerNormDesc desc(int rows, int cols, boolean scale, boolean shift) {
        return LayerNormDesc.of(Shape.of(rows, cols)).withScale(scale).withShift(shift);
    }

    private static void checkForward(String path, float[] x, int rows, int cols, boolean useScale, boolean useShift,
            float eps, double tol) {
        float[] gamma = useScale ? TestData.normal(11, cols, 1, 0.5) : null;
        float[] beta = useShift ? TestData.normal(12, cols) : null;
        float[] y = new float[x.length];
        float[] mean = new float[rows];
        float[] rstd = new float[rows];
        kernel(path, desc(rows, cols, useScale, useShift).withEps(eps)).forwardTraining(x, y, gamma, beta, mean, rstd);
        DoubleReference.Normalized ref = DoubleReference.layerNorm(x, rows, cols, gamma, beta, eps);
        String what = path + " cols=" + cols + " scale=" + useScale + " shift=" + useShift;
        assertClose(what + " dst", ref.y(), y, tol, 1);
        double spread = Arrays.stream(ref.mean()).map(Math::abs).max().orElse(0);
        assertClose(what + " mean", ref.mean(), mean, tol, 1 + spread);
        assertClose(what + " rstd", ref.rstd(), rstd, tol, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void forwardMatchesDoubleReferenceOnAwkwardLengths(String path) {
        for (int cols : TestData.AWKWARD_LENGTHS) {
            float[] x = TestData.normal(cols, ROWS * cols, 0.5, 2);
            for (int flags = 0; flags < 4; flags++) {
                checkForward(path, x, ROWS, cols, (flags & 1) != 0, (flags & 2) != 0, 1e-5f, FORWARD_TOL);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void rowHoldingInfinitySavesInfiniteMeanAndNanOutputs(String path) {
        for (int at : new int[] {0, 17}) { // in the first vector, and in the tail of two full 8-lane vectors
            rowHoldingInfinityAt(path, at);
        }
    }

    private static void rowHoldingInfinityAt(String path, int at) {
        int cols = 19;
        float[] x = TestData.normal(21, cols);
        x[at] = Float.POSITIVE_INFINITY;
        float[] y = new float[cols];
        float[] mean = new float[1];
        float[] rstd = new float[1];
        kernel(path, desc(1, cols, false, false)).forwardTraining(x, y, null, null, mean, rstd);
        assertEquals(Float.POSITIVE_INFINITY, mean[0], "mean of a row holding +inf");
        for (int i = 0; i < cols; i++) {
            assertTrue(Float.isNaN(y[i]), "y[" + i + "] of a row with undefined variance should be NaN, was " + y[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inferenceForwardEqualsTrainingForward(String path) {
        int cols = 1023;
        float[] x = TestData.normal(5, ROWS * cols);
        float[] gamma = TestData.normal(6, cols);
        float[] beta = TestData.normal(7, cols);
        float[] inference = new float[x.length];
        float[] training = new float[x.length];
        LayerNormKernel k = kernel(path, desc(ROWS, cols, true, true));
        k.forward(x, inference, gamma, beta);
        k.forwardTraining(x, training, gamma, beta, new float[ROWS], new float[ROWS]);
        assertArrayEquals(training, inference);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void backwardMatchesDoubleReferenceOnAwkwardLengths(String path) {
        for (int cols : TestData.AWKWARD_LENGTHS) {
            float[] x = TestData.normal(cols, ROWS * cols, 0.5, 2);
            float[] dy = TestData.normal(cols + 1, ROWS * cols);
            DoubleReference.Normalized stats = DoubleReference.layerNorm(x, ROWS, cols, null, null, 1e-5);
            float[] mean = toFloat(stats.mean());
            float[] rstd = toFloat(stats.rstd());
            for (int flags = 0; flags < 4; flags++) {
                boolean useScale = (flags & 1) != 0;
                boolean useShift = (flags & 2) != 0;
                float[] gamma = useScale ? TestData.normal(13, cols, 1, 0.5) : null;
                float[] dx = new float[x.length];
                float[] dGamma = useScale ? new float[cols] : null;
                float[] dBeta = useShift ? new float[cols] : null;
                // Parameter gradients are overwritten, not accumulated into.
                if (useScale) Arrays.fill(dGamma, 99f);
                if (useShift) Arrays.fill(dBeta, 99f);
                LayerNormKernel k = kernel(path, desc(ROWS, cols, useScale, useShift));
                k.backward(x, dy, gamma, mean, rstd, dx, dGamma, dBeta);
                DoubleReference.Gradients ref =
                        DoubleReference.layerNormBackward(x, dy, ROWS, cols, gamma, mean, rstd);
                String what = path + " cols=" + cols + " scale=" + useScale + " shift=" + useShift;
                assertClose(what + " diffSrc", ref.diffSrc(), dx, BACKWARD_TOL, 1);
                if (useScale) assertClose(what + " diffScale", ref.diffScale(), dGamma, BACKWARD_TOL, 1);
                if (useShift) assertClose(what + " diffShift", ref.diffShift(), dBeta, BACKWARD_TOL, 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void normalizesTheLastTwoAxesOfARank3TensorAsOneRow(String path) {
        LayerNormDesc d = LayerNormDesc.of(Shape.of(2, 5, 13)).withNormalizedAxes(2);
        float[] x = TestData.normal(21, 130, 1, 3);
        float[] gamma = TestData.normal(22, 65);
        float[] beta = TestData.normal(23, 65);
        float[] y = new float[130];
        kernel(path, d).forward(x, y, gamma, beta);
        assertClose(path, DoubleReference.layerNorm(x, 2, 65, gamma, beta, d.eps()).y(), y, FORWARD_TOL, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inPlaceForwardAndBackwardMatchOutOfPlace(String path) {
        int cols = 1025;
        LayerNormKernel k = kernel(path, desc(ROWS, cols, true, true));
        float[] x = TestData.normal(31, ROWS * cols);
        float[] gamma = TestData.normal(32, cols);
        float[] beta = TestData.normal(33, cols);
        float[] y = new float[x.length];
        float[] mean = new float[ROWS];
        float[] rstd = new float[ROWS];
        k.forwardTraining(x, y, gamma, beta, mean, rstd);
        float[] inPlace = x.clone();
        k.forward(inPlace, inPlace, gamma, beta);
        assertArrayEquals(y, inPlace);

        float[] dy = TestData.normal(34, x.length);
        float[] dx = new float[x.length];
        k.backward(x, dy, gamma, mean, rstd, dx, new float[cols], new float[cols]);
        float[] dyInPlace = dy.clone();
        k.backward(x, dyInPlace, gamma, mean, rstd, dyInPlace, new float[cols], new float[cols]);
        assertArrayEquals(dx, dyInPlace);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void rowsWithLargeCommonOffsetKeepFullPrecision(String path) {
        // E[x^2] - mean^2 in f32 would lose every digit of the variance here.
        for (int cols : new int[] {17, 1023, 4096}) {
            checkForward(path, TestData.normal(41, ROWS * cols, 1e4, 1), ROWS, cols, true, true, 1e-5f, FORWARD_TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void rowsOpeningWithOutliersKeepFullPrecision(String path) {
        // A row's first elements far from its mean: a shortcut that centres on them would lose the variance.
        for (int cols : new int[] {9, 1000, 1023}) {
            float[] x = TestData.normal(43, ROWS * cols, 0, 1);
            for (int r = 0; r < ROWS; r++) {
                for (int j = 0; j < Math.min(8, cols - 1); j++) x[r * cols + j] = 1000f + r;
            }
            checkForward(path, x, ROWS, cols, true, true, 1e-5f, FORWARD_TOL);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void hugeAndTinyMagnitudesNormalizeLikeUnitOnes(String path) {
        // Squares of these overflow or underflow f32; with eps 0 the tiny rows depend on their variance alone.
        for (double magnitude : new double[] {1e30, 1e-30}) {
            for (int cols : new int[] {9, 1000}) {
                checkForward(path, TestData.normal(42, ROWS * cols, 0, magnitude), ROWS, cols, true, true, 0f,
                        FORWARD_TOL);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void constantRowsNormalizeToTheShift(String path) {
        int cols = 37;
        float[] x = new float[ROWS * cols];
        Arrays.fill(x, 3.25f);
        float[] gamma = TestData.normal(51, cols);
        float[] beta = TestData.normal(52, cols);
        float[] y = new float[x.length];
        float[] mean = new float[ROWS];
        float[] rstd = new float[ROWS];
        kernel(path, desc(ROWS, cols, true, true)).forwardTraining(x, y, gamma, beta, mean, rstd);
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(beta, Arrays.copyOfRange(y, r * cols, (r + 1) * cols));
            assertEquals(3.25f, mean[r]);
            assertEquals((float) (1 / Math.sqrt(1e-5f)), rstd[r], 1e-6f * rstd[r]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanInOneRowMakesOnlyThatRowNaN(String path) {
        int cols = 1000;
        float[] x = TestData.normal(61, ROWS * cols);
        x[cols + 517] = Float.NaN;
        float[] y = new float[x.length];
        float[] gamma = TestData.normal(62, cols);
        float[] beta = TestData.normal(63, cols);
        kernel(path, desc(ROWS, cols, true, true)).forward(x, y, gamma, beta);
        for (int j = 0; j < cols; j++) {
            assertTrue(Float.isNaN(y[cols + j]), "row 1 col " + j + " is " + y[cols + j]);
        }
        double[] ref = DoubleReference.layerNorm(x, ROWS, cols, gamma, beta, 1e-5).y();
        assertClose(path + " row 0", ref, y, cols, FORWARD_TOL, 1);
        assertClose(path + " row 2", Arrays.copyOfRange(ref, 2 * cols, 3 * cols),
                Arrays.copyOfRange(y, 2 * cols, 3 * cols), FORWARD_TOL, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nativeSegmentsAtAnUnalignedFloatOffsetWork(String path) {
        int cols = 1023;
        float[] x = TestData.normal(71, ROWS * cols);
        float[] gamma = TestData.normal(72, cols);
        float[] beta = TestData.normal(73, cols);
        try (Arena arena = Arena.ofConfined()) {
            // One float in, so vectors straddle cache lines and the row starts off any vector boundary.
            MemorySegment src = arena.allocate((x.length + 1L) * Float.BYTES).asSlice(Float.BYTES);
            MemorySegment dst = arena.allocate((x.length + 1L) * Float.BYTES).asSlice(Float.BYTES);
            MemorySegment.copy(x, 0, src, ValueLayout.JAVA_FLOAT, 0, x.length);
            kernel(path, desc(ROWS, cols, true, true)).forward(src, dst, MemorySegment.ofArray(gamma),
                    MemorySegment.ofArray(beta));
            float[] y = dst.toArray(ValueLayout.JAVA_FLOAT);
            assertClose(path, DoubleReference.layerNorm(x, ROWS, cols, gamma, beta, 1e-5).y(), y, x.length,
                    FORWARD_TOL, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void heapSegmentsOfOtherArrayTypesWork(String path) {
        int cols = 9;
        float[] x = TestData.normal(81, 2 * cols);
        long[] srcWords = new long[cols];
        long[] dstWords = new long[cols];
        MemorySegment src = MemorySegment.ofArray(srcWords);
        MemorySegment.copy(x, 0, src, ValueLayout.JAVA_FLOAT, 0, x.length);
        MemorySegment dst = MemorySegment.ofArray(dstWords);
        kernel(path, desc(2, cols, false, false)).forward(src, dst, null, null);
        assertClose(path, DoubleReference.layerNorm(x, 2, cols, null, null, 1e-5).y(),
                dst.toArray(ValueLayout.JAVA_FLOAT), FORWARD_TOL, 1);
    }

    @ParameterizedTest
    @MethodSource("dev.normkit.Memory#pathsAndLayouts")
    void everyMemoryLayoutMatchesDoubleReference(String path, Memory.Layout layout) {
        int cols = 1023;
        float[] x = TestData.normal(91, ROWS * cols, 0.5, 2);
        float[] gamma = TestData.normal(92, cols, 1, 0.5);
        float[] beta = TestData.normal(93, cols);
        float[] dy = TestData.normal(94, ROWS * cols);
        LayerNormKernel k = kernel(path, desc(ROWS, cols, true, true));
        String what = path + " " + layout;
        DoubleReference.Normalized ref = DoubleReference.layerNorm(x, ROWS, cols, gamma, beta, 1e-5);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = layout.of(0).holding(arena, x);
            MemorySegment dst = layout.of(1).output(arena, x.length);
            MemorySegment g = layout.of(2).holding(arena, gamma);
            MemorySegment b = layout.of(3).holding(arena, beta);
            MemorySegment mean = layout.of(4).output(arena, ROWS);
            MemorySegment rstd = layout.of(5).output(arena, ROWS);
            k.forwardTraining(src, dst, g, b, mean, rstd);
            assertClose(what + " dst", ref.y(), Memory.read(dst), FORWARD_TOL, 1);
            assertClose(what + " mean", ref.mean(), Memory.read(mean), FORWARD_TOL, 1);
            assertClose(what + " rstd", ref.rstd(), Memory.read(rstd), FORWARD_TOL, 0);

            MemorySegment diffDst = layout.of(6).holding(arena, dy);
            MemorySegment diffSrc = layout.of(7).output(arena, x.length);
            MemorySegment diffScale = layout.of(8).output(arena, cols);
            MemorySegment diffShift = layout.of(9).output(arena, cols);
            k.backward(src, diffDst, g, mean, rstd, diffSrc, diffScale, diffShift);
            DoubleReference.Gradients grads = DoubleReference.layerNormBackward(x, dy, ROWS, cols, gamma,
                    Memory.read(mean), Memory.read(rstd));
            assertClose(what + " diffSrc", grads.diffSrc(), Memory.read(diffSrc), BACKWARD_TOL, 1);
            assertClose(what + " diffScale", grads.diffScale(), Memory.read(diffScale), BACKWARD_TOL, 1);
            assertClose(what + " diffShift", grads.diffShift(), Memory.read(diffShift), BACKWARD_TOL, 1);

            // In place: dst is src, diffSrc is diffDst.
            k.backward(src, diffDst, g, mean, rstd, diffDst, diffScale, diffShift);
            assertClose(what + " in-place diffSrc", grads.diffSrc(), Memory.read(diffDst), BACKWARD_TOL, 1);
            k.forward(src, src, g, b);
            assertClose(what + " in-place dst", ref.y(), Memory.read(src), FORWARD_TOL, 1);
        }
    }
}
