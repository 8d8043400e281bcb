package dev.normkit;

import static dev.normkit.Close.assertClose;
import static dev.normkit.Close.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths against a double computation of RMS norm. */
class RmsNormKernelTest {

    private static final int ROWS = 3;
    /** Errors scaled by {@code 1 + |expected|}; both paths stay near 2e-7 (a few f32 roundings). */
    private static final double TOL = 2e-6;

    private static RmsNormKernel kernel(String path, RmsNormDesc desc) {
        return Backends.get(path).create(desc);
    }

    private static void checkForward(String path, float[] x, int rows, int cols, boolean useScale, float eps) {
        float[] gamma = useScale ? TestData.normal(11, cols, 1, 0.5) : null;
        float[] y = new float[x.length];
        float[] rstd = new float[rows];
        RmsNormDesc d = RmsNormDesc.of(Shape.of(rows, cols)).withScale(useScale).withEps(eps);
        kernel(path, d).forwardTraining(x, y, gamma, rstd);
        DoubleReference.Normalized ref = DoubleReference.rmsNorm(x, rows, cols, gamma, eps);
        String what = path + " cols=" + cols + " scale=" + useScale;
        assertClose(what + " dst", ref.y(), y, TOL, 1);
        assertClose(what + " rstd", ref.rstd(), rstd, TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void forwardMatchesDoubleReferenceOnAwkwardLengths(String path) {
        for (int cols : TestData.AWKWARD_LENGTHS) {
            float[] x = TestData.normal(cols, ROWS * cols, 0.5, 2);
            checkForward(path, x, ROWS, cols, true, RmsNormDesc.DEFAULT_EPS);
            checkForward(path, x, ROWS, cols, false, RmsNormDesc.DEFAULT_EPS);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inferenceForwardEqualsTrainingForward(String path) {
        int cols = 1025;
        float[] x = TestData.normal(5, ROWS * cols);
        float[] gamma = TestData.normal(6, cols);
        float[] inference = new float[x.length];
        float[] training = new float[x.length];
        RmsNormKernel k = kernel(path, RmsNormDesc.of(Shape.of(ROWS, cols)));
        k.forward(x, inference, gamma);
        k.forwardTraining(x, training, gamma, new float[ROWS]);
        assertArrayEquals(training, inference);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void backwardMatchesDoubleReferenceOnAwkwardLengths(String path) {
        for (int cols : TestData.AWKWARD_LENGTHS) {
            float[] x = TestData.normal(cols, ROWS * cols, 0.5, 2);
            float[] dy = TestData.normal(cols + 1, ROWS * cols);
            float[] rstd = toFloat(DoubleReference.rmsNorm(x, ROWS, cols, null, 1e-6).rstd());
            for (boolean useScale : new boolean[] {true, false}) {
                float[] gamma = useScale ? TestData.normal(13, cols, 1, 0.5) : null;
                float[] dx = new float[x.length];
                float[] dGamma = useScale ? new float[cols] : null;
                if (useScale) Arrays.fill(dGamma, 99f); // overwritten, not accumulated into
                RmsNormDesc d = RmsNormDesc.of(Shape.of(ROWS, cols)).withScale(useScale);
                kernel(path, d).backward(x, dy, gamma, rstd, dx, dGamma);
                DoubleReference.Gradients ref = DoubleReference.rmsNormBackward(x, dy, ROWS, cols, gamma, rstd);
                String what = path + " cols=" + cols + " scale=" + useScale;
                assertClose(what + " diffSrc", ref.diffSrc(), dx, TOL, 1);
                if (useScale) assertClose(what + " diffScale", ref.diffScale(), dGamma, TOL, 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void normalizesTheLastTwoAxesOfARank3TensorAsOneRow(String path) {
        RmsNormDesc d = RmsNormDesc.of(Shape.of(2, 5, 13)).withNormalizedAxes(2);
        float[] x = TestData.normal(21, 130, 1, 3);
        float[] gamma = TestData.normal(22, 65);
        float[] y = new float[130];
        kernel(path, d).forward(x, y, gamma);
        assertClose(path, DoubleReference.rmsNorm(x, 2, 65, gamma, d.eps()).y(), y, TOL, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inPlaceForwardAndBackwardMatchOutOfPlace(String path) {
        int cols = 1023;
        RmsNormKernel k = kernel(path, RmsNormDesc.of(Shape.of(ROWS, cols)));
        float[] x = TestData.normal(31, ROWS * cols);
        float[] gamma = TestData.normal(32, cols);
        float[] y = new float[x.length];
        float[] rstd = new float[ROWS];
        k.forwardTraining(x, y, gamma, rstd);
        float[] inPlace = x.clone();
        k.forward(inPlace, inPlace, gamma);
        assertArrayEquals(y, inPlace);

        float[] dy = TestData.normal(34, x.length);
        float[] dx = new float[x.length];
        k.backward(x, dy, gamma, rstd, dx, new float[cols]);
        float[] dyInPlace = dy.clone();
        k.backward(x, dyInPlace, gamma, rstd, dyInPlace, new float[cols]);
        assertArrayEquals(dx, dyInPlace);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void hugeAndTinyMagnitudesNormalizeLikeUnitOnes(String path) {
        // Squares of these overflow or underflow f32; with eps 0 the tiny rows depend on their mean square alone.
        for (double magnitude : new double[] {1e30, 1e-30}) {
            for (int cols : new int[] {9, 1000}) {
                checkForward(path, TestData.normal(42, ROWS * cols, 0, magnitude), ROWS, cols, true, 0f);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void zeroRowsStayZero(String path) {
        int cols = 17;
        float[] y = new float[ROWS * cols];
        Arrays.fill(y, 5f);
        float[] rstd = new float[ROWS];
        kernel(path, RmsNormDesc.of(Shape.of(ROWS, cols))).forwardTraining(new float[ROWS * cols], y,
                TestData.normal(51, cols), rstd);
        for (float v : y) assertEquals(0f, v, 0f); // +0 or -0: the sign follows gamma
        assertEquals((float) (1 / Math.sqrt(RmsNormDesc.DEFAULT_EPS)), rstd[0], 1e-6f * rstd[0]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanInOneRowMakesOnlyThatRowNaN(String path) {
        int cols = 1000;
        float[] x = TestData.normal(61, ROWS * cols);
        x[cols + 3] = Float.NaN;
        float[] y = new float[x.length];
        float[] gamma = TestData.normal(62, cols);
        kernel(path, RmsNormDesc.of(Shape.of(ROWS, cols))).forward(x, y, gamma);
        for (int j = 0; j < cols; j++) {
            assertTrue(Float.isNaN(y[cols + j]), "row 1 col " + j + " is " + y[cols + j]);
        }
        double[] ref = DoubleReference.rmsNorm(x, ROWS, cols, gamma, RmsNormDesc.DEFAULT_EPS).y();
        assertClose(path + " row 0", ref, y, cols, TOL, 1);
        assertClose(path + " row 2", Arrays.copyOfRange(ref, 2 * cols, 3 * cols),
                Arrays.copyOfRange(y, 2 * cols, 3 * cols), TOL, 1);
    }

    @ParameterizedTest
    @MethodSource("dev.normkit.Memory#pathsAndLayouts")
    void everyMemoryLayoutMatchesDoubleReference(String path, Memory.Layout layout) {
        int cols = 1023;
        float[] x = TestData.normal(91, ROWS * cols, 0.5, 2);
        float[] dy = TestData.normal(94, ROWS * cols);
        for (boolean useScale : new boolean[] {true, false}) {
            float[] gamma = useScale ? TestData.normal(92, cols, 1, 0.5) : null;
            RmsNormKernel k = kernel(path, RmsNormDesc.of(Shape.of(ROWS, cols)).withScale(useScale));
            String what = path + " " + layout + " scale=" + useScale;
            DoubleReference.Normalized ref = DoubleReference.rmsNorm(x, ROWS, cols, gamma, RmsNormDesc.DEFAULT_EPS);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = layout.of(0).holding(arena, x);
                MemorySegment dst = layout.of(1).output(arena, x.length);
                MemorySegment g = useScale ? layout.of(2).holding(arena, gamma) : null;
                MemorySegment rstd = layout.of(3).output(arena, ROWS);
                k.forwardTraining(src, dst, g, rstd);
                assertClose(what + " dst", ref.y(), Memory.read(dst), TOL, 1);
                assertClose(what + " rstd", ref.rstd(), Memory.read(rstd), TOL, 0);

                MemorySegment diffDst = layout.of(4).holding(arena, dy);
                MemorySegment diffSrc = layout.of(5).output(arena, x.length);
                MemorySegment diffScale = useScale ? layout.of(6).output(arena, cols) : null;
                k.backward(src, diffDst, g, rstd, diffSrc, diffScale);
                DoubleReference.Gradients grads =
                        DoubleReference.rmsNormBackward(x, dy, ROWS, cols, gamma, Memory.read(rstd));
                assertClose(what + " diffSrc", grads.diffSrc(), Memory.read(diffSrc), TOL, 1);
                if (useScale) assertClose(what + " diffScale", grads.diffScale(), Memory.read(diffScale), TOL, 1);

                // In place: dst is src, diffSrc is diffDst.
                k.backward(src, diffDst, g, rstd, diffDst, diffScale);
                assertClose(what + " in-place diffSrc", grads.diffSrc(), Memory.read(diffDst), TOL, 1);
                k.forward(src, src, g);
                assertClose(what + " in-place dst", ref.y(), Memory.read(src), TOL, 1);
            }
        }
    }
}
