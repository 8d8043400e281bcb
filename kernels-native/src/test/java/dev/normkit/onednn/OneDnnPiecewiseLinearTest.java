package dev.normkit.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.normkit.Activation;
import dev.normkit.ActivationDesc;
import dev.normkit.ActivationKernel;
import dev.normkit.Backend;
import dev.normkit.Backends;
import dev.normkit.Shape;
import dev.normkit.Support;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The piecewise-linear activations on oneDNN's eltwise: the mappings agree with PyTorch's conventions at the kinks
 * (clip_v2 for relu6 and hardtanh, clip's closed upper bound, hardsigmoid and hardswish with alpha 1/6 and beta 1/2,
 * abs, linear, round), except where oneDNN's hardsigmoid and hardswish backward take the piece from s/6 + 1/2 rounded
 * in f32: that is pinned here exactly (oneDNN 3.13), and excused for those inputs only by the conformance suite
 * (OneDnnHardKinks). The inputs are finite: oneDNN's special values are the special-value policy's business.
 */
class OneDnnPiecewiseLinearTest {

    private static final Backend ONEDNN = Backends.get("onednn");
    private static final float BELOW_3 = Math.nextDown(3f);

    private static float[] forward(ActivationDesc d, float[] s) {
        try (ActivationKernel k = ONEDNN.create(d)) {
            float[] y = new float[s.length];
            k.forward(s, y);
            return y;
        }
    }

    private static float[] backward(ActivationDesc d, float[] s, float dy) {
        try (ActivationKernel k = ONEDNN.create(d)) {
            float[] g = new float[s.length];
            Arrays.fill(g, dy);
            float[] dx = new float[s.length];
            k.backward(s, g, dx);
            return dx;
        }
    }

    /** Element by element, +0 equal to -0 (oneDNN's signed zeros are not part of the convention checked here). */
    private static void same(float[] expected, float[] actual) {
        assertArrayEquals(expected, actual, 0f);
    }

    private static ActivationDesc desc(Activation a, int n) {
        return ActivationDesc.of(a, Shape.of(n));
    }

    @Test
    void relu6AndHardtanhHaveSlopeZeroAtTheirBoundsAsPyTorch() {
        float[] s = {-1f, 0f, Math.nextUp(0f), 3f, Math.nextDown(6f), 6f, 7f};
        same(new float[] {0f, 0f, Math.nextUp(0f), 3f, Math.nextDown(6f), 6f, 6f},
                forward(desc(Activation.RELU6, s.length), s));
        same(new float[] {0f, 0f, 2f, 2f, 2f, 0f, 0f}, backward(desc(Activation.RELU6, s.length), s, 2f));
        float[] t = {-2f, -1f, Math.nextUp(-1f), 0.25f, 1f, 2f};
        same(new float[] {0f, 0f, 1f, 1f, 0f, 0f}, backward(desc(Activation.HARDTANH, t.length), t, 1f));
    }

    @Test
    void clipIncludesItsUpperBoundAndClipV2DoesNotWithBackwardFromDst() {
        float[] s = {-1f, Math.nextUp(-1f), 0f, 1f, Math.nextUp(1f)};
        same(new float[] {0f, 1f, 1f, 1f, 0f}, backward(desc(Activation.CLIP, s.length), s, 1f));
        ActivationDesc v2 = desc(Activation.CLIP_V2, s.length);
        same(new float[] {0f, 1f, 1f, 0f, 0f}, backward(v2, s, 1f));
        try (ActivationKernel k = ONEDNN.create(v2)) {
            float[] y = new float[s.length];
            k.forward(s, y);
            float[] dx = new float[s.length];
            float[] ones = {1f, 1f, 1f, 1f, 1f};
            k.backwardFromDst(y, ones, dx);
            same(new float[] {0f, 1f, 1f, 0f, 0f}, dx);
        }
    }

