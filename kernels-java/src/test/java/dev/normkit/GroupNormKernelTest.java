package dev.normkit;

import static dev.normkit.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both Java paths against a double computation of group norm, in every layout and group count. */
class GroupNormKernelTest {

    /** As BatchNormKernelTest: a few f32 roundings pass, a variance from E[x^2] - mean^2 fails the 1e4 offset. */
    private static final double TOL = 4e-6;

    private static final List<GroupNormDesc> SHAPES = List.of(
            GroupNormDesc.of(Shape.of(5, 12), 3),
            GroupNormDesc.of(Shape.of(2, 6, 5, 7), 2),
            GroupNormDesc.of(Shape.of(3, 4, 37), 4),
            GroupNormDesc.of(Shape.of(2, 8, 1, 1), 1),
            GroupNormDesc.of(Shape.of(2, 5, 7, 38), ChannelLayout.NHWC, 19),
            GroupNormDesc.of(Shape.of(3, 4, 3, 64), ChannelLayout.NHWC, 8),
            GroupNormDesc.of(Shape.of(2, 3, 5, 21), ChannelLayout.NHWC, 21));

    static int at(GroupNormDesc d, int n, int c, int s) {
        long sp = d.spatial();
        long ch = d.channels();
        return (int) (d.layout() == ChannelLayout.NHWC ? (n * sp + s) * ch + c : (n * ch + c) * sp + s);
    }

    /** dst, mean and variance per (n, g), from two-pass double statistics. */
    static double[][] forward(GroupNormDesc d, float[] x, float[] gamma, float[] beta) {
        int batch = (int) d.batch(), groups = (int) d.groups(), cpg = (int) d.channelsPerGroup();
        int sp = (int) d.spatial();
        double m = d.groupSize();
        double[] y = new double[x.length], mean = new double[batch * groups], var = new double[batch * groups];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                double mu = 0, sq = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++) for (int s = 0; s < sp; s++) mu += x[at(d, n, c, s)];
                mu /= m;
                for (int c = g * cpg; c < (g + 1) * cpg; c++) {
                    for (int s = 0; s < sp; s++) sq += Math.pow(x[at(d, n, c, s)] - mu, 2);
                }
                sq /= m;
                mean[n * groups + g] = mu;
                var[n * groups + g] = sq;
                double rstd = 1 / Math.sqrt(sq + d.eps());
                for (int c = g * cpg; c < (g + 1) * cpg; c++) {
                    for (int s = 0; s < sp; s++) {
                        int k = at(d, n, c, s);
                        y[k] = (x[k] - mu) * rstd * (gamma != null ? gamma[c] : 1) + (beta != null ? beta[c] : 0);
                    }
                }
            }
        }
        return new double[][] {y, mean, var};
    }

    static double[][] backward(GroupNormDesc d, float[] x, float[] dy, float[] gamma, float[] mean, float[] var) {
        int batch = (int) d.batch(), groups = (int) d.groups(), cpg = (int) d.channelsPerGroup();
        int sp = (int) d.spatial(), ch = (int) d.channels();
        double m = d.groupSize();
        double[] dx = new double[x.length], dg = new double[ch], db = new double[ch];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                double mu = mean[n * groups + g], rstd = 1 / Math.sqrt(var[n * groups + g] + (double) d.eps());
                double sg = 0, sgx = 0;
                for (int c = g * cpg; c < (g + 1) * cpg; c++) {
                    for (int s = 0; s < sp; s++) {
                        int k = at(d, n, c, s);
                        double xhat = (x[k] - mu) * rstd;
                        double gg = dy[k] * (gamma != null ? gamma[c] : 1);
                        sg += gg;
                        sgx += gg * xhat;
                        dg[c] += dy[k] * xhat;
                        db[c] += dy[k];
                    }
                }
                for (int c = g * cpg; c < (g + 1) * cpg; c++) {
                    for (int s = 0; s < sp; s++) {
                        int k = at(d, n, c, s);
                        double xhat = (x[k] - mu) * rstd;
                        double gg = dy[k] * (gamma != null ? gamma[c] : 1);
                        dx[k] = rstd * (gg - sg / m - xhat * sgx / m);
                    }
                }
            }
        }
        return new double[][] {dx, dg, db};
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void forwardAndBackwardMatchDoubleReference(String path) {
        for (GroupNormDesc base : SHAPES) {
            int size = (int) base.shape().elementCount();
            int ch = (int) base.channels();
            int stats = (int) (base.batch() * base.groups());
            for (float offset : new float[] {0f, 1e4f}) {
                float[] x = TestData.normal(size, size, 0.5, 2);
                for (int i = 0; i < size; i++) x[i] += offset;
                float[] dy = TestData.normal(size + 1, size);
                for (int flags = 0; flags < 4; flags++) {
                    GroupNormDesc d = base.withScale((flags & 1) != 0).withShift((flags & 2) != 0);
                    float[] gamma = d.useScale() ? TestData.normal(3, ch, 1, 0.5) : null;
                    float[] beta = d.useShift() ? TestData.normal(4, ch) : null;
                    GroupNormKernel k = Backends.get(path).create(d);
                    float[] y = new float[size], mean = new float[stats], var = new float[stats];
                    k.forwardTraining(x, y, gamma, beta, mean, var);
                    double[][] ref = forward(d, x, gamma, beta);
                    String what = path + " " + d.shape() + " " + d.layout() + " G=" + d.groups() + " offset "
                            + offset + " flags " + flags;
                    assertClose(what + " dst", ref[0], y, TOL, 1);
                    assertClose(what + " mean", ref[1], mean, TOL, 1);
                    assertClose(what + " variance", ref[2], var, TOL, 0);
                    float[] y2 = new float[size];
                    k.forward(x, y2, gamma, beta);
                    assertClose(what + " inference dst", ref[0], y2, TOL, 1);

                    float[] fm = Close.toFloat(ref[1]), fv = Close.toFloat(ref[2]);
                    float[] dx = new float[size];
                    float[] dg = d.useScale() ? new float[ch] : null;
                    float[] db = d.useShift() ? new float[ch] : null;
                    k.backward(x, dy, gamma, fm, fv, dx, dg, db);
                    double[][] grads = backward(d, x, dy, gamma, fm, fv);
                    assertClose(what + " diffSrc", grads[0], dx, TOL, 2);
                    double floor = Math.sqrt((double) size / ch);
                    if (dg != null) assertClose(what + " diffScale", grads[1], dg, TOL, floor);
                    if (db != null) assertClose(what + " diffShift", grads[2], db, TOL, floor);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "vector"})
    void groupsMustDivideTheChannels(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.get(path).create(GroupNormDesc.of(Shape.of(2, 6, 4, 4), 4)));
        assertTrue(e.getMessage().startsWith("groups: must divide the 6 channels"), e.getMessage());
        GroupNormKernel k = Backends.get(path).create(GroupNormDesc.of(Shape.of(2, 6), 3));
        e = assertThrows(IllegalArgumentException.class, () -> k.forwardTraining(new float[12], new float[12],
                new float[6], new float[6], new float[6], new float[5]));
        assertTrue(e.getMessage().startsWith("variance"), e.getMessage());
    }
}
