package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Instance norm on both Java paths: the same bits as group norm with one group per channel, against a per-instance
 * double computation, NHWC as NCHW, inference from running statistics as batch-norm inference, and its argument
 * checks. The running statistics over several steps are checked in the test module (InstanceNormRunningStatsTest).
 */
class InstanceNormKernelTest {

    /** As GroupNormKernelTest: a few f32 roundings pass, a variance from E[x^2] - mean^2 fails the 1e4 offset. */
    private static final double TOL = 4e-6;

    private static final List<InstanceNormDesc> SHAPES = List.of(
            InstanceNormDesc.of(Shape.of(2, 3, 5, 7)),
            InstanceNormDesc.of(Shape.of(3, 17, 37)),
            InstanceNormDesc.of(Shape.of(2, 4, 3, 2, 5)),
            InstanceNormDesc.of(Shape.of(2, 5, 7, 3), ChannelLayout.NHWC),
            InstanceNormDesc.of(Shape.of(3, 4, 3, 64), ChannelLayout.NHWC));

    private static int at(InstanceNormDesc d, int n, int c, int s) {
        long sp = d.spatial();
        long ch = d.channels();
        return (int) (d.layout() == ChannelLayout.NHWC ? (n * sp + s) * ch + c : (n * ch + c) * sp + s);
    }

