package dev.normkit.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The error scales never lower the bar: each is at least the magnitude of the value it scales, so dividing by it can
 * only excuse cancellation, never hide an error in a value that has none.
 */
class ErrorScalesTest {

    @Test
    void everyScaleIsAtLeastTheReferenceMagnitudeOnEveryCase() {
        int checked = 0;
        for (ConformanceCase c : Conformance.cases(new Selection(List.of(), List.of(), List.of(Shape.of(4, 17))))) {
            CaseData data = CaseData.prepare(c);
            for (Map.Entry<String, double[]> e : data.scales().entrySet()) {
                double[] ref = data.expected().get(e.getKey());
                for (int i = 0; i < ref.length; i++) {
                    if (!Double.isFinite(ref[i]) || !Double.isFinite(e.getValue()[i])) continue;
                    double scale = e.getValue()[i];
                    double r = ref[i];
                    assertTrue(scale >= Math.abs(r) * (1 - 1e-12),
                            () -> c.name() + " " + e.getKey() + ": scale " + scale + " below |ref| " + Math.abs(r));
                    checked++;
                }
            }
        }
        assertTrue(checked > 1000, "only " + checked + " scaled elements checked");
    }

    @Test
    void geluTailIsScaledByItsInputAndDerivativesByAtLeastOne() {
        ActivationDesc gelu = ActivationDesc.of(Activation.GELU_ERF, Shape.of(2));
        double[] s = {-6.0, 2.0};
        double[] y = ActivationReference.forward(gelu, s);
        double[] forward = ErrorScales.activationForward(gelu, s, y);
        assertEquals(6.0, forward[0], 1e-8, "gelu(-6) ~ -6e-9 comes from 0.5 * -6 * (1 + erf), terms of size 6");
        assertEquals(Math.abs(y[1]), forward[1], 1e-15, "no cancellation for positive s");
        double[] backward = ErrorScales.activationBackward(gelu, s, new double[] {0.5, -2.0});
        assertEquals(0.5, backward[0], 1e-7, "the derivative at -6 is ~3e-8: the floor of 1 decides");
        assertEquals(2.0 * Math.max(1.0, Math.abs(ActivationReference.derivative(gelu, 2.0))), backward[1], 1e-15);
    }

    @Test
    void saturatedTanhAndSigmoidLeaveNothingToCancel() {
        ActivationDesc tanh = ActivationDesc.of(Activation.GELU_TANH, Shape.of(1));
        ActivationDesc silu = ActivationDesc.of(Activation.SILU, Shape.of(1));
        // Far beyond saturation the f32 formula is exact: the scale is |dy| * 1, not |dy| * s^3.
        assertEquals(3.0, ErrorScales.activationBackward(tanh, new double[] {1e30}, new double[] {3.0})[0], 1e-12);
        assertEquals(3.0, ErrorScales.activationBackward(silu, new double[] {1e30}, new double[] {3.0})[0], 1e-12);
        // Before saturation 1 - t^2 and 1 - sig cancel, and the scale grows with s.
        assertTrue(ErrorScales.activationBackward(tanh, new double[] {5.0}, new double[] {1.0})[0] > 10);
        assertTrue(ErrorScales.activationBackward(silu, new double[] {10.0}, new double[] {1.0})[0] > 10);
    }
}
