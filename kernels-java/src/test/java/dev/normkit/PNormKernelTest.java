package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * l2_normalize and divisive_norm on both Java paths, against values worked out by hand or computed here from the
 * definition ({@code (sum |x|^p)^(1/p)} with {@link Math#pow}, the gradient from the chain rule), never from the kernels'
 * own code.
 */
class PNormKernelTest {

    private static final float INF = Float.POSITIVE_INFINITY;
    /** The seeds' p, PyTorch's default and the max norm. */
    private static final float[] PS = {0.3f, 1f, 2f, 3f, 3.2f, INF};
    /** Relative, floored at 1e-2 of the largest value: a few dozen f32 roundings (powers through SVML exp and log). */
    private static final double TOL = 2e-5;

    private static L2NormalizeKernel l2(String path, L2NormalizeDesc d) {
        return Backends.get(path).create(d);
    }

    private static DivisiveNormKernel divisive(String path, DivisiveNormDesc d) {
        return Backends.get(path).create(d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void normsWorkedOutByHand(String path) {
        float[] x = {3f, -4f};
        Shape s = Shape.of(1, 2);
        float[] y = new float[2];
        l2(path, L2NormalizeDesc.of(s)).forward(x, y); // ||(3, -4)||_2 = 5
        assertClose(path + " p=2", new double[] {0.6, -0.8}, y, 1e-7, 0);
        l2(path, L2NormalizeDesc.of(s).withP(1f)).forward(x, y); // 7
        assertClose(path + " p=1", new double[] {3 / 7.0, -4 / 7.0}, y, 1e-7, 0);
        l2(path, L2NormalizeDesc.of(s).withP(INF)).forward(x, y); // 4
        assertClose(path + " p=inf", new double[] {0.75, -1}, y, 1e-7, 0);
        // 2 * (3, -4) / (1 + 5)
        divisive(path, DivisiveNormDesc.of(s).withGain(2f)).forward(x, y);
        assertClose(path + " divisive", new double[] {1, -4 / 3.0}, y, 1e-7, 0);
        // 1 / (0.5 + (1 + 1)^(1/0.5)) = 1 / 4.5 on (1, -1) with p = 0.5
        divisive(path, DivisiveNormDesc.of(s).withP(0.5f).withSigma(0.5f)).forward(new float[] {1f, -1f}, y);
        assertClose(path + " divisive p=0.5", new double[] {1 / 4.5, -1 / 4.5}, y, 1e-6, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void forwardAndBackwardMatchTheDefinitionForEveryP(String path) {
        int rows = 3;
        for (int cols : new int[] {1, 7, 17, 37, 1025}) {
            float[] x = normal(cols, rows * cols, 2.0);
            float[] dy = normal(cols + 1, rows * cols, 1.0);
            for (float p : PS) {
                String what = path + " p=" + p + " cols=" + cols;
                L2NormalizeDesc ld = L2NormalizeDesc.of(Shape.of(rows, cols)).withP(p);
                float[] y = new float[x.length];
                float[] dx = new float[x.length];
                l2(path, ld).forward(x, y);
                l2(path, ld).backward(x, dy, dx);
                check(what + " l2 dst", expectedForward(x, rows, cols, p, 1, 1e-12, 0), y);
                check(what + " l2 diffSrc", expectedBackward(x, dy, rows, cols, p, 1, 1e-12, 0), dx);

                DivisiveNormDesc dd = DivisiveNormDesc.of(Shape.of(rows, cols)).withP(p).withSigma(0.25f)
                        .withGain(1.5f);
                float[] gain = new float[1];
                divisive(path, dd).forward(x, y);
                divisive(path, dd).backward(x, dy, dx, gain);
                check(what + " divisive dst", expectedForward(x, rows, cols, p, 1.5, 0, 0.25), y);
                check(what + " divisive diffSrc", expectedBackward(x, dy, rows, cols, p, 1.5, 0, 0.25), dx);
                check(what + " divisive diffGain", new double[] {expectedDiffGain(x, dy, rows, cols, p, 0.25)}, gain);
            }
        }
    }

    /** At {@code n == eps} the norm branch is taken, as autograd's clamp_min (grad where input >= min); below it is not. */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void epsSwitchFollowsClampMin(String path) {
        float[] x = {3f, 4f}; // ||x|| = 5, exactly
        float[] dy = {1f, -2f}; // s = sum dy x = -5
        Shape s = Shape.of(1, 2);
        float[] dx = new float[2];
        // n = eps = 5: dx = dy/5 - s/25 * x/5 = dy/5 + x/25
        l2(path, L2NormalizeDesc.of(s).withEps(5f)).backward(x, dy, dx);
        assertClose(path + " at eps", new double[] {0.2 + 3 / 25.0, -0.4 + 4 / 25.0}, dx, 1e-6, 0);
        // eps above the norm: y = x / eps, dx = dy / eps
        l2(path, L2NormalizeDesc.of(s).withEps(8f)).backward(x, dy, dx);
        assertClose(path + " below eps", new double[] {1 / 8.0, -2 / 8.0}, dx, 1e-7, 0);
        float[] y = new float[2];
        l2(path, L2NormalizeDesc.of(s).withEps(8f)).forward(x, y);
        assertClose(path + " below eps forward", new double[] {3 / 8.0, 4 / 8.0}, y, 1e-7, 0);
    }

    /** Zero rows: y = 0; the norm's gradient is 0 there, so dx = g dy / D (D = eps, or sigma). */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void zeroRows(String path) {
        for (float p : PS) {
            float[] x = new float[19];
            float[] dy = normal(3, 19, 1.0);
            float[] y = new float[19];
            float[] dx = new float[19];
            Shape s = Shape.of(1, 19);
            l2(path, L2NormalizeDesc.of(s).withP(p).withEps(0.5f)).forward(x, y);
            l2(path, L2NormalizeDesc.of(s).withP(p).withEps(0.5f)).backward(x, dy, dx);
            for (int i = 0; i < 19; i++) {
                assertEquals(0f, y[i], "p=" + p + " l2 y");
                assertEquals(2 * dy[i], dx[i], 1e-6f * Math.abs(dy[i]), "p=" + p + " l2 dx");
            }
            float[] gain = new float[1];
            divisive(path, DivisiveNormDesc.of(s).withP(p).withSigma(0.25f).withGain(3f)).forward(x, y);
            divisive(path, DivisiveNormDesc.of(s).withP(p).withSigma(0.25f).withGain(3f)).backward(x, dy, dx, gain);
            for (int i = 0; i < 19; i++) {
                assertEquals(0f, y[i], "p=" + p + " divisive y");
                assertEquals(12 * dy[i], dx[i], 1e-6f * Math.abs(dy[i]), "p=" + p + " divisive dx");
            }
            assertEquals(0f, gain[0]);
        }
    }

    /** NaN anywhere makes the row NaN; an infinity makes the norm infinite: finite x give 0, the infinities NaN. */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nanAndInfinityInARow(String path) {
        for (float p : PS) {
            float[] x = normal(5, 2 * 21, 1.0);
            x[4] = Float.NaN;
            x[21 + 9] = Float.NEGATIVE_INFINITY;
            float[] y = new float[x.length];
            l2(path, L2NormalizeDesc.of(Shape.of(2, 21)).withP(p)).forward(x, y);
            for (int i = 0; i < 21; i++) assertTrue(Float.isNaN(y[i]), "p=" + p + " NaN row at " + i);
            for (int i = 21; i < 42; i++) {
                if (i == 30) assertTrue(Float.isNaN(y[i]), "p=" + p + " -inf / inf");
                else assertEquals(0f, Math.abs(y[i]), "p=" + p + " finite / inf at " + i);
            }
            float[] dx = new float[x.length];
            l2(path, L2NormalizeDesc.of(Shape.of(2, 21)).withP(p)).backward(x, normal(6, x.length, 1.0), dx);
            for (float v : dx) assertTrue(Float.isNaN(v), "p=" + p + " backward through NaN or inf is NaN");
        }
    }

    /** Rows whose f32 sums of squares or powers overflow (1e30) or underflow (1e-25, subnormal 1e-40). */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void hugeAndTinyRowsNormalizeWithoutOverflow(String path) {
        int cols = 300;
        for (double scale : new double[] {1e30, 1e-25, 1e-40}) {
            float[] x = normal(9, cols, 1.0);
            for (int i = 0; i < cols; i++) x[i] = (float) (x[i] * scale);
            float[] dy = normal(10, cols, 1.0);
            for (float p : PS) {
                String what = path + " scale=" + scale + " p=" + p;
                // gain 1e-6 keeps dy / n of the subnormal row (~1e38) inside f32
                DivisiveNormDesc d = DivisiveNormDesc.of(Shape.of(1, cols)).withP(p).withSigma(0f).withGain(1e-6f);
                float[] y = new float[cols];
                float[] dx = new float[cols];
                divisive(path, d).forward(x, y);
                // Subnormal inputs carry few bits; the reference uses exactly those bits, so the bound holds.
                check(what + " dst", expectedForward(x, 1, cols, p, 1e-6f, 0, 0), y);
                divisive(path, d).backward(x, dy, dx, null);
                check(what + " diffSrc", expectedBackward(x, dy, 1, cols, p, 1e-6f, 0, 0), dx);
            }
        }
    }

    /**
     * The vector path keeps one scratch row per thread for p outside {1, 2, inf} and sums it in whole vectors: what a
     * longer row left beyond this row's end must not reach this row's norm.
     */
    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void aLongerRowBeforeDoesNotChangeTheResult(String path) {
        int cols = 33; // a tail at every vector width
        float[] x = normal(11, cols, 1.0);
        DivisiveNormDesc d = DivisiveNormDesc.of(Shape.of(1, cols)).withP(3f);
        float[] alone = new float[cols];
        divisive(path, d).forward(x, alone);
        float[] big = new float[4 * cols];
        java.util.Arrays.fill(big, 1e3f);
        divisive(path, DivisiveNormDesc.of(Shape.of(1, big.length)).withP(3f)).forward(big, new float[big.length]);
        float[] after = new float[cols];
        divisive(path, d).forward(x, after);
        assertArrayEquals(alone, after);
        check(path + " p=3 after a longer row", expectedForward(x, 1, cols, 3f, 1, 0, 1), after);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void badArgumentsAreNamed(String path) {
        Shape s = Shape.of(2, 3);
        for (float p : new float[] {0f, -1f, Float.NaN, Float.NEGATIVE_INFINITY}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> L2NormalizeDesc.of(s).withP(p))
                    .getMessage().startsWith("p:"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> DivisiveNormDesc.of(s).withP(p))
                    .getMessage().startsWith("p:"));
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> L2NormalizeDesc.of(s).withEps(-1f))
                .getMessage().startsWith("eps:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DivisiveNormDesc.of(s).withSigma(-0.5f))
                .getMessage().startsWith("sigma:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DivisiveNormDesc.of(s).withGain(INF))
                .getMessage().startsWith("gain:"));
        DivisiveNormKernel k = divisive(path, DivisiveNormDesc.of(s));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> k.backward(new float[6], new float[6], new float[6], new float[0])).getMessage()
                .startsWith("diffGain:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> k.forward(new float[5], new float[6]))
                .getMessage().startsWith("src:"));
        L2NormalizeKernel l = l2(path, L2NormalizeDesc.of(s));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> l.backward(new float[6], new float[6], new float[5])).getMessage().startsWith("diffSrc:"));
    }

    // ---- the definition, in double, written out independently of the kernels

    private static double norm(float[] x, int base, int cols, double p) {
        double max = 0;
        double sum = 0;
        for (int i = base; i < base + cols; i++) {
            max = Math.max(max, Math.abs((double) x[i]));
            sum += Math.pow(Math.abs((double) x[i]), p);
        }
        return p == INF ? max : Math.pow(sum, 1 / p);
    }

    /** {@code g x / (max(n, floor) + sigma)}. */
    private static double[] expectedForward(float[] x, int rows, int cols, double p, double g, double floor,
            double sigma) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double d = Math.max(norm(x, r * cols, cols, p), floor) + sigma;
            for (int i = r * cols; i < (r + 1) * cols; i++) y[i] = g * x[i] / d;
        }
        return y;
    }

    /**
     * Chain rule: {@code dx_i = g dy_i / D - g [n >= floor] (sum_j dy_j x_j) / D^2 * dn/dx_i}, with
     * {@code dn/dx_i = sign(x_i) |x_i|^(p-1) n^(1-p)}, for p = inf {@code sign(x_i)} at the (unique) max.
     */
    private static double[] expectedBackward(float[] x, float[] dy, int rows, int cols, double p, double g,
            double floor, double sigma) {
        double[] dx = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double n = norm(x, r * cols, cols, p);
            double d = Math.max(n, floor) + sigma;
            double s = 0;
            for (int i = r * cols; i < (r + 1) * cols; i++) s += (double) dy[i] * x[i];
            for (int i = r * cols; i < (r + 1) * cols; i++) {
                double a = Math.abs((double) x[i]);
                double dn = p == INF ? (a == n ? Math.signum(x[i]) : 0)
                        : x[i] == 0 ? 0 : Math.signum(x[i]) * Math.pow(a / n, p - 1);
                dx[i] = g * dy[i] / d - (n >= floor ? g * s / (d * d) * dn : 0);
            }
        }
        return dx;
    }

    private static double expectedDiffGain(float[] x, float[] dy, int rows, int cols, double p, double sigma) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int i = r * cols; i < (r + 1) * cols; i++) s += (double) dy[i] * x[i];
            total += s / (norm(x, r * cols, cols, p) + sigma);
        }
        return total;
    }

    /** Relative error, with a floor of 1e-2 of the largest |expected| for elements near 0 (where terms cancel). */
    private static void check(String what, double[] expected, float[] actual) {
        double max = maxAbs(expected);
        if (max < 1e-12) {
            // 0 in exact arithmetic (a row of one element: y = sign x); f32 leaves dy / D - dy / D, a few u of dy / D
            for (float v : actual) assertTrue(Math.abs(v) <= 1e-4, what + ": " + v + ", expected 0");
            return;
        }
        assertClose(what, expected, actual, TOL, 1e-2 * max);
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) m = Math.max(m, Math.abs(e));
        return m;
    }

    private static float[] normal(long seed, int n, double sigma) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (sigma * r.nextGaussian());
        return x;
    }
}
