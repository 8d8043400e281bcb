package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.Support;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * What oneDNN 3.13 computes for sqrt, square and pow where it departs from normkit's conventions, pinned so that the
 * conformance excusal (test module, OneDnnPowerDerivatives) stays exactly as wide as the departure: its pow backward
 * is {@code b (a s^b) / s}, so it overflows with {@code s^b}; at b = 0.5 it is {@code 0.5 a / sqrt s}, -inf at s = -0;
 * square backward doubles s before multiplying by dd. Where the intermediates stay in range it is exact.
 */
class OneDnnPowConventionTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final float INF = Float.POSITIVE_INFINITY;

    private static float[] backward(ActivationDesc d, float[] s, float[] dy) {
        ActivationDesc sized = new ActivationDesc(d.activation(), Shape.of(s.length), d.alpha(), d.beta());
        float[] dx = new float[s.length];
        try (ActivationKernel k = ONEDNN.create(sized)) {
            k.backward(MemorySegment.ofArray(s), MemorySegment.ofArray(dy), MemorySegment.ofArray(dx));
        }
        return dx;
    }

    private static float[] forward(ActivationDesc d, float... s) {
        ActivationDesc sized = new ActivationDesc(d.activation(), Shape.of(s.length), d.alpha(), d.beta());
        float[] y = new float[s.length];
        try (ActivationKernel k = ONEDNN.create(sized)) {
            k.forward(MemorySegment.ofArray(s), MemorySegment.ofArray(y));
        }
        return y;
    }

    private static ActivationDesc pow(float a, float b) {
        return ActivationDesc.of(Activation.POW, Shape.of(1)).withAlpha(a).withBeta(b);
    }

    @Test
    void powBackwardOverflowsWithAsToTheBEvenWhereTheDerivativeIsFinite() {
        // b = 3, dy = 2^-10 at s = 2^43: s^3 = 2^129 overflows; dy 3 s^2 = 3 2^76 does not. In range at s = 2.
        float[] dx = backward(pow(1f, 3f), new float[] {0x1p43f, 2f}, new float[] {0x1p-10f, 0.5f});
        assertEquals(INF, dx[0], "oneDNN's b (a s^b) / s at s^b beyond MAX");
        assertEquals(6f, dx[1], "exact in range: 0.5 * 3 * 4");
        // s^3 is subnormal at s = 1.2345678 2^-48 (about 2^-144, a few significant bits): oneDNN's 3 (s^3) / s loses
        // the precision that 3 s^2 = 1.4e-28 (a normal float) has
        float s = 1.2345678f * 0x1p-48f;
        double exact = 3.0 * s * s;
        float got = backward(pow(1f, 3f), new float[] {s}, new float[] {1f})[0];
        assertTrue(Math.abs(got - exact) > 1e-3 * exact, "oneDNN's 3 (s^3) / s from a subnormal s^3; got " + got
                + ", exact " + exact);
    }

    @Test
    void powBackwardWithBOneHalfIsMinusInfinityAtMinusZero() {
        float[] dx = backward(pow(1f, 0.5f), new float[] {-0f, 0f, 4f}, new float[] {1f, 1f, 1f});
        assertEquals(-INF, dx[0], "0.5 / sqrt(-0): IEEE pow (and torch) give 0.5 pow(-0, -0.5) = +inf");
        assertEquals(INF, dx[1]);
        assertEquals(0.25f, dx[2]);
    }

    @Test
    void squareBackwardDoublesSFirst() {
        float[] dx = backward(ActivationDesc.of(Activation.SQUARE, Shape.of(1)), new float[] {0x1p127f, -3f},
                new float[] {0.25f, 0.5f});
        assertEquals(INF, dx[0], "2 s overflows at 2^127 although 2 s dd = 2^126");
        assertEquals(-3f, dx[1]);
    }

    @Test
    void powForwardFollowsIeeePowAtZeroAndForNegativeBases() {
        assertEquals(-8f, forward(pow(1f, 3f), -2f)[0]);
        assertTrue(Float.isNaN(forward(pow(1f, 2.5f), -4f)[0]), "negative base, fractional exponent");
        assertEquals(INF, forward(pow(1f, -1f), 0f)[0]);
    }

    @Test
    void softsignIsUnsupportedWithTheReasonAndSqrtHasItsDstBackward() {
        Support softsign = ONEDNN.support(ActivationDesc.of(Activation.SOFTSIGN, Shape.of(4)));
        assertFalse(softsign.supported());
        assertTrue(softsign.reason().contains("softsign"), softsign.reason());
        ActivationDesc sqrt = ActivationDesc.of(Activation.SQRT, Shape.of(2));
        assertTrue(sqrt.hasBackwardFromDst());
        float[] dx = new float[2];
        try (ActivationKernel k = ONEDNN.create(sqrt)) {
            k.backwardFromDst(MemorySegment.ofArray(new float[] {2f, 0.5f}), MemorySegment.ofArray(new float[] {1f, 1f}),
                    MemorySegment.ofArray(dx));
        }
        assertEquals(0.25f, dx[0]);
        assertEquals(1f, dx[1]);
    }
}