    @Test
    void hardsigmoidAndHardswishAgreeWithPyTorchAwayFromTheirKinks() {
        float[] s = {-4f, Math.nextUp(-3f), -1.5f, 0f, 1.5f, 2.5f, 4f};
        float[] dx = backward(desc(Activation.HARDSWISH, s.length), s, 1f);
        float[] pytorch = {0f, (float) (Math.nextUp(-3f) / 3.0 + 0.5), 0f, 0.5f, 1f, (float) (2.5 / 3 + 0.5), 1f};
        for (int i = 0; i < s.length; i++) assertEquals(pytorch[i], dx[i], 2e-7f, "hardswish'(" + s[i] + ")");
        float[] y = forward(desc(Activation.HARDSWISH, s.length), s);
        assertEquals(-0.375f, y[2], 1e-7f);
        assertEquals(1.125f, y[4], 1e-7f);
        float[] sig = backward(desc(Activation.HARDSIGMOID, s.length), s, 6f);
        assertArrayEquals(new float[] {0f, 1f, 1f, 1f, 1f, 1f, 0f}, sig, 1e-6f);
    }

    /**
     * Pinned: oneDNN 3.13 takes v = s/6 + 1/2 in f32 and returns 0 for v &lt;= 0, the upper piece for v &gt;= 1. At
     * s = -3 and 3 PyTorch's hardswish' is -1/2 and 3/2 (the closed interval); at 3 - ulp, v rounds to 1, where
     * PyTorch's hardsigmoid' is 1/6 and hardswish' about 3/2. If oneDNN changes, this fails and the conformance
     * excusal (OneDnnHardKinks) can go.
     */
    @Test
    void oneDnnTakesTheOuterPieceAtMinusThreeAtThreeAndJustBelowThree() {
        float[] s = {-3f, BELOW_3, 3f};
        assertArrayEquals(new float[] {0f, 1f, 1f}, backward(desc(Activation.HARDSWISH, s.length), s, 1f), 0f,
                "oneDNN hardswish' at -3, 3 - ulp, 3 (PyTorch: -0.5, 1.5, 1.5)");
        float[] sig = backward(desc(Activation.HARDSIGMOID, s.length), s, 1f);
        assertEquals(0f, sig[1], "oneDNN hardsigmoid' at 3 - ulp (PyTorch: 1/6)");
        assertEquals(0f, sig[0], "at -3 both give 0");
        assertEquals(0f, sig[2], "at 3 both give 0");
    }

    @Test
    void absLinearAndRoundAsDefined() {
        float[] s = {-2f, -0f, 0f, 3f};
        same(new float[] {2f, 0f, 0f, 3f}, forward(desc(Activation.ABS, s.length), s));
        same(new float[] {-5f, 0f, 0f, 5f}, backward(desc(Activation.ABS, s.length), s, 5f));
        ActivationDesc linear = new ActivationDesc(Activation.LINEAR, Shape.of(s.length), 2f, 1f);
        same(new float[] {-3f, 1f, 1f, 7f}, forward(linear, s));
        same(new float[] {6f, 6f, 6f, 6f}, backward(linear, s, 3f));
        float[] r = {0.5f, 1.5f, 2.5f, -2.5f, -0.25f, 0x1p23f - 0.5f};
        float[] rounded = forward(desc(Activation.ROUND, r.length), r);
        same(new float[] {0f, 2f, 2f, -2f, -0f, 0x1p23f}, rounded);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(rounded[4]), "round(-0.25) is -0");
    }

    @Test
    void roundIsForwardOnlyAndItsKernelHasNoBackward() {
        try (ActivationKernel k = ONEDNN.create(desc(Activation.ROUND, 4))) {
            assertThrows(IllegalStateException.class, () -> k.backward(new float[4], new float[4], new float[4]));
        }
    }

    @Test
    void theActivationsOneDnnLacksAreUnsupportedWithTheReason() {
        for (Activation a : new Activation[] {Activation.LEAKY_HARDTANH, Activation.LEAKY_HARDTANH_INVERSE,
            Activation.HARDSHRINK, Activation.SOFTSHRINK}) {
            Support support = ONEDNN.support(desc(a, 8));
            assertFalse(support.supported(), a.kernelName());
            assertTrue(support.reason().contains("oneDNN's eltwise has no " + a.kernelName()), support.reason());
        }
    }
}
