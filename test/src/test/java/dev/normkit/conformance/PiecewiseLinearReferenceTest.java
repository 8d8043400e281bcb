package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.Shape;
import org.junit.jupiter.api.Test;

/** The float64 references of the piecewise-linear activations against values worked out by hand. */
class PiecewiseLinearReferenceTest {

    private static ActivationDesc d(Activation a) {
        return ActivationDesc.of(a, Shape.of(1));
    }

    @Test
    void kinksFollowPyTorch() {
        assertEquals(0.0, ActivationReference.derivative(d(Activation.RELU6), 6.0));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.HARDTANH), -1.0));
        assertEquals(1.0, ActivationReference.derivative(d(Activation.CLIP), 1.0));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.CLIP_V2), 1.0));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.HARDSIGMOID), 3.0));
        assertEquals(1.0 / 6, ActivationReference.derivative(d(Activation.HARDSIGMOID), 2.999));
        assertEquals(-0.5, ActivationReference.derivative(d(Activation.HARDSWISH), -3.0));
        assertEquals(1.5, ActivationReference.derivative(d(Activation.HARDSWISH), 3.0));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.HARDSWISH), -3.001));
        assertEquals(1.0, ActivationReference.derivative(d(Activation.HARDSWISH), 3.001));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.HARDSHRINK), 0.5));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.SOFTSHRINK), -0.5));
        assertEquals(0.0, ActivationReference.derivative(d(Activation.ABS), 0.0));
        double k = (double) 0.03f;
        assertEquals(k, ActivationReference.derivative(d(Activation.LEAKY_HARDTANH), 1.0));
        assertEquals(1 + k, ActivationReference.derivative(d(Activation.LEAKY_HARDTANH), 0.999));
        assertEquals(1 / k, ActivationReference.derivative(d(Activation.LEAKY_HARDTANH_INVERSE), 1 + k));
        assertEquals(1 / (1 + k), ActivationReference.derivative(d(Activation.LEAKY_HARDTANH_INVERSE), 1.0));
    }

    @Test
    void valuesAndLimits() {
        assertEquals(0.375 * 3, ActivationReference.value(d(Activation.HARDSWISH), 1.5)); // 1.5 * 4.5 / 6
        assertEquals(0.0, ActivationReference.value(d(Activation.HARDSWISH), Double.NEGATIVE_INFINITY));
        assertEquals(0.25, ActivationReference.value(d(Activation.SOFTSHRINK), 0.75));
        assertEquals(6.0, ActivationReference.value(d(Activation.RELU6), Double.POSITIVE_INFINITY));
        assertEquals(0, Double.doubleToRawLongBits(ActivationReference.value(d(Activation.RELU6), -0.0)), "+0");
        ActivationDesc constant = new ActivationDesc(Activation.LINEAR, Shape.of(1), 0f, 5f);
        assertEquals(5.0, ActivationReference.value(constant, Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(ActivationReference.derivative(d(Activation.RELU6), Double.NaN)));
    }

    @Test
    void leakyHardtanhInverseUndoesIt() {
        ActivationDesc f = d(Activation.LEAKY_HARDTANH);
        ActivationDesc g = d(Activation.LEAKY_HARDTANH_INVERSE);
        for (double s = -7.3; s < 7.3; s += 0.1) {
            assertEquals(s, ActivationReference.value(g, ActivationReference.value(f, s)), 1e-12, "s = " + s);
        }
    }

    @Test
    void roundGoesHalfToEvenWithSignedZeros() {
        double[][] cases = {{0.5, 0}, {1.5, 2}, {2.5, 2}, {-2.5, -2}, {-3.5, -4}, {2.4999, 2}, {-0.25, -0.0},
            {8388607.5, 8388608}, {4194304.5, 4194304}, {1e30, 1e30}};
        ActivationDesc r = d(Activation.ROUND);
        for (double[] c : cases) {
            double got = ActivationReference.value(r, c[0]);
            assertEquals(Double.doubleToRawLongBits(c[1]), Double.doubleToRawLongBits(got), "round(" + c[0] + ") = " + got);
        }
    }
}
