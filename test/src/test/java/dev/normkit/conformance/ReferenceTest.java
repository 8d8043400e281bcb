package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.BatchNormDesc;
import dev.normkit.ChannelLayout;
import dev.normkit.LayerNormDesc;
import dev.normkit.RmsNormDesc;
import dev.normkit.Shape;
import dev.normkit.SoftmaxDesc;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The float64 references stand on their own: they reproduce tabulated values and the defining properties of each
 * operation (normalized rows have mean 0 and the right variance, softmax rows sum to 1, ...), independently of any
 * kernel. Expected values were computed independently with mpmath at 40 digits and rounded to 17.
 */
class ReferenceTest {

    @ParameterizedTest(name = "erf({0}) = {1}")
    @CsvSource({
        "0.1, 0.11246291601828489", "0.5, 0.5204998778130465", "1.0, 0.8427007929497149",
        "2.0, 0.9953222650189527", "3.0, 0.9999779095030014", "-0.5, -0.5204998778130465"})
    void erfMatchesTabulatedValues(double x, double expected) {
        assertEquals(expected, Erf.erf(x), 1e-15 * Math.abs(expected));
    }

    @ParameterizedTest(name = "erfc({0}) = {1}")
    @CsvSource({
        "0.5, 0.4795001221869535", "2.0, 0.004677734981047266", "3.0, 2.209049699858544e-05",
        "4.0, 1.541725790028002e-08", "5.0, 1.5374597944280349e-12", "6.0, 2.1519736712498913e-17",
        "10.0, 2.0884875837625447e-45", "-3.0, 1.9999779095030015"})
    void erfcMatchesTabulatedValuesWithRelativeAccuracyInTheTail(double x, double expected) {
        // 1e-13: below 2, erfc is 1 - erf and loses up to 2.3 digits (see Erf); beyond, it is direct.
        assertEquals(expected, Erf.erfc(x), 1e-13 * Math.abs(expected));
    }