    @Test
    void defaultsArePyTorchInstanceNorm2d() {
        InstanceNormDesc d = InstanceNormDesc.of(Shape.of(2, 3, 4, 4));
        assertEquals(1e-5f, d.eps());
        assertEquals(0.1f, d.momentum());
        assertFalse(d.useScale());
        assertFalse(d.useShift());
        assertFalse(d.trackRunningStats());
        assertEquals(ChannelLayout.NCHW, d.layout());
        assertEquals(16, d.spatial());
        // Rank 2 is PyTorch's unbatched (C, L): one sample of C instances.
        InstanceNormDesc unbatched = InstanceNormDesc.of(Shape.of(4, 6));
        assertEquals(Shape.of(1, 4, 6), unbatched.shape());
        assertEquals(4, unbatched.channels());
        GroupNormDesc g = d.withAffine(true).asGroupNorm();
        assertEquals(3, g.groups());
        assertTrue(g.useScale() && g.useShift());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void equalsGroupNormWithOneGroupPerChannel(String path) {
        Backend b = Backends.get(path);
        for (InstanceNormDesc base : SHAPES) {
            int size = (int) base.shape().elementCount();
            int ch = (int) base.channels();
            int stats = (int) (base.batch() * ch);
            for (float offset : new float[] {0f, 1e4f}) {
                float[] x = TestData.normal(size, size, 0.5, 2);
                for (int i = 0; i < size; i++) x[i] += offset;
                float[] dy = TestData.normal(size + 1, size);
                for (boolean affine : new boolean[] {false, true}) {
                    InstanceNormDesc d = base.withAffine(affine);
                    GroupNormDesc g = GroupNormDesc.of(d.shape(), d.layout(), ch).withScale(affine)
                            .withShift(affine);
                    String what = path + " " + d.shape() + " " + d.layout() + " offset " + offset + " affine "
                            + affine;
                    float[] gamma = affine ? TestData.normal(3, ch, 1, 0.5) : null;
                    float[] beta = affine ? TestData.normal(4, ch) : null;
                    try (InstanceNormKernel in = b.create(d); GroupNormKernel gn = b.create(g)) {
                        assertEquals(path, in.path());
                        float[] y = new float[size], mean = new float[stats], var = new float[stats];
                        float[] gy = new float[size], gmean = new float[stats], gvar = new float[stats];
                        in.forwardTraining(x, y, gamma, beta, mean, var, null, null);
                        gn.forwardTraining(x, gy, gamma, beta, gmean, gvar);
                        assertArrayEquals(gy, y, what + " dst");
                        assertArrayEquals(gmean, mean, what + " mean");
                        assertArrayEquals(gvar, var, what + " variance");
                        float[] y2 = new float[size];
                        in.forward(x, y2, gamma, beta, null, null);
                        gn.forward(x, gy, gamma, beta);
                        assertArrayEquals(gy, y2, what + " inference dst");

                        double[][] ref = perInstance(d, x, gamma, beta);
                        assertClose(what + " dst vs double", ref[0], y, TOL, 1);
                        assertClose(what + " mean vs double", ref[1], mean, TOL, 1);
                        assertClose(what + " variance vs double", ref[2], var, TOL, 0);

                        float[] dx = new float[size], gdx = new float[size];
                        float[] dg = affine ? new float[ch] : null, gdg = affine ? new float[ch] : null;
                        float[] db = affine ? new float[ch] : null, gdb = affine ? new float[ch] : null;
                        in.backward(x, dy, gamma, mean, var, dx, dg, db);
                        gn.backward(x, dy, gamma, mean, var, gdx, gdg, gdb);
                        assertArrayEquals(gdx, dx, what + " diffSrc");
                        assertArrayEquals(gdg, dg, what + " diffScale");
                        assertArrayEquals(gdb, db, what + " diffShift");
                    }
                }
            }
        }
    }

    /** dst, mean and biased variance of each (n, c), two-pass in double. */
    private static double[][] perInstance(InstanceNormDesc d, float[] x, float[] gamma, float[] beta) {
        int batch = (int) d.batch(), ch = (int) d.channels(), sp = (int) d.spatial();
        double[] y = new double[x.length], mean = new double[batch * ch], var = new double[batch * ch];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < ch; c++) {
                double mu = 0, sq = 0;
                for (int s = 0; s < sp; s++) mu += x[at(d, n, c, s)];
                mu /= sp;
                for (int s = 0; s < sp; s++) sq += Math.pow(x[at(d, n, c, s)] - mu, 2);
                sq /= sp;
                mean[n * ch + c] = mu;
                var[n * ch + c] = sq;
                double rstd = 1 / Math.sqrt(sq + d.eps());
                for (int s = 0; s < sp; s++) {
                    int k = at(d, n, c, s);
                    y[k] = (x[k] - mu) * rstd * (gamma != null ? gamma[c] : 1) + (beta != null ? beta[c] : 0);
                }
            }
        }
        return new double[][] {y, mean, var};
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void nhwcGivesTheResultsOfNchw(String path) {
        Backend b = Backends.get(path);
        int batch = 3, ch = 19, h = 5, w = 6, sp = h * w, size = batch * ch * sp;
        InstanceNormDesc nchw = InstanceNormDesc.of(Shape.of(batch, ch, h, w)).withAffine(true);
        InstanceNormDesc nhwc = InstanceNormDesc.of(Shape.of(batch, h, w, ch), ChannelLayout.NHWC).withAffine(true);
        float[] x = TestData.normal(11, size, 100, 3);
        float[] dy = TestData.normal(12, size);
        float[] gamma = TestData.normal(13, ch, 1, 0.5);
        float[] beta = TestData.normal(14, ch);
        float[] xt = toChannelsLast(x, batch, ch, sp), dyt = toChannelsLast(dy, batch, ch, sp);
        try (InstanceNormKernel first = b.create(nchw); InstanceNormKernel last = b.create(nhwc)) {
            float[] y = new float[size], mean = new float[batch * ch], var = new float[batch * ch];
            float[] yt = new float[size], meant = new float[batch * ch], vart = new float[batch * ch];
            first.forwardTraining(x, y, gamma, beta, mean, var, null, null);
            last.forwardTraining(xt, yt, gamma, beta, meant, vart, null, null);
            assertClose(path + " dst", Close.toDouble(y), toChannelsFirst(yt, batch, ch, sp), TOL, 1);
            assertClose(path + " mean", Close.toDouble(mean), meant, TOL, 1);
            assertClose(path + " variance", Close.toDouble(var), vart, TOL, 0);
            float[] dx = new float[size], dg = new float[ch], db = new float[ch];
            float[] dxt = new float[size], dgt = new float[ch], dbt = new float[ch];
            first.backward(x, dy, gamma, mean, var, dx, dg, db);
            last.backward(xt, dyt, gamma, mean, var, dxt, dgt, dbt);
            assertClose(path + " diffSrc", Close.toDouble(dx), toChannelsFirst(dxt, batch, ch, sp), TOL, 2);
            double floor = Math.sqrt((double) size / ch);
            assertClose(path + " diffScale", Close.toDouble(dg), dgt, TOL, floor);
            assertClose(path + " diffShift", Close.toDouble(db), dbt, TOL, floor);
        }
    }

