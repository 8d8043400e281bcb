package dev.normkit;

import static dev.normkit.Close.assertClose;
import static dev.normkit.WeightNormKernelTest.copy;
import static dev.normkit.WeightNormKernelTest.floor;
import static dev.normkit.WeightNormKernelTest.normal;
import static dev.normkit.WeightNormKernelTest.widen;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths on spectral norm: a power iteration and a backward worked by hand, then vector against scalar. */
class SpectralNormKernelTest {

    private static final double TOL = 3e-7;

    private static SpectralNormKernel kernel(String path, SpectralNormDesc d) {
        return Backends.get(path).create(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void onePowerIterationByHand(String path) {
        // W = [[3, 0], [0, 1]], u = [0.6, 0.8]. W^T u = [1.8, 0.8], so v = [1.8, 0.8] / sqrt(3.88);
        // W v = [5.4, 0.8] / sqrt(3.88), so u = [5.4, 0.8] / sqrt(29.8); sigma = u^T W v = sqrt(29.8 / 3.88).
        float[] w = {3, 0, 0, 1};
        float[] u = {0.6f, 0.8f};
        float[] v = {123, -7}; // overwritten before it is read
        float[] dst = new float[4];
        float[] sigma = new float[1];
        kernel(path, SpectralNormDesc.of(Shape.of(2, 2))).forwardTraining(w, u, v, dst, sigma);
        double s = Math.sqrt(29.8 / 3.88);
        assertClose("v", new double[] {1.8 / Math.sqrt(3.88), 0.8 / Math.sqrt(3.88)}, v, TOL, 0);
        assertClose("u", new double[] {5.4 / Math.sqrt(29.8), 0.8 / Math.sqrt(29.8)}, u, TOL, 0);
        assertClose("sigma", new double[] {s}, sigma, TOL, 0);
        assertClose("dst", new double[] {3 / s, 0, 0, 1 / s}, dst, TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inferenceAndZeroIterationsUseTheGivenVectors(String path) {
        // W = [[1, 2, 3], [4, 5, 6]], u = [1, 0], v = [0, 0, 1]: sigma = W[0][2] = 3.
        float[] w = {1, 2, 3, 4, 5, 6};
        float[] u = {1, 0};
        float[] v = {0, 0, 1};
        double[] expected = {1 / 3.0, 2 / 3.0, 1, 4 / 3.0, 5 / 3.0, 2};
        float[] dst = new float[6];
        kernel(path, SpectralNormDesc.of(Shape.of(2, 3))).forward(w, u, v, dst);
        assertClose("inference", expected, dst, TOL, 0);
        float[] sigma = new float[1];
        kernel(path, SpectralNormDesc.of(Shape.of(2, 3)).withPowerIterations(0)).forwardTraining(w, u, v, dst, sigma);
        assertEquals(3f, sigma[0]);
        assertClose("no iterations", expected, dst, TOL, 0);
        assertArrayEquals(new float[] {1, 0}, u, "u untouched");
        assertArrayEquals(new float[] {0, 0, 1}, v, "v untouched");
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void backwardByHand(String path) {
        // W = [[3, 0], [0, 1]], u = v = [1, 0], sigma = 3, diffDst all ones: sum(diffDst * W) = 4, so
        // diffW = (ones - (4/3) u v^T) / 3 = [[-1/9, 1/3], [1/3, 1/3]].
        float[] diffSrc = new float[4];
        kernel(path, SpectralNormDesc.of(Shape.of(2, 2))).backward(new float[] {3, 0, 0, 1},
                new float[] {1, 1, 1, 1}, new float[] {1, 0}, new float[] {1, 0}, new float[] {3}, diffSrc);
        assertClose("diffW", new double[] {-1 / 9.0, 1 / 3.0, 1 / 3.0, 1 / 3.0}, diffSrc, TOL, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void oneNaNOrInfinityInWMakesUSigmaAndDstNaN(String path) {
        for (float special : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] w = normal(new SplittableRandom(3), 5 * 19);
            w[42] = special;
            float[] u = normal(new SplittableRandom(4), 5);
            float[] v = new float[19];
            float[] dst = new float[w.length];
            float[] sigma = new float[1];
            kernel(path, SpectralNormDesc.of(Shape.of(5, 19))).forwardTraining(w, u, v, dst, sigma);
            for (float[] out : new float[][] {u, dst, sigma}) {
                for (float x : out) assertTrue(Float.isNaN(x), special + ": got " + x);
            }
            // v = W^T u / ||W^T u||: NaN spreads through the norm; an infinity makes the norm infinite, so v is NaN
            // (inf / inf) in the infinity's column (42 % 19 = 4) and 0 elsewhere, as PyTorch's normalize gives.
            for (int j = 0; j < v.length; j++) {
                boolean nan = Float.isNaN(special) || j == 4;
                assertTrue(nan ? Float.isNaN(v[j]) : v[j] == 0f, special + ": v[" + j + "] = " + v[j]);
            }
        }
    }

    /** Vector against scalar on several shapes and iteration counts, on float[], native and mixed memory. */
    @Test
    void vectorMatchesScalarOnEveryPlacement() {
        Shape[] shapes = {Shape.of(64, 3, 7, 7), Shape.of(17, 5), Shape.of(3, 67), Shape.of(1, 9), Shape.of(40, 1)};
        for (Shape s : shapes) {
            for (int iterations : new int[] {0, 1, 4}) {
                SpectralNormDesc d = SpectralNormDesc.of(s).withPowerIterations(iterations);
                String what = d.toString();
                int n = (int) s.elementCount(), rows = (int) d.rows(), cols = (int) d.cols();
                SplittableRandom rnd = new SplittableRandom(n + iterations);
                float[] w = normal(rnd, n);
                float[] u0 = normal(rnd, rows);
                float[] v0 = normal(rnd, cols);
                float[] dy = normal(rnd, n);

                float[] su = u0.clone(), sv = v0.clone(), sDst = new float[n], sSigma = new float[1];
                SpectralNormKernel scalar = kernel("scalar", d);
                scalar.forwardTraining(w, su, sv, sDst, sSigma);
                float[] sDx = new float[n];
                scalar.backward(w, dy, su, sv, sSigma, sDx);

                SpectralNormKernel vector = kernel("vector", d);
                float[] vu = u0.clone(), vv = v0.clone(), vDst = new float[n], vSigma = new float[1];
                vector.forwardTraining(w, vu, vv, vDst, vSigma);
                assertClose(what + " u", widen(su), vu, 1e-5, floor(su));
                assertClose(what + " v", widen(sv), vv, 1e-5, floor(sv));
                assertClose(what + " sigma", widen(sSigma), vSigma, 1e-5, 0);
                assertClose(what + " dst", widen(sDst), vDst, 1e-5, 0);
                float[] vDx = new float[n];
                vector.backward(w, dy, su, sv, sSigma, vDx);
                assertClose(what + " diffSrc", widen(sDx), vDx, 1e-5, floor(sDx));

                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment nu = copy(arena, u0), nv = copy(arena, v0), nSigma = copy(arena, new float[1]);
                    MemorySegment nDst = arena.allocate(ValueLayout.JAVA_FLOAT, n);
                    vector.forwardTraining(copy(arena, w), nu, nv, nDst, nSigma); // native
                    assertArrayEquals(vDst, nDst.toArray(ValueLayout.JAVA_FLOAT), what + " native dst");
                    assertArrayEquals(vu, nu.toArray(ValueLayout.JAVA_FLOAT), what + " native u");
                    float[] mu = u0.clone(), mv = v0.clone(), mSigma = new float[1];
                    vector.forwardTraining(copy(arena, w), MemorySegment.ofArray(mu), MemorySegment.ofArray(mv),
                            nDst, MemorySegment.ofArray(mSigma)); // mixed: u and v staged in and back
                    assertArrayEquals(vu, mu, what + " mixed u");
                    assertArrayEquals(vv, mv, what + " mixed v");
                    assertArrayEquals(vSigma, mSigma, what + " mixed sigma");
                    MemorySegment nDx = arena.allocate(ValueLayout.JAVA_FLOAT, n);
                    vector.backward(MemorySegment.ofArray(w), copy(arena, dy), copy(arena, su), copy(arena, sv),
                            MemorySegment.ofArray(sSigma), nDx);
                    assertArrayEquals(vDx, nDx.toArray(ValueLayout.JAVA_FLOAT), what + " mixed diffSrc");
                }
                float[] inPlace = w.clone();
                vector.forwardTraining(inPlace, u0.clone(), v0.clone(), inPlace, new float[1]);
                assertArrayEquals(vDst, inPlace, what + " dst = src");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void badArgumentsAreNamed(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpectralNormDesc.of(Shape.of(2, 3)).withPowerIterations(-1));
        assertTrue(e.getMessage().startsWith("powerIterations: must be >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SpectralNormDesc.of(Shape.of(2, 3)).withEps(0f));
        assertTrue(e.getMessage().startsWith("eps: must be finite and > 0"), e.getMessage());
        SpectralNormKernel k = kernel(path, SpectralNormDesc.of(Shape.of(2, 3)));
        e = assertThrows(IllegalArgumentException.class,
                () -> k.forwardTraining(new float[6], new float[3], new float[2], new float[6], new float[1]));
        assertTrue(e.getMessage().startsWith("v: needs 3 floats"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> k.forwardTraining(new float[6], new float[2], new float[3], new float[6], null));
        assertTrue(e.getMessage().startsWith("sigma: must not be null"), e.getMessage());
        MemorySegment readOnlyU = MemorySegment.ofArray(new float[2]).asReadOnly();
        e = assertThrows(IllegalArgumentException.class, () -> k.forwardTraining(MemorySegment.ofArray(new float[6]),
                readOnlyU, MemorySegment.ofArray(new float[3]), MemorySegment.ofArray(new float[6]),
                MemorySegment.ofArray(new float[1])));
        assertTrue(e.getMessage().startsWith("u: is an output"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> k.backward(new float[6], new float[6], new float[2],
                new float[3], new float[0], new float[6]));
        assertTrue(e.getMessage().startsWith("sigma: needs 1 floats"), e.getMessage());
    }
}
