package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths against a double computation of softmax and log-softmax, along the last and inner axes. */
class SoftmaxKernelTest {

    private static final int ROWS = 3;
    /**
     * Softmax errors are relative (outputs span many magnitudes) with a floor of 1e-6 for outputs near 0. The vector
     * path rounds x - max to f32 before exp (relative error up to |x - max| * 2^-24), observed up to 6e-7.
     */
    private static final double TOL = 5e-6;
    private static final double FLOOR = 1e-6;

    private static SoftmaxKernel kernel(String path, SoftmaxDesc desc) {
        return Backends.get(path).create(desc);
    }

    /** Forward and backward of {@code desc} on seeded data against the reference. */
    private static void check(String path, SoftmaxDesc desc, float[] x) {
        int outer = (int) desc.outer();
        int length = (int) desc.axisLength();
        int inner = (int) desc.inner();
        String what = path + " " + desc;
        SoftmaxKernel k = kernel(path, desc);
        float[] y = new float[x.length];
        k.forward(x, y);
        assertClose(what + " dst", DoubleReference.softmax(x, outer, length, inner, desc.log()), y, TOL,
                desc.log() ? 1 : FLOOR);

        float[] dy = TestData.normal(x.length + 7, x.length);
        float[] dx = new float[x.length];
        k.backward(y, dy, dx);
        assertClose(what + " diffSrc", DoubleReference.softmaxBackward(y, dy, outer, length, inner, desc.log()), dx,
                TOL, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void lastAxisMatchesDoubleReferenceOnAwkwardLengths(String path) {
        for (int length : TestData.AWKWARD_LENGTHS) {
            float[] x = TestData.normal(length, ROWS * length, 0, 3);
            check(path, SoftmaxDesc.of(Shape.of(ROWS, length)), x);
            check(path, SoftmaxDesc.logOf(Shape.of(ROWS, length)), x);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void innerAxesMatchDoubleReference(String path) {
        // inner below, at and above the vector width, with and without a partial last block; axis 0 of a matrix.
        long[][] shapes = {{3, 17, 11}, {2, 9, 3}, {2, 5, 20}, {1, 1025, 9}, {2, 7, 33}, {4, 2, 16}};
        for (long[] s : shapes) {
            Shape shape = Shape.of(s);
            float[] x = TestData.normal(s[1], (int) shape.elementCount(), 0, 3);
            check(path, new SoftmaxDesc(shape, 1, false), x);
            check(path, new SoftmaxDesc(shape, 1, true), x);
        }
        float[] x = TestData.normal(99, 7 * 10, 0, 3);
        check(path, new SoftmaxDesc(Shape.of(7, 10), 0, false), x);
        check(path, new SoftmaxDesc(Shape.of(7, 10), 0, true), x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void largeCommonOffsetDoesNotMatter(String path) {
        float[] x = TestData.normal(5, ROWS * 1023, 1e4, 1);
        check(path, SoftmaxDesc.of(Shape.of(ROWS, 1023)), x);
        check(path, SoftmaxDesc.logOf(Shape.of(ROWS, 1023)), x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inPlaceForwardAndBackwardMatchOutOfPlace(String path) {
        for (SoftmaxDesc d : new SoftmaxDesc[] {SoftmaxDesc.of(Shape.of(ROWS, 1025)),
                SoftmaxDesc.logOf(Shape.of(ROWS, 1025)), new SoftmaxDesc(Shape.of(3, 17, 11), 1, false),
                new SoftmaxDesc(Shape.of(3, 17, 11), 1, true)}) {
            SoftmaxKernel k = kernel(path, d);
            int n = (int) d.shape().elementCount();
            float[] x = TestData.normal(31, n, 0, 2);
            float[] y = new float[n];
            k.forward(x, y);
            float[] inPlace = x.clone();
            k.forward(inPlace, inPlace);
            assertSameResult(path, y, inPlace, d.toString());

            float[] dy = TestData.normal(32, n);
            float[] dx = new float[n];
            k.backward(y, dy, dx);
            k.backward(y, dy, dy);
            assertSameResult(path, dx, dy, d.toString());
        }
    }

    /** The same bits on every path: the vector exp is made of exactly rounded operations, whatever the JIT tier. */
    private static void assertSameResult(String path, float[] expected, float[] actual, String what) {
        assertArrayEquals(expected, actual, path + " " + what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanInOneRowMakesOnlyThatRowNaN(String path) {
        for (boolean log : new boolean[] {false, true}) {
            int length = 1000;
            float[] x = TestData.normal(41, ROWS * length);
            // The NaN sits beside the row's largest value, where a max that drops NaN would still look right.
            x[length + 10] = 50f;
            x[length + 11] = Float.NaN;
            float[] y = new float[x.length];
            kernel(path, new SoftmaxDesc(Shape.of(ROWS, length), 1, log)).forward(x, y);
            for (int j = 0; j < length; j++) {
                assertTrue(Float.isNaN(y[length + j]), "log=" + log + " col " + j + " is " + y[length + j]);
            }
            double[] ref = DoubleReference.softmax(x, ROWS, length, 1, log);
            assertClose(path + " row 0", ref, y, length, TOL, log ? 1 : FLOOR);
            assertClose(path + " row 2", Arrays.copyOfRange(ref, 2 * length, 3 * length),
                    Arrays.copyOfRange(y, 2 * length, 3 * length), TOL, log ? 1 : FLOOR);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanAlongAnInnerAxisMakesOnlyItsRowNaN(String path) {
        Shape shape = Shape.of(2, 6, 11);
        float[] x = TestData.normal(42, 132);
        x[66 + 4 * 11 + 5] = Float.NaN; // outer 1, element 4 of the row at inner 5
        float[] y = new float[132];
        kernel(path, new SoftmaxDesc(shape, 1, false)).forward(x, y);
        double[] ref = DoubleReference.softmax(x, 2, 6, 11, false);
        for (int i = 0; i < 132; i++) {
            boolean inNanRow = i >= 66 && i % 11 == 5;
            assertEquals(inNanRow, Float.isNaN(y[i]), "element " + i + " is " + y[i]);
        }
        assertClose(path, ref, y, TOL, FLOOR);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void infinitiesFollowTheMath(String path) {
        int length = 9;
        float[] x = TestData.normal(43, ROWS * length);
        x[2] = Float.NEGATIVE_INFINITY; // row 0: exp(-inf) = 0
        x[length + 4] = Float.POSITIVE_INFINITY; // row 1: inf - inf = NaN, as PyTorch gives
        Arrays.fill(x, 2 * length, 3 * length, Float.NEGATIVE_INFINITY); // row 2: all -inf, NaN as well
        for (boolean log : new boolean[] {false, true}) {
            float[] y = new float[x.length];
            kernel(path, new SoftmaxDesc(Shape.of(ROWS, length), 1, log)).forward(x, y);
            assertEquals(log ? Float.NEGATIVE_INFINITY : 0f, y[2], "log=" + log);
            double[] ref = DoubleReference.softmax(x, ROWS, length, 1, log);
            assertClose(path + " row 0 log=" + log, ref, y, length, TOL, log ? 1 : FLOOR);
            for (int j = length; j < 3 * length; j++) {
                assertTrue(Float.isNaN(y[j]), "log=" + log + " element " + j + " is " + y[j]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.normkit.Memory#pathsAndLayouts")
    void everyMemoryLayoutMatchesDoubleReference(String path, Memory.Layout layout) {
        // The last axis, and an inner axis with whole vector blocks and a remainder at every width.
        for (SoftmaxDesc d : new SoftmaxDesc[] {SoftmaxDesc.of(Shape.of(ROWS, 1023)),
                SoftmaxDesc.logOf(Shape.of(ROWS, 1023)), new SoftmaxDesc(Shape.of(2, 7, 37), 1, false),
                new SoftmaxDesc(Shape.of(2, 7, 37), 1, true)}) {
            int outer = (int) d.outer();
            int length = (int) d.axisLength();
            int inner = (int) d.inner();
            int n = (int) d.shape().elementCount();
            float[] x = TestData.normal(95, n, 0, 3);
            float[] dy = TestData.normal(96, n);
            SoftmaxKernel k = kernel(path, d);
            String what = path + " " + layout + " " + d;
            double[] ref = DoubleReference.softmax(x, outer, length, inner, d.log());
            double floor = d.log() ? 1 : FLOOR;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = layout.of(0).holding(arena, x);
                MemorySegment dst = layout.of(1).output(arena, n);
                k.forward(src, dst);
                float[] y = Memory.read(dst);
                assertClose(what + " dst", ref, y, TOL, floor);

                MemorySegment diffDst = layout.of(2).holding(arena, dy);
                MemorySegment diffSrc = layout.of(3).output(arena, n);
                k.backward(dst, diffDst, diffSrc);
                double[] grads = DoubleReference.softmaxBackward(y, dy, outer, length, inner, d.log());
                assertClose(what + " diffSrc", grads, Memory.read(diffSrc), TOL, 1);

                // In place: dst is src, diffSrc is diffDst.
                k.backward(dst, diffDst, diffDst);
                assertClose(what + " in-place diffSrc", grads, Memory.read(diffDst), TOL, 1);
                k.forward(src, src);
                assertClose(what + " in-place dst", ref, Memory.read(src), TOL, floor);
            }
        }
    }
}
