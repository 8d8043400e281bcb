package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths on weight norm: worked examples done by hand, then the paths against each other everywhere. */
class WeightNormKernelTest {

    private static final double TOL = 2e-7;

    private static WeightNormKernel kernel(String path, WeightNormDesc d) {
        return Backends.get(path).create(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void rowsAreScaledToTheirGainByHand(String path) {
        // v = [[3, 4, 0], [1, 2, 2]]: row norms 5 and 3; g = [2, -1].
        WeightNormKernel k = kernel(path, WeightNormDesc.of(Shape.of(2, 3)));
        float[] v = {3, 4, 0, 1, 2, 2};
        float[] g = {2, -1};
        float[] w = new float[6];
        float[] norm = new float[2];
        k.forwardTraining(v, g, w, norm);
        assertClose("w", new double[] {1.2, 1.6, 0, -1.0 / 3, -2.0 / 3, -2.0 / 3}, w, TOL, 0);
        assertArrayEquals(new float[] {5, 3}, norm);

        // diffW = [[1, 0, 0], [0, 0, 3]]. Row 0: diffG = 3/5, diffV = (2/5)([1,0,0] - [3,4,0] * 0.6/5)
        // = [0.256, -0.192, 0]. Row 1: diffG = 6/3 = 2, diffV = (-1/3)([0,0,3] - [1,2,2] * 2/3) = [2/9, 4/9, -5/9].
        float[] diffV = new float[6];
        float[] diffG = new float[2];
        k.backward(v, g, norm, new float[] {1, 0, 0, 0, 0, 3}, diffV, diffG);
        assertClose("diffV", new double[] {0.256, -0.192, 0, 2.0 / 9, 4.0 / 9, -5.0 / 9}, diffV, TOL, 1e-30);
        assertClose("diffG", new double[] {0.6, 2}, diffG, TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void otherDimsAndTheWholeTensorByHand(String path) {
        // dim 1 of [[3, 1], [4, 2]]: columns (3, 4) and (1, 2), norms 5 and sqrt(5).
        float[] w = new float[4];
        kernel(path, WeightNormDesc.of(Shape.of(2, 2)).withDim(1)).forward(new float[] {3, 1, 4, 2},
                new float[] {1, 1}, w);
        double r5 = Math.sqrt(5);
        assertClose("dim 1", new double[] {0.6, 1 / r5, 0.8, 2 / r5}, w, TOL, 0);
        // Whole tensor: one norm 5, one gain 10.
        float[] whole = new float[2];
        kernel(path, WeightNormDesc.of(Shape.of(2, 1)).withDim(WeightNormDesc.WHOLE_TENSOR))
                .forward(new float[] {3, 4}, new float[] {10}, whole);
        assertClose("whole", new double[] {6, 8}, whole, TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void aSliceOfZerosGivesNaNAsPyTorchDoes(String path) {
        float[] w = new float[4];
        kernel(path, WeightNormDesc.of(Shape.of(2, 2))).forward(new float[] {0, 0, 3, 4}, new float[] {1, 1}, w);
        assertTrue(Float.isNaN(w[0]) && Float.isNaN(w[1]), "0/0 in the zero row");
        assertClose("other row", new double[] {0.6, 0.8}, new float[] {w[2], w[3]}, TOL, 0);
    }

    /** Vector against scalar on every dim, on float[], native and mixed memory, and in place. */
    @Test
    void vectorMatchesScalarOnEveryDimAndPlacement() {
        Shape[] shapes = {Shape.of(64, 3, 7, 7), Shape.of(17, 5), Shape.of(3, 67), Shape.of(5, 2, 33)};
        for (Shape s : shapes) {
            for (int dim = -1; dim < s.rank(); dim++) {
                WeightNormDesc d = WeightNormDesc.of(s).withDim(dim);
                int n = (int) s.elementCount();
                int slices = (int) d.slices();
                SplittableRandom rnd = new SplittableRandom(n + dim);
                float[] v = normal(rnd, n);
                float[] g = normal(rnd, slices);
                float[] dw = normal(rnd, n);
                float[] w0 = new float[n], norm0 = new float[slices], dv0 = new float[n], dg0 = new float[slices];
                WeightNormKernel scalar = kernel("scalar", d);
                scalar.forwardTraining(v, g, w0, norm0);
                scalar.backward(v, g, norm0, dw, dv0, dg0);
                WeightNormKernel vector = kernel("vector", d);
                String what = d.toString();

                float[] w = new float[n], norm = new float[slices], dv = new float[n], dg = new float[slices];
                vector.forwardTraining(v, g, w, norm);
                vector.backward(v, g, norm0, dw, dv, dg);
                assertClose(what + " w", widen(w0), w, 1e-6, 0);
                assertClose(what + " norm", widen(norm0), norm, 1e-6, 0);
                // Gradients cancel (dw - v * diffG / norm): their errors are measured against the largest element.
                assertClose(what + " diffV", widen(dv0), dv, 1e-5, floor(dv0));
                assertClose(what + " diffG", widen(dg0), dg, 1e-5, floor(dg0));

                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment nw = arena.allocate(ValueLayout.JAVA_FLOAT, n);
                    MemorySegment nNorm = arena.allocate(ValueLayout.JAVA_FLOAT, slices);
                    vector.forwardTraining(copy(arena, v), copy(arena, g), nw, nNorm); // native
                    assertArrayEquals(w, nw.toArray(ValueLayout.JAVA_FLOAT), what + " native w");
                    float[] mixed = new float[n];
                    vector.forward(copy(arena, v), MemorySegment.ofArray(g), MemorySegment.ofArray(mixed)); // mixed
                    assertArrayEquals(w, mixed, what + " mixed w");
                    MemorySegment nDv = arena.allocate(ValueLayout.JAVA_FLOAT, n);
                    float[] mixedDg = new float[slices];
                    vector.backward(copy(arena, v), MemorySegment.ofArray(g), copy(arena, norm0), copy(arena, dw),
                            nDv, MemorySegment.ofArray(mixedDg));
                    assertArrayEquals(dv, nDv.toArray(ValueLayout.JAVA_FLOAT), what + " mixed diffV");
                    assertArrayEquals(dg, mixedDg, what + " mixed diffG");
                }
                float[] inPlace = v.clone();
                vector.forward(inPlace, g, inPlace);
                assertArrayEquals(w, inPlace, what + " w = v");
                float[] grads = dw.clone();
                vector.backward(v, g, norm0, grads, grads, dg);
                assertArrayEquals(dv, grads, what + " diffV = diffW");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void badArgumentsAreNamed(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightNormDesc.of(Shape.of(2, 3)).withDim(2));
        assertTrue(e.getMessage().startsWith("dim: must be in [0, 2)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WeightNormDesc(null, 0));
        WeightNormKernel k = kernel(path, WeightNormDesc.of(Shape.of(2, 3)));
        e = assertThrows(IllegalArgumentException.class, () -> k.forward(new float[6], new float[3 - 2], new float[6]));
        assertTrue(e.getMessage().startsWith("g: needs 2 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.forwardTraining(new float[6], new float[2], new float[6], null));
        assertTrue(e.getMessage().startsWith("norm: must not be null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.backward(new float[6], new float[2], new float[2],
                new float[5], new float[6], new float[2]));
        assertTrue(e.getMessage().startsWith("diffW: needs 6 floats"), e.getMessage());
    }

    static float[] normal(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** An absolute floor for outputs that cancel: a twentieth of the largest magnitude. */
    static double floor(float[] x) {
        double max = 0;
        for (float f : x) max = Math.max(max, Math.abs(f));
        return max / 20;
    }

    static double[] widen(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    static MemorySegment copy(Arena arena, float[] a) {
        MemorySegment s = arena.allocate(ValueLayout.JAVA_FLOAT, a.length);
        MemorySegment.copy(a, 0, s, ValueLayout.JAVA_FLOAT, 0, a.length);
        return s;
    }
}