    private static float[] toChannelsLast(float[] x, int batch, int ch, int sp) {
        float[] t = new float[x.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < ch; c++) {
                for (int s = 0; s < sp; s++) t[(n * sp + s) * ch + c] = x[(n * ch + c) * sp + s];
            }
        }
        return t;
    }

    private static float[] toChannelsFirst(float[] t, int batch, int ch, int sp) {
        float[] x = new float[t.length];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < ch; c++) {
                for (int s = 0; s < sp; s++) x[(n * ch + c) * sp + s] = t[(n * sp + s) * ch + c];
            }
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void inferenceWithRunningStatisticsNormalizesByThem(String path) {
        Backend b = Backends.get(path);
        for (ChannelLayout layout : new ChannelLayout[] {ChannelLayout.NCHW, ChannelLayout.NHWC}) {
            InstanceNormDesc d = InstanceNormDesc.of(Shape.of(2, 6, 5, 6), layout).withAffine(true)
                    .withRunningStats(true);
            int size = (int) d.shape().elementCount(), ch = (int) d.channels(), sp = (int) d.spatial();
            float[] x = TestData.normal(21, size, 3, 2);
            float[] gamma = TestData.normal(22, ch, 1, 0.5), beta = TestData.normal(23, ch);
            float[] runningMean = TestData.normal(24, ch, 3, 1);
            float[] runningVar = TestData.normal(25, ch, 4, 0.5);
            float[] y = new float[size];
            try (InstanceNormKernel k = b.create(d)) {
                k.forward(x, y, gamma, beta, runningMean, runningVar);
            }
            double[] expected = new double[size];
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < ch; c++) {
                    double rstd = 1 / Math.sqrt(runningVar[c] + (double) d.eps());
                    for (int s = 0; s < sp; s++) {
                        int i = at(d, n, c, s);
                        expected[i] = (x[i] - runningMean[c]) * rstd * gamma[c] + beta[c];
                    }
                }
            }
            assertClose(path + " " + layout, expected, y, TOL, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void parallelLayerGivesThePlainPathsBits(String path) {
        InstanceNormDesc d = InstanceNormDesc.of(Shape.of(4, 16, 32, 32)).withAffine(true).withRunningStats(true);
        int size = (int) d.shape().elementCount(), ch = (int) d.channels(), stats = 4 * ch;
        float[] x = TestData.normal(31, size, 2, 3);
        float[] gamma = TestData.normal(32, ch, 1, 0.5), beta = TestData.normal(33, ch);
        Backend plain = Backends.get(path);
        Backend parallel = plain.parallel(Parallelism.threads(3));
        float[][] got = new float[2][];
        float[][] sums = new float[2][];
        int i = 0;
        for (Backend b : List.of(plain, parallel)) {
            try (InstanceNormKernel k = b.create(d)) {
                assertEquals(path, k.path());
                float[] y = new float[size], mean = new float[stats], var = new float[stats];
                float[] rm = new float[ch], rv = new float[ch];
                java.util.Arrays.fill(rv, 1f);
                k.forwardTraining(x, y, gamma, beta, mean, var, rm, rv);
                float[] yi = new float[size];
                k.forward(x, yi, gamma, beta, rm, rv);
                float[] dx = new float[size], dg = new float[ch], db = new float[ch];
                k.backward(x, y, gamma, mean, var, dx, dg, db);
                // diffScale and diffShift may be sums of per-chunk partials on a parallel layer (Backend.parallel)
                sums[i] = concat(dg, db);
                got[i++] = concat(y, mean, var, rm, rv, yi, dx);
            }
        }
        assertArrayEquals(got[0], got[1], path + ": parallel layer");
        assertClose(path + ": parallel layer diffScale, diffShift", Close.toDouble(sums[0]), sums[1], TOL, 32);
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void descriptorRejectsWhatInstanceNormCannotRun() {
        assertMessage("layout:", () -> new InstanceNormDesc(Shape.of(4, 6), ChannelLayout.NC, 1e-5f, 0.1f, false,
                false, false));
        assertMessage("shape: instance norm needs more than 1 spatial position",
                () -> InstanceNormDesc.of(Shape.of(4, 6, 1, 1)));
        assertMessage("shape: layout NCHW needs rank 3 to 5", () -> InstanceNormDesc.of(Shape.of(24)));
        assertMessage("shape: layout NHWC needs rank 3 to 5",
                () -> InstanceNormDesc.of(Shape.of(4, 6), ChannelLayout.NHWC));
        assertMessage("momentum:", () -> InstanceNormDesc.of(Shape.of(2, 3, 4)).withMomentum(1.5f));
        assertMessage("eps:", () -> InstanceNormDesc.of(Shape.of(2, 3, 4)).withEps(-1f));
        assertMessage("shape: must not be null", () -> InstanceNormDesc.of(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void runsRejectBadArgumentsByName(String path) {
        InstanceNormDesc plain = InstanceNormDesc.of(Shape.of(2, 3, 4));
        InstanceNormDesc tracked = plain.withRunningStats(true);
        float[] x = new float[24], y = new float[24], c = new float[3], nc = new float[6];
        try (InstanceNormKernel p = Backends.get(path).create(plain);
                InstanceNormKernel t = Backends.get(path).create(tracked)) {
            assertMessage("runningMean: must be null", () -> p.forward(x, y, null, null, c, c));
            assertMessage("runningMean: must not be null", () -> t.forward(x, y, null, null, null, c));
            assertMessage("runningVar: must not be null", () -> t.forwardTraining(x, y, null, null, nc, nc, c, null));
            assertMessage("scale: must be null", () -> p.forward(x, y, c, null, null, null));
            assertMessage("mean: needs 6 floats", () -> p.forwardTraining(x, y, null, null, c, nc, null, null));
            assertMessage("variance: needs 6 floats", () -> p.backward(x, x, null, nc, c, y, null, null));
            assertMessage("src: needs 24 floats", () -> p.forward(new float[23], y, null, null, null, null));
        }
    }

    private static void assertMessage(String start, Executable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