    @Test
    void erfIsOddAndComplementsErfcAcrossTheSeriesAndFractionBranches() {
        for (double x = -6; x <= 6; x += 0.0625) {
            assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0, "odd at " + x);
            assertEquals(1.0, Erf.erf(x) + Erf.erfc(x), 4e-16, "erf + erfc at " + x);
        }
        // The two branches meet at 2 without a step.
        assertEquals(Erf.erfc(Math.nextDown(2.0)), Erf.erfc(2.0), 1e-13 * Erf.erfc(2.0));
    }

    @Test
    void erfHandlesSpecialValues() {
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erf(0.0));
    }

    @Test
    void layerNormRowsHaveZeroMeanAndVarianceShrunkByEps() {
        LayerNormDesc d = LayerNormDesc.of(Shape.of(5, 33)).withScale(false).withShift(false).withEps(0.01f);
        double[] x = normal(new SplittableRandom(1), 5 * 33, 7.0, 2.0);
        LayerNormReference.Forward f = LayerNormReference.forward(d, x, null, null);
        for (int r = 0; r < 5; r++) {
            double mean = 0;
            double var = 0;
            double yMean = 0;
            for (int c = 0; c < 33; c++) mean += x[r * 33 + c] / 33;
            for (int c = 0; c < 33; c++) var += Math.pow(x[r * 33 + c] - mean, 2) / 33;
            for (int c = 0; c < 33; c++) yMean += f.dst()[r * 33 + c] / 33;
            double yVar = 0;
            for (int c = 0; c < 33; c++) yVar += Math.pow(f.dst()[r * 33 + c] - yMean, 2) / 33;
            assertEquals(mean, f.mean()[r], 1e-13);
            assertEquals(1 / Math.sqrt(var + 0.01f), f.rstd()[r], 1e-13);
            assertEquals(0.0, yMean, 1e-13);
            assertEquals(var / (var + 0.01f), yVar, 1e-13);
        }
    }

    @Test
    void layerNormAppliesScaleAndShiftPerColumnAndGivesShiftForAConstantRow() {
        LayerNormDesc d = LayerNormDesc.of(Shape.of(2, 3));
        double[] x = {4, 4, 4, 1, 2, 3};
        double[] gamma = {2, 3, 4};
        double[] beta = {-1, 0, 1};
        double[] y = LayerNormReference.forward(d, x, gamma, beta).dst();
        double rstd = 1 / Math.sqrt(2.0 / 3 + 1e-5f);
        double[] expected = {-1, 0, 1, -rstd * 2 - 1, 0, rstd * 4 + 1};
        for (int i = 0; i < 6; i++) assertEquals(expected[i], y[i], 1e-14, "element " + i);
    }

    @Test
    void layerNormOverTwoAxesEqualsLayerNormOfTheFlattenedRow() {
        double[] x = normal(new SplittableRandom(2), 2 * 3 * 5, 0.0, 1.0);
        double[] gamma = normal(new SplittableRandom(3), 15, 1.0, 0.3);
        double[] beta = normal(new SplittableRandom(4), 15, 0.0, 0.3);
        double[] twoAxes = LayerNormReference.forward(
                LayerNormDesc.of(Shape.of(2, 3, 5)).withNormalizedAxes(2), x, gamma, beta).dst();
        double[] flat = LayerNormReference.forward(LayerNormDesc.of(Shape.of(2, 15)), x, gamma, beta).dst();
        for (int i = 0; i < x.length; i++) assertEquals(flat[i], twoAxes[i], 0.0);
    }

    @Test
    void rmsNormRowsHaveMeanSquareShrunkByEps() {
        RmsNormDesc d = RmsNormDesc.of(Shape.of(3, 20)).withScale(false).withEps(0.1f);
        double[] x = normal(new SplittableRandom(5), 60, 0.5, 1.0);
        RmsNormReference.Forward f = RmsNormReference.forward(d, x, null);
        for (int r = 0; r < 3; r++) {
            double ms = 0;
            double yms = 0;
            for (int c = 0; c < 20; c++) {
                ms += x[r * 20 + c] * x[r * 20 + c] / 20;
                yms += f.dst()[r * 20 + c] * f.dst()[r * 20 + c] / 20;
            }
            assertEquals(1 / Math.sqrt(ms + 0.1f), f.rstd()[r], 1e-14);
            assertEquals(ms / (ms + 0.1f), yms, 1e-13);
        }
    }

    @Test
    void softmaxRowsSumToOneAndLogSoftmaxIsItsLogarithmEvenNearExpOverflow() {
        SoftmaxDesc d = SoftmaxDesc.of(Shape.of(4, 50));
        double[] x = normal(new SplittableRandom(6), 200, 1000.0, 5.0);
        double[] y = SoftmaxReference.forward(d, x);
        double[] logY = SoftmaxReference.forward(SoftmaxDesc.logOf(Shape.of(4, 50)), x);
        for (int r = 0; r < 4; r++) {
            double sum = 0;
            for (int c = 0; c < 50; c++) {
                sum += y[r * 50 + c];
                assertEquals(Math.log(y[r * 50 + c]), logY[r * 50 + c], 1e-12);
            }
            assertEquals(1.0, sum, 1e-14);
        }
    }

    @Test
    void softmaxAlongAnInnerAxisEqualsSoftmaxOfTheTransposedRows() {
        double[] x = normal(new SplittableRandom(7), 6 * 4, 0.0, 2.0);
        double[] t = new double[24];
        for (int a = 0; a < 6; a++) for (int i = 0; i < 4; i++) t[i * 6 + a] = x[a * 4 + i];
        double[] alongAxis0 = SoftmaxReference.forward(new SoftmaxDesc(Shape.of(6, 4), 0, false), x);
        double[] alongRows = SoftmaxReference.forward(SoftmaxDesc.of(Shape.of(4, 6)), t);
        for (int a = 0; a < 6; a++) {
            for (int i = 0; i < 4; i++) assertEquals(alongRows[i * 6 + a], alongAxis0[a * 4 + i], 0.0);
        }
    }

    @Test
    void softmaxGivesZeroForMinusInfinityAndNanForARowWithNanOrOnlyMinusInfinity() {
        SoftmaxDesc d = SoftmaxDesc.of(Shape.of(3, 2));
        double inf = Double.POSITIVE_INFINITY;
        double[] y = SoftmaxReference.forward(d, new double[] {-inf, 1.0, Double.NaN, 1.0, -inf, -inf});
        assertEquals(0.0, y[0]);
        assertEquals(1.0, y[1]);
        for (int i = 2; i < 6; i++) assertTrue(Double.isNaN(y[i]), "element " + i + " = " + y[i]);
        double[] logY = SoftmaxReference.forward(SoftmaxDesc.logOf(Shape.of(1, 2)), new double[] {-inf, 1.0});
        assertEquals(-inf, logY[0]);
        assertEquals(0.0, logY[1]);
    }

    @ParameterizedTest(name = "{0}({1}) = {2}")
    @CsvSource({
        "RELU, 0.0, 2.5, 2.5", "RELU, 0.0, -2.5, 0.0", "LEAKY_RELU, 0.5, -2.5, -1.25",
        "GELU_ERF, 0.0, 1.0, 0.8413447460685429", "GELU_ERF, 0.0, -1.0, -0.15865525393145707",
        "GELU_ERF, 0.0, -5.0, -1.4332578593959696e-06",
        "GELU_TANH, 0.0, 1.0, 0.8411919906082767", "GELU_TANH, 0.0, -3.0, -0.0036373920817730188",
        "SILU, 0.0, 1.0, 0.7310585786300049", "SWISH, 1.0, -2.0, -0.2384058440442351"})
    void activationsMatchIndependentlyComputedValues(Activation a, float alpha, double s, double expected) {
        ActivationDesc d = ActivationDesc.of(a, Shape.of(1)).withAlpha(alpha);
        assertEquals(expected, ActivationReference.value(d, s), 1e-15 * Math.max(1e-3, Math.abs(expected)));
    }

    /** The ReLU and GELU/SiLU kinds, which tend to s at +inf and to 0 at -inf (their defaults). */
    @Test
    void activationsTakeTheirLimitsAtInfinityAndPropagateNan() {
        double inf = Double.POSITIVE_INFINITY;
        for (Activation a : List.of(Activation.RELU, Activation.GELU_ERF, Activation.GELU_TANH, Activation.SILU,
                Activation.SWISH)) {
            ActivationDesc d = ActivationDesc.of(a, Shape.of(1));
            assertEquals(inf, ActivationReference.value(d, inf), a.name());
            assertEquals(0.0, ActivationReference.value(d, -inf), a.name());
            assertEquals(1.0, ActivationReference.derivative(d, inf), a.name());
            assertEquals(0.0, ActivationReference.derivative(d, -inf), a.name());
            assertTrue(Double.isNaN(ActivationReference.value(d, Double.NaN)), a.name());
            assertTrue(Double.isNaN(ActivationReference.derivative(d, Double.NaN)), a.name());
            // Huge but finite: no 0 * inf inside the formulas.
            assertEquals(1.0, ActivationReference.derivative(d, 3e38), 1e-15, a.name());
            assertEquals(0.0, ActivationReference.derivative(d, -3e38), 1e-15, a.name());
        }
        ActivationDesc leaky = ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(1)).withAlpha(0.01f);
        assertEquals(-inf, ActivationReference.value(leaky, -inf));
    }

    @Test
    void reluDerivativeAtZeroIsTheLeftSlopeAsInPyTorch() {
        assertEquals(0.0, ActivationReference.derivative(ActivationDesc.of(Activation.RELU, Shape.of(1)), 0.0));
        ActivationDesc leaky = ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(1)).withAlpha(0.01f);
        assertEquals(0.01f, ActivationReference.derivative(leaky, 0.0));
    }

    @Test
    void backwardFromDstIsRefusedWhereTheOutputCannotTellTheSlope() {
        ActivationDesc negative = ActivationDesc.of(Activation.LEAKY_RELU, Shape.of(1)).withAlpha(-0.5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationReference.backwardFromDst(negative, new double[] {1}, new double[] {1}));
        assertTrue(e.getMessage().contains("backward from dst"), e.getMessage());
    }

    static double[] normal(SplittableRandom rnd, int n, double mean, double sigma) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mean + sigma * rnd.nextGaussian();
        return x;
    }

    @Test
    void batchNormChannelsHaveZeroMeanAndUnitVarianceInEveryLayout() {
        double[] x = new double[2 * 3 * 4 * 5];
        for (int i = 0; i < x.length; i++) x[i] = 100 * (i % 3) + Math.sin(i) * (1 + i % 7);
        for (BatchNormDesc d : new BatchNormDesc[] {BatchNormDesc.of(Shape.of(2, 3, 4, 5)).withEps(0f),
                BatchNormDesc.of(Shape.of(2, 4, 5, 3), ChannelLayout.NHWC).withEps(0f),
                BatchNormDesc.of(Shape.of(40, 3)).withEps(0f)}) {
            double[] y = BatchNormReference.forwardTraining(d, x, null, null).dst();
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                double squares = 0;
                for (int m = 0; m < 40; m++) {
                    double v = y[BatchNormReference.element(d, c, m)];
                    sum += v;
                    squares += v * v;
                }
                assertEquals(0.0, sum / 40, 1e-12, d.layout() + " channel " + c + " mean");
                assertEquals(1.0, squares / 40, 1e-12, d.layout() + " channel " + c + " variance");
            }
        }
    }

    @Test
    void batchNormNhwcIsNchwTransposed() {
        BatchNormDesc nchw = BatchNormDesc.of(Shape.of(2, 3, 4, 5));
        BatchNormDesc nhwc = BatchNormDesc.of(Shape.of(2, 4, 5, 3), ChannelLayout.NHWC);
        double[] a = new double[120];
        double[] b = new double[120];
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int s = 0; s < 20; s++) {
                    double v = Math.cos(n * 60 + c * 20 + s) * (c + 1) + 1e4;
                    a[(n * 3 + c) * 20 + s] = v;
                    b[(n * 20 + s) * 3 + c] = v;
                }
            }
        }
        double[] gamma = {0.5, 1.5, -1};
        double[] beta = {0.1, 0.2, 0.3};
        double[] ya = BatchNormReference.forwardTraining(nchw, a, gamma, beta).dst();
        double[] yb = BatchNormReference.forwardTraining(nhwc, b, gamma, beta).dst();
        for (int n = 0; n < 2; n++) {
            for (int c = 0; c < 3; c++) {
                for (int s = 0; s < 20; s++) {
                    assertEquals(ya[(n * 3 + c) * 20 + s], yb[(n * 20 + s) * 3 + c], 1e-9, "n=" + n + " c=" + c);
                }
            }
        }
    }

    @Test
    void batchNormRunningUpdateIsPyTorchs() {
        BatchNormDesc d = BatchNormDesc.of(Shape.of(5, 2)).withMomentum(0.25f);
        double[][] r = BatchNormReference.runningUpdate(d, new double[] {1, -1}, new double[] {2, 4},
                new double[] {3, 5}, new double[] {8, 0.8});
        // running_mean: 0.75 * 1 + 0.25 * 3; running_var: 0.75 * 2 + 0.25 * 8 * 5/4
        assertEquals(1.5, r[0][0], 1e-15);
        assertEquals(0.5, r[0][1], 1e-15);
        assertEquals(4.0, r[1][0], 1e-15);
        assertEquals(3.25, r[1][1], 1e-15);
    }
}
