package dev.normkit;

import static dev.normkit.Close.assertClose;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other tests run mostly interpreted or C1-compiled; the vector path's fast code (C2 intrinsics, SVML exp) only
 * appears once a kernel is hot. These run each vector kernel many times on a small awkward shape, checking the result
 * against the double reference along the way, so code that goes wrong only when compiled is caught. (The scalar path
 * is plain Java, which compiles to the same results.)
 */
class HotKernelTest {

    /** Enough calls for C2 to compile the row methods on these machines (checked with -XX:+PrintCompilation). */
    private static final int CALLS = 16_000;
    private static final int CHECK_EVERY = 4_000;
    private static final int ROWS = 3;
    private static final int COLS = 37;

    @ParameterizedTest
    @ValueSource(strings = {"vector"})
    void layerNormStaysCorrectWhenHot(String path) {
        LayerNormKernel k = Backends.get(path).create(LayerNormDesc.of(Shape.of(ROWS, COLS)));
        float[] x = TestData.normal(1, ROWS * COLS, 100, 2);
        float[] gamma = TestData.normal(2, COLS);
        float[] beta = TestData.normal(3, COLS);
        float[] dy = TestData.normal(4, ROWS * COLS);
        DoubleReference.Normalized ref = DoubleReference.layerNorm(x, ROWS, COLS, gamma, beta, 1e-5);
        float[] mean = Close.toFloat(ref.mean());
        float[] rstd = Close.toFloat(ref.rstd());
        DoubleReference.Gradients grads = DoubleReference.layerNormBackward(x, dy, ROWS, COLS, gamma, mean, rstd);
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        float[] dGamma = new float[COLS];
        float[] dBeta = new float[COLS];
        for (int call = 1; call <= CALLS; call++) {
            k.forward(x, y, gamma, beta);
            k.backward(x, dy, gamma, mean, rstd, dx, dGamma, dBeta);
            if (call % CHECK_EVERY == 0) {
                assertClose(path + " call " + call + " dst", ref.y(), y, 2e-6, 1);
                assertClose(path + " call " + call + " diffSrc", grads.diffSrc(), dx, 2e-6, 1);
                assertClose(path + " call " + call + " diffScale", grads.diffScale(), dGamma, 2e-6, 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector"})
    void rmsNormStaysCorrectWhenHot(String path) {
        RmsNormKernel k = Backends.get(path).create(RmsNormDesc.of(Shape.of(ROWS, COLS)));
        float[] x = TestData.normal(5, ROWS * COLS, 1, 2);
        float[] gamma = TestData.normal(6, COLS);
        float[] dy = TestData.normal(7, ROWS * COLS);
        DoubleReference.Normalized ref = DoubleReference.rmsNorm(x, ROWS, COLS, gamma, RmsNormDesc.DEFAULT_EPS);
        float[] rstd = Close.toFloat(ref.rstd());
        DoubleReference.Gradients grads = DoubleReference.rmsNormBackward(x, dy, ROWS, COLS, gamma, rstd);
        float[] y = new float[x.length];
        float[] dx = new float[x.length];
        float[] dGamma = new float[COLS];
        for (int call = 1; call <= CALLS; call++) {
            k.forward(x, y, gamma);
            k.backward(x, dy, gamma, rstd, dx, dGamma);
            if (call % CHECK_EVERY == 0) {
                assertClose(path + " call " + call + " dst", ref.y(), y, 2e-6, 1);
                assertClose(path + " call " + call + " diffSrc", grads.diffSrc(), dx, 2e-6, 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector"})
    void softmaxStaysCorrectWhenHot(String path) {
        SoftmaxKernel last = Backends.get(path).create(SoftmaxDesc.of(Shape.of(ROWS, COLS)));
        SoftmaxKernel logInner = Backends.get(path).create(new SoftmaxDesc(Shape.of(ROWS, 5, 11), 1, true));
        float[] x = TestData.normal(8, ROWS * COLS, 0, 3);
        float[] xInner = TestData.normal(9, ROWS * 55, 0, 3);
        float[] dy = TestData.normal(10, ROWS * COLS);
        double[] ref = DoubleReference.softmax(x, ROWS, COLS, 1, false);
        double[] refInner = DoubleReference.softmax(xInner, ROWS, 5, 11, true);
        float[] y = new float[x.length];
        float[] yInner = new float[xInner.length];
        float[] dx = new float[x.length];
        for (int call = 1; call <= CALLS; call++) {
            last.forward(x, y);
            last.backward(y, dy, dx);
            logInner.forward(xInner, yInner);
            if (call % CHECK_EVERY == 0) {
                assertClose(path + " call " + call + " softmax", ref, y, 5e-6, 1e-6);
                assertClose(path + " call " + call + " softmax diffSrc",
                        DoubleReference.softmaxBackward(y, dy, ROWS, COLS, 1, false), dx, 5e-6, 1);
                assertClose(path + " call " + call + " inner log-softmax", refInner, yInner, 5e-6, 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector"})
    void batchNormStaysCorrectWhenHot(String path) {
        for (BatchNormDesc d : new BatchNormDesc[] {BatchNormDesc.of(Shape.of(ROWS, 2, 1, COLS)).withFusedRelu(true),
                BatchNormDesc.of(Shape.of(ROWS, 1, 5, COLS), ChannelLayout.NHWC)}) {
            BatchNormKernel k = Backends.get(path).create(d);
            int n = (int) d.shape().elementCount();
            int c = (int) d.channels();
            float[] x = TestData.normal(11, n, 100, 2);
            float[] gamma = TestData.normal(12, c, 1, 0.5);
            float[] beta = TestData.normal(13, c);
            float[] dy = TestData.normal(14, n);
            BatchNormKernelTest.Ref ref = BatchNormKernelTest.forward(d, x, gamma, beta, null, null);
            float[] mean = Close.toFloat(ref.mean());
            float[] var = Close.toFloat(ref.var());
            float[] relu = d.fuseRelu() ? Close.toFloat(ref.y()) : null;
            double[][] grads = BatchNormKernelTest.backward(d, false, x, dy, gamma, mean, var, relu);
            float[] y = new float[n];
            float[] dx = new float[n];
            float[] m = new float[c];
            float[] v = new float[c];
            float[] dGamma = new float[c];
            float[] dBeta = new float[c];
            for (int call = 1; call <= CALLS; call++) {
                k.forwardTraining(x, y, gamma, beta, m, v, null, null);
                k.backward(x, dy, gamma, mean, var, relu, dx, dGamma, dBeta);
                if (call % CHECK_EVERY == 0) {
                    String what = path + " " + d.layout() + " call " + call;
                    assertClose(what + " dst", ref.y(), y, 4e-6, 1);
                    assertClose(what + " variance", ref.var(), v, 4e-6, 0);
                    assertClose(what + " diffSrc", grads[0], dx, 4e-6, 2);
                    assertClose(what + " diffScale", grads[1], dGamma, 4e-6, 4);
                }
            }
        }
    }
}
