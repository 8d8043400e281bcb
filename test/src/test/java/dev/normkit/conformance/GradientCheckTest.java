package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.ChannelLayout;
import dev.normkit.GroupNormDesc;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classic gradient check: every backward reference equals central finite differences of its own forward
 * reference, in float64. The loss is {@code L = sum(dy * forward(x))} for a random dy, so {@code dL/dx} is what
 * backward computes. Central differences err by O(h^2) truncation plus O(u_64 |L| / h) rounding; with h = 1e-5 both
 * are ~1e-10, so the normwise relative error must be below {@value #BOUND}.
 */
class GradientCheckTest {

    static final double BOUND = 1e-8;

    static Stream<LayerNormDesc> layerNormDescs() {
        return Stream.of(LayerNormDesc.of(Shape.of(3, 7)),
                LayerNormDesc.of(Shape.of(2, 3, 5)).withNormalizedAxes(2),
                LayerNormDesc.of(Shape.of(4, 9)).withShift(false),
                LayerNormDesc.of(Shape.of(2, 17)).withScale(false).withShift(false),
                LayerNormDesc.of(Shape.of(3, 8)).withEps(0.5f));
    }

    @ParameterizedTest(name = "layer norm backward matches finite differences on {0}")
    @MethodSource("layerNormDescs")
    void layerNormBackwardMatchesFiniteDifferences(LayerNormDesc d) {
        SplittableRandom rnd = new SplittableRandom(11);
        int cols = Math.toIntExact(d.cols());
        double[] x = normal(rnd, (int) d.shape().elementCount(), 3.0);
        double[] gamma = d.useScale() ? normal(rnd, cols, 1.0) : null;
        double[] beta = d.useShift() ? normal(rnd, cols, 0.0) : null;
        double[] dy = normal(rnd, x.length, 0.0);
        LayerNormReference.Forward f = LayerNormReference.forward(d, x, gamma, beta);
        LayerNormReference.Backward b = LayerNormReference.backward(d, x, dy, gamma, f.mean(), f.rstd());

        assertGradient("diffSrc", b.diffSrc(), x, v -> dot(dy, LayerNormReference.forward(d, v, gamma, beta).dst()));
        if (d.useScale()) {
            assertGradient("diffScale", b.diffScale(), gamma,
                    v -> dot(dy, LayerNormReference.forward(d, x, v, beta).dst()));
        }
        if (d.useShift()) {
            assertGradient("diffShift", b.diffShift(), beta,
                    v -> dot(dy, LayerNormReference.forward(d, x, gamma, v).dst()));
        }
    }

    static Stream<RmsNormDesc> rmsNormDescs() {
        return Stream.of(RmsNormDesc.of(Shape.of(3, 7)),
                RmsNormDesc.of(Shape.of(2, 3, 5)).withNormalizedAxes(2),
                RmsNormDesc.of(Shape.of(4, 9)).withScale(false),
                RmsNormDesc.of(Shape.of(3, 8)).withEps(0.5f));
    }

    @ParameterizedTest(name = "rms norm backward matches finite differences on {0}")
    @MethodSource("rmsNormDescs")
    void rmsNormBackwardMatchesFiniteDifferences(RmsNormDesc d) {
        SplittableRandom rnd = new SplittableRandom(12);
        int cols = Math.toIntExact(d.cols());
        double[] x = normal(rnd, (int) d.shape().elementCount(), 0.5);
        double[] gamma = d.useScale() ? normal(rnd, cols, 1.0) : null;
        double[] dy = normal(rnd, x.length, 0.0);
        RmsNormReference.Forward f = RmsNormReference.forward(d, x, gamma);
        RmsNormReference.Backward b = RmsNormReference.backward(d, x, dy, gamma, f.rstd());

        assertGradient("diffSrc", b.diffSrc(), x, v -> dot(dy, RmsNormReference.forward(d, v, gamma).dst()));
        if (d.useScale()) {
            assertGradient("diffScale", b.diffScale(), gamma, v -> dot(dy, RmsNormReference.forward(d, x, v).dst()));
        }
    }

    static Stream<SoftmaxDesc> softmaxDescs() {
        return Stream.of(false, true).flatMap(log -> Stream.of(
                new SoftmaxDesc(Shape.of(3, 7), 1, log),
                new SoftmaxDesc(Shape.of(2, 5, 3), 1, log),
                new SoftmaxDesc(Shape.of(6, 4), 0, log),
                new SoftmaxDesc(Shape.of(9), 0, log)));
    }

    @ParameterizedTest(name = "softmax backward from dst matches finite differences on {0}")
    @MethodSource("softmaxDescs")
    void softmaxBackwardMatchesFiniteDifferences(SoftmaxDesc d) {
        SplittableRandom rnd = new SplittableRandom(13);
        double[] x = normal(rnd, (int) d.shape().elementCount(), 0.0);
        for (int i = 0; i < x.length; i++) x[i] *= 3;
        double[] dy = normal(rnd, x.length, 0.0);
        double[] y = SoftmaxReference.forward(d, x);
        double[] dx = SoftmaxReference.backward(d, y, dy);

        assertGradient("diffSrc", dx, x, v -> dot(dy, SoftmaxReference.forward(d, v)));
    }

    static Stream<ActivationDesc> activationDescs() {
        Shape s = Shape.of(1);
        return Stream.of(ActivationDesc.of(Activation.RELU, s),
                ActivationDesc.of(Activation.LEAKY_RELU, s).withAlpha(0.01f),
                ActivationDesc.of(Activation.LEAKY_RELU, s).withAlpha(-0.3f), ActivationDesc.of(Activation.GELU_ERF, s),
                ActivationDesc.of(Activation.GELU_TANH, s), ActivationDesc.of(Activation.SILU, s),
                ActivationDesc.of(Activation.SWISH, s).withAlpha(1.7f),
                // piecewise linear: the grid s = -9 + 0.37 i stays at least 0.01 from every kink
                ActivationDesc.of(Activation.RELU6, s), ActivationDesc.of(Activation.HARDTANH, s),
                new ActivationDesc(Activation.HARDTANH, s, -2f, 0.5f), ActivationDesc.of(Activation.LEAKY_HARDTANH, s),
                ActivationDesc.of(Activation.LEAKY_HARDTANH_INVERSE, s), ActivationDesc.of(Activation.HARDSIGMOID, s),
                ActivationDesc.of(Activation.HARDSWISH, s), ActivationDesc.of(Activation.HARDSHRINK, s),
                ActivationDesc.of(Activation.SOFTSHRINK, s), ActivationDesc.of(Activation.ABS, s),
                new ActivationDesc(Activation.LINEAR, s, 2f, 1f), ActivationDesc.of(Activation.CLIP, s),
                ActivationDesc.of(Activation.CLIP_V2, s),
                // exponential family (log on positive inputs: logDerivativeMatchesFiniteDifferences)
                ActivationDesc.of(Activation.ELU, s), ActivationDesc.of(Activation.ELU, s).withAlpha(0.7f),
                ActivationDesc.of(Activation.SELU, s), ActivationDesc.of(Activation.CELU, s).withAlpha(1.5f),
                ActivationDesc.of(Activation.SOFTPLUS, s), ActivationDesc.of(Activation.SOFTPLUS, s).withAlpha(2f),
                ActivationDesc.of(Activation.SIGMOID, s), ActivationDesc.of(Activation.LOG_SIGMOID, s),
                ActivationDesc.of(Activation.TANH, s), ActivationDesc.of(Activation.TANHSHRINK, s),
                ActivationDesc.of(Activation.MISH, s), ActivationDesc.of(Activation.EXP, s),
                // sqrt (positive domain below), square, softsign, pow
                ActivationDesc.of(Activation.SQUARE, s), ActivationDesc.of(Activation.SOFTSIGN, s),
                ActivationDesc.of(Activation.POW, s), ActivationDesc.of(Activation.POW, s).withAlpha(-2f).withBeta(4f),
                ActivationDesc.of(Activation.POW, s).withAlpha(0.5f).withBeta(-1f));
    }

    /** log on (0, 9]: its derivative 1/s from central differences, away from the pole at 0. */
    @Test
    void logDerivativeMatchesFiniteDifferences() {
        ActivationDesc d = ActivationDesc.of(Activation.LOG, Shape.of(1));
        double h = 1e-6;
        for (double s = 0.05; s <= 9.0; s += 0.37) {
            double numeric = (ActivationReference.value(d, s + h) - ActivationReference.value(d, s - h)) / (2 * h);
            double analytic = ActivationReference.derivative(d, s);
            assertTrue(Math.abs(numeric - analytic) / Math.abs(analytic) < BOUND, "log at s = " + s + ": analytic "
                    + analytic + ", numeric " + numeric);
        }
    }

    /** The exponential family's derivatives from dst equal those from src (on the exact double output). */
    @Test
    void expFamilyBackwardFromDstEqualsBackwardFromSrc() {
        double[] s = {-30, -3, -0.5, -1e-3, 0.0, 1e-3, 0.25, 2, 15};
        double[] dy = {1, -2, 3, -4, 5, -6, 7, -8, 9};
        for (ActivationDesc d : List.of(ActivationDesc.of(Activation.ELU, Shape.of(9)),
                ActivationDesc.of(Activation.ELU, Shape.of(9)).withAlpha(0.3f),
                ActivationDesc.of(Activation.SIGMOID, Shape.of(9)), ActivationDesc.of(Activation.TANH, Shape.of(9)),
                ActivationDesc.of(Activation.EXP, Shape.of(9)))) {
            double[] fromSrc = ActivationReference.backward(d, s, dy);
            double[] fromDst = ActivationReference.backwardFromDst(d, ActivationReference.forward(d, s), dy);
            for (int i = 0; i < s.length; i++) {
                // from dst cancels where f' is small against d (1 - d^2 near tanh = 1): absolute 1e-15 per unit dy
                assertEquals(fromSrc[i], fromDst[i], 1e-12 * Math.abs(fromSrc[i]) + 1e-15 * Math.abs(dy[i]),
                        d + " at s = " + s[i]);
            }
        }
    }

    /** Functions defined for s &gt;= 0 only: sqrt and pow with a fractional exponent. */
    static Stream<ActivationDesc> positiveDomainDescs() {
        Shape s = Shape.of(1);
        return Stream.of(ActivationDesc.of(Activation.SQRT, s), ActivationDesc.of(Activation.POW, s).withBeta(0.5f),
                ActivationDesc.of(Activation.POW, s).withAlpha(-2f).withBeta(1.5f),
                ActivationDesc.of(Activation.POW, s).withAlpha(0.5f).withBeta(-0.5f));
    }

    /** As the test above, on (0, 9], where these functions are real (their derivatives are infinite at 0). */
    @ParameterizedTest(name = "activation derivative matches finite differences for {0} on s > 0")
    @MethodSource("positiveDomainDescs")
    void positiveDomainDerivativeMatchesFiniteDifferences(ActivationDesc d) {
        double h = 1e-6;
        int checked = 0;
        for (double s = 0.01; s <= 9.0; s += 0.37) {
            double numeric = (ActivationReference.value(d, s + h) - ActivationReference.value(d, s - h)) / (2 * h);
            double analytic = ActivationReference.derivative(d, s);
            double err = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-3);
            assertTrue(err < BOUND, d + " at s = " + s + ": analytic " + analytic + ", numeric " + numeric
                    + ", relative error " + err);
            checked++;
        }
        assertEquals(25, checked);
    }

    /**
     * Elementwise, point by point over [-9, 9] (ReLU's kink at 0 excluded: finite differences straddle it). For gelu
     * erf the points beyond |s| = 3 sqrt 2 exercise the continued-fraction branch of {@link Erf}.
     */
    @ParameterizedTest(name = "activation derivative matches finite differences for {0}")
    @MethodSource("activationDescs")
    void activationDerivativeMatchesFiniteDifferences(ActivationDesc d) {
        double h = 1e-5;
        int checked = 0;
        for (double s = -9.0; s <= 9.0; s += 0.37) {
            double numeric = (ActivationReference.value(d, s + h) - ActivationReference.value(d, s - h)) / (2 * h);
            double analytic = ActivationReference.derivative(d, s);
            double err = Math.abs(numeric - analytic) / Math.max(Math.abs(analytic), 1e-3);
            assertTrue(err < BOUND, d + " at s = " + s + ": analytic " + analytic + ", numeric " + numeric
                    + ", relative error " + err);
            checked++;
        }
        assertEquals(49, checked);
    }

    @Test
    void reluBackwardFromDstEqualsBackwardFromSrc() {
        for (float alpha : new float[] {0f, 0.01f, 0.5f}) {
            ActivationDesc d = ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(7)).withAlpha(alpha);
            double[] s = {-3, -0.5, -0.0, 0.0, 0.25, 2, 1e30};
            double[] dy = {1, -2, 3, -4, 5, -6, 7};
            double[] fromSrc = ActivationReference.backward(d, s, dy);
            double[] fromDst = ActivationReference.backwardFromDst(d, ActivationReference.forward(d, s), dy);
            for (int i = 0; i < s.length; i++) {
                assertEquals(fromSrc[i], fromDst[i], 0.0, "alpha " + alpha + ", s = " + s[i]);
            }
        }
    }

    /** Central differences of {@code loss} around {@code at} (perturbed in place and restored) against analytic. */
    static Stream<BatchNormDesc> batchNormDescs() {
        return Stream.of(BatchNormDesc.of(Shape.of(6, 4)),
                BatchNormDesc.of(Shape.of(2, 3, 2, 3)),
                BatchNormDesc.of(Shape.of(2, 2, 3, 3), ChannelLayout.NHWC),
                BatchNormDesc.of(Shape.of(3, 2, 2, 2)).withShift(false),
                BatchNormDesc.of(Shape.of(5, 3)).withScale(false).withShift(false),
                BatchNormDesc.of(Shape.of(2, 3, 2, 2)).withFusedRelu(true),
                BatchNormDesc.of(Shape.of(4, 3)).withEps(0.5f));
    }

    /** Training backward differentiates through the batch statistics; the global-stats one holds them fixed. */
    @ParameterizedTest(name = "batch norm backward matches finite differences on {0}")
    @MethodSource("batchNormDescs")
    void batchNormBackwardMatchesFiniteDifferences(BatchNormDesc d) {
        SplittableRandom rnd = new SplittableRandom(17);
        int channels = Math.toIntExact(d.channels());
        double[] x = normal(rnd, (int) d.shape().elementCount(), 3.0);
        double[] gamma = d.useScale() ? normal(rnd, channels, 1.0) : null;
        double[] beta = d.useShift() ? normal(rnd, channels, 0.0) : null;
        double[] dy = normal(rnd, x.length, 0.0);
        BatchNormReference.Forward f = BatchNormReference.forwardTraining(d, x, gamma, beta);
        double[] dst = d.fuseRelu() ? f.dst() : null;
        BatchNormReference.Backward b =
                BatchNormReference.backward(d, false, x, dy, gamma, f.mean(), f.variance(), dst);
        assertGradient("diffSrc", b.diffSrc(), x,
                v -> dot(dy, BatchNormReference.forwardTraining(d, v, gamma, beta).dst()));
        if (d.useScale()) {
            assertGradient("diffScale", b.diffScale(), gamma,
                    v -> dot(dy, BatchNormReference.forwardTraining(d, x, v, beta).dst()));
        }
        if (d.useShift()) {
            assertGradient("diffShift", b.diffShift(), beta,
                    v -> dot(dy, BatchNormReference.forwardTraining(d, x, gamma, v).dst()));
        }
        BatchNormReference.Backward g =
                BatchNormReference.backward(d, true, x, dy, gamma, f.mean(), f.variance(), dst);
        assertGradient("global diffSrc", g.diffSrc(), x,
                v -> dot(dy, BatchNormReference.forward(d, v, gamma, beta, f.mean(), f.variance()).dst()));
    }

    static Stream<GroupNormDesc> groupNormDescs() {
        return Stream.of(GroupNormDesc.of(Shape.of(3, 6), 2),
                GroupNormDesc.of(Shape.of(2, 4, 2, 3), 2),
                GroupNormDesc.of(Shape.of(2, 2, 3, 6), ChannelLayout.NHWC, 3),
                GroupNormDesc.of(Shape.of(2, 4, 5), 4).withShift(false),
                GroupNormDesc.of(Shape.of(2, 6, 3), 1).withScale(false).withShift(false).withEps(0.5f));
    }

    @ParameterizedTest(name = "group norm backward matches finite differences on {0}")
    @MethodSource("groupNormDescs")
    void groupNormBackwardMatchesFiniteDifferences(GroupNormDesc d) {
        SplittableRandom rnd = new SplittableRandom(19);
        int channels = Math.toIntExact(d.channels());
        double[] x = normal(rnd, (int) d.shape().elementCount(), 3.0);
        double[] gamma = d.useScale() ? normal(rnd, channels, 1.0) : null;
        double[] beta = d.useShift() ? normal(rnd, channels, 0.0) : null;
        double[] dy = normal(rnd, x.length, 0.0);
        GroupNormReference.Forward f = GroupNormReference.forward(d, x, gamma, beta);
        GroupNormReference.Backward b = GroupNormReference.backward(d, x, dy, gamma, f.mean(), f.variance());
        assertGradient("diffSrc", b.diffSrc(), x, v -> dot(dy, GroupNormReference.forward(d, v, gamma, beta).dst()));
        if (d.useScale()) {
            assertGradient("diffScale", b.diffScale(), gamma,
                    v -> dot(dy, GroupNormReference.forward(d, x, v, beta).dst()));
        }
        if (d.useShift()) {
            assertGradient("diffShift", b.diffShift(), beta,
                    v -> dot(dy, GroupNormReference.forward(d, x, gamma, v).dst()));
        }
    }

    static void assertGradient(String what, double[] analytic, double[] at, ToDoubleFunction<double[]> loss) {
        double maxErr = 0;
        double maxMag = 0;
        for (int i = 0; i < at.length; i++) {
            double keep = at[i];
            double h = 1e-5 * Math.max(1.0, Math.abs(keep));
            at[i] = keep + h;
            double up = loss.applyAsDouble(at);
            at[i] = keep - h;
            double down = loss.applyAsDouble(at);
            at[i] = keep;
            double numeric = (up - down) / (2 * h);
            maxErr = Math.max(maxErr, Math.abs(numeric - analytic[i]));
            maxMag = Math.max(maxMag, Math.abs(analytic[i]));
        }
        assertTrue(maxMag > 0, what + ": analytic gradient is all zero, the check would prove nothing");
        double rel = maxErr / maxMag;
        assertTrue(rel < BOUND, what + ": normwise relative error " + rel + " vs finite differences, bound " + BOUND);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    static double[] normal(SplittableRandom rnd, int n, double mean) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mean + rnd.nextGaussian();
        return x;
    }
}
