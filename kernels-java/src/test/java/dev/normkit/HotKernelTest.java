package dev.normkit;

import static dev.normkit.Close.assertClose;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other tests run mostly interpreted or C1-compiled; the vector path's fast code (C2 intrinsics, SVML exp) only
 * appears once a kernel is hot. These run each vector kernel many times on a small awkward shape, checking the result
 * against the double reference along the way, so code that goes wrong only when compiled is caught. Every call runs
 * on {@code float[]}, native and mixed arguments in turn, so each of the kernel's loop variants gets hot, in one JVM
 * that has seen every kind of memory. (The scalar path is plain Java, which compiles to the same results.)
 */
class HotKernelTest {

    /** Enough calls for C2 to compile the row methods on these machines (checked with -XX:+PrintCompilation). */
    private static final int CALLS = 16_000;
    private static final int CHECK_EVERY = 4_000;
    private static final int ROWS = 3;
    private static final int COLS = 37;

    /** One layout each for the vector path's float[] loops, its segment loops and its staging. */
    private static final List<Memory.Layout> LAYOUTS = List.of(new Memory.Layout("float[]", Memory.FLOAT_ARRAY),
            new Memory.Layout("native", Memory.NATIVE),
            new Memory.Layout("native and float[] slices", Memory.NATIVE, Memory.FLOAT_ARRAY_SLICE));

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
        try (Arena arena = Arena.ofConfined()) {
            int layouts = LAYOUTS.size();
            MemorySegment[][] args = new MemorySegment[layouts][];
            for (int l = 0; l < layouts; l++) {
                Memory.Layout m = LAYOUTS.get(l);
                args[l] = new MemorySegment[] {m.of(0).holding(arena, x), m.of(1).output(arena, x.length),
                        m.of(2).holding(arena, gamma), m.of(3).holding(arena, beta), m.of(4).holding(arena, dy),
                        m.of(5).holding(arena, mean), m.of(6).holding(arena, rstd), m.of(7).output(arena, x.length),
                        m.of(8).output(arena, COLS), m.of(9).output(arena, COLS)};
            }
            for (int call = 1; call <= CALLS; call++) {
                for (int l = 0; l < layouts; l++) {
                    MemorySegment[] a = args[l];
                    k.forward(a[0], a[1], a[2], a[3]);
                    k.backward(a[0], a[4], a[2], a[5], a[6], a[7], a[8], a[9]);
                    if (call % CHECK_EVERY == 0) {
                        String what = path + " " + LAYOUTS.get(l) + " call " + call;
                        assertClose(what + " dst", ref.y(), Memory.read(a[1]), 2e-6, 1);
                        assertClose(what + " diffSrc", grads.diffSrc(), Memory.read(a[7]), 2e-6, 1);
                        assertClose(what + " diffScale", grads.diffScale(), Memory.read(a[8]), 2e-6, 1);
                    }
                }
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
        try (Arena arena = Arena.ofConfined()) {
            int layouts = LAYOUTS.size();
            MemorySegment[][] args = new MemorySegment[layouts][];
            for (int l = 0; l < layouts; l++) {
                Memory.Layout m = LAYOUTS.get(l);
                args[l] = new MemorySegment[] {m.of(0).holding(arena, x), m.of(1).output(arena, x.length),
                        m.of(2).holding(arena, gamma), m.of(3).holding(arena, dy), m.of(4).holding(arena, rstd),
                        m.of(5).output(arena, x.length), m.of(6).output(arena, COLS)};
            }
            for (int call = 1; call <= CALLS; call++) {
                for (int l = 0; l < layouts; l++) {
                    MemorySegment[] a = args[l];
                    k.forward(a[0], a[1], a[2]);
                    k.backward(a[0], a[3], a[2], a[4], a[5], a[6]);
                    if (call % CHECK_EVERY == 0) {
                        String what = path + " " + LAYOUTS.get(l) + " call " + call;
                        assertClose(what + " dst", ref.y(), Memory.read(a[1]), 2e-6, 1);
                        assertClose(what + " diffSrc", grads.diffSrc(), Memory.read(a[5]), 2e-6, 1);
                    }
                }
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
        try (Arena arena = Arena.ofConfined()) {
            int layouts = LAYOUTS.size();
            MemorySegment[][] args = new MemorySegment[layouts][];
            for (int l = 0; l < layouts; l++) {
                Memory.Layout m = LAYOUTS.get(l);
                args[l] = new MemorySegment[] {m.of(0).holding(arena, x), m.of(1).output(arena, x.length),
                        m.of(2).holding(arena, dy), m.of(3).output(arena, x.length), m.of(4).holding(arena, xInner),
                        m.of(5).output(arena, xInner.length)};
            }
            for (int call = 1; call <= CALLS; call++) {
                for (int l = 0; l < layouts; l++) {
                    MemorySegment[] a = args[l];
                    last.forward(a[0], a[1]);
                    last.backward(a[1], a[2], a[3]);
                    logInner.forward(a[4], a[5]);
                    if (call % CHECK_EVERY == 0) {
                        String what = path + " " + LAYOUTS.get(l) + " call " + call;
                        float[] y = Memory.read(a[1]);
                        assertClose(what + " softmax", ref, y, 5e-6, 1e-6);
                        assertClose(what + " softmax diffSrc",
                                DoubleReference.softmaxBackward(y, dy, ROWS, COLS, 1, false), Memory.read(a[3]),
                                5e-6, 1);
                        assertClose(what + " inner log-softmax", refInner, Memory.read(a[5]), 5e-6, 1);
                    }
                }
            }
        }
    }

    /**
     * Every activation, forward and backward, hot on float[] and on native memory (the two loop families). Loose bounds
     * (3e-5 relative: GELU tanh and SiLU lose |x| ulps in e^x at x = g(s) up to about 70 here; gradients against a
     * floor of 1 where they cross zero): code that goes wrong when compiled is far off, not an ulp off.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vector"})
    void activationsStayCorrectWhenHotOnArraysAndNativeMemory(String path) {
        int n = ROWS * COLS;
        float[] s = TestData.normal(11, n, 0, 3);
        float[] dy = TestData.normal(12, n);
        for (ActivationDesc desc : new ActivationDesc[] {
                new ActivationDesc(Activation.RELU, Shape.of(n), 0f, 0f),
                new ActivationDesc(Activation.LEAKY_RELU, Shape.of(n), 0.01f, 0f),
                ActivationDesc.of(Activation.GELU_ERF, Shape.of(n)),
                ActivationDesc.of(Activation.GELU_TANH, Shape.of(n)),
                new ActivationDesc(Activation.SWISH, Shape.of(n), 1.702f, 0f)}) {
            double[] ref = new double[n];
            double[] refGrad = new double[n];
            for (int i = 0; i < n; i++) {
                ref[i] = ActivationReference.forward(desc, s[i]);
                refGrad[i] = dy[i] * ActivationReference.derivative(desc, s[i]);
            }
            ActivationKernel k = Backends.get(path).create(desc);
            float[] y = new float[n];
            float[] dx = new float[n];
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate(n * 4L).copyFrom(MemorySegment.ofArray(s));
                MemorySegment up = arena.allocate(n * 4L).copyFrom(MemorySegment.ofArray(dy));
                MemorySegment out = arena.allocate(n * 4L);
                MemorySegment grad = arena.allocate(n * 4L);
                for (int call = 1; call <= CALLS; call++) {
                    k.forward(s, y);
                    k.backward(s, dy, dx);
                    k.forward(src, out);
                    k.backward(src, up, grad);
                    if (call % CHECK_EVERY == 0) {
                        String what = path + " " + desc.kernelName() + " alpha=" + desc.alpha() + " call " + call;
                        assertClose(what + " dst", ref, y, 3e-5, 1e-6);
                        assertClose(what + " diffSrc", refGrad, dx, 3e-5, 1);
                        assertClose(what + " dst (native)", ref, out.toArray(ValueLayout.JAVA_FLOAT), 3e-5, 1e-6);
                        assertClose(what + " diffSrc (native)", refGrad, grad.toArray(ValueLayout.JAVA_FLOAT), 3e-5, 1);
                    }
                }
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
